"""Self-registration over GraphQL: anyone registers and withdraws; editors see their municipalities'
queue and approve or reject (``permissions.ROOT_FIELDS``).

``register`` is protected against bulk submission in three ways, each with its own userError code:
a per-client budget of its own (``GRAPHSVC_REGISTER_RATE_LIMIT``, code RATE_LIMITED), identical
pending submissions (DUPLICATE) and a cap on the queue per municipality (QUEUE_FULL). A filled honeypot
field (``website``) is answered as if accepted and nothing is kept: a bot learns nothing to adapt to.
Messages are rendered in the caller's language (``words``); logs name no one and quote nothing.
"""

from __future__ import annotations

import logging
import math

import strawberry

from ..domain import GraphsvcError, NodeKind, NotFoundError
from ..domain.registration import CONSENT_VERSION, new_code, new_key
from ..engine import registrations
from ..engine.view import PUBLIC
from ..words import CONSENT, message
from . import prepared
from .call import CALL
from .context import Context
from .ids import decode, encode
from .mutation import Act, errors_of, run, stakeholder_payload, to_record, write
from .trust import schedule_flush
from .types.pagination import Connection, paginate
from .types.payloads import DeletePayload, StakeholderPayload, UserError
from .types.registration import (
    RegisterPayload,
    Registration,
    RegistrationConsent,
    RegistrationInput,
    WithdrawPayload,
)

log = logging.getLogger("graphsvc.api")
# userError codes whose message comes from the catalogue (words.CATALOGUE), in the caller's language
MESSAGES = {
    "RATE_LIMITED": "REGISTRATION_RATE_LIMITED",
    "DUPLICATE": "REGISTRATION_DUPLICATE",
    "QUEUE_FULL": "REGISTRATION_QUEUE_FULL",
    "CONSENT_REQUIRED": "REGISTRATION_CONSENT_REQUIRED",
    "AREA_REQUIRED": "REGISTRATION_AREA_REQUIRED",
    "NOT_FOUND": "REGISTRATION_NOT_FOUND",
}


def in_words(context: Context, error: GraphsvcError) -> list[UserError]:
    """userErrors with the messages of this module's codes in the caller's language."""
    view = context.engine.view(PUBLIC)
    found = []
    for problem in errors_of(error):
        code = MESSAGES.get(problem.code)
        if code is not None:
            params = {"area": problem.message} if problem.code == "QUEUE_FULL" else {}
            problem = UserError(
                field=problem.field, message=message(code, context.language, view, **params), code=problem.code
            )
        found.append(problem)
    return found


def registration_key(global_id: str) -> str:
    typename, key = decode(global_id)
    if typename != "Registration":
        raise NotFoundError(registrations.NOT_FOUND, field="id")
    return key


def not_found(context: Context) -> list[UserError]:
    """The one answer for an id that names no registration the caller may decide on, whatever the reason."""
    return [UserError(field="id", message=message(MESSAGES["NOT_FOUND"], context.language), code="NOT_FOUND")]


def withdrawn(done: registrations.Withdrawn | None) -> list[Act]:
    """The audit entry of a withdrawal (none for a code that named nothing)."""
    if done is None:
        return []
    subjects = [done.registration.id, *([done.erased] if done.erased else [])]
    detail = "approved: stakeholder erased" if done.erased else f"{done.registration.state.lower()}: deleted"
    return [Act("withdrawRegistration", subjects, detail)]


async def over_budget(context: Context) -> UserError | None:
    """Count a registration against the client's budget; the userError when it is spent."""
    call = CALL.get()
    limiter = context.registering
    if limiter is None or call is None:
        return None
    refusal = await limiter.check(call.client)
    if refusal is None:
        return None
    minutes = max(1, math.ceil(refusal.retry_after / 60))
    text = message(MESSAGES["RATE_LIMITED"], context.language, n=minutes)
    return UserError(field="input", message=text, code="RATE_LIMITED")


@strawberry.type
class RegistrationQueries:
    @strawberry.field(
        description="Self-registrations (aanmeldingen) waiting for an editor, oldest first: those naming an area in "
        "your municipalities (editors)."
    )
    async def registrations(
        self, info: strawberry.Info, first: int = 50, after: str | None = None
    ) -> Connection[Registration]:
        context: Context = info.context
        found = await run(lambda: registrations.pending(context.engine, context.viewer))
        page = paginate(found, first, after, context.settings.max_page, Registration.of)
        residents = [e.node._registration.id for e in page.edges if e.node.kind.value == NodeKind.RESIDENT.value]
        if residents:  # a read of personal data: on the record, by key only
            context.engine.trust.audit.record_read(context.viewer.label, "read:registrations", residents)
            schedule_flush(context.engine.trust.audit)
        return page

    @strawberry.field(description="The consent text of the self-registration form (in your language) and its version.")
    def registration_consent(self, info: strawberry.Info) -> RegistrationConsent:
        language = info.context.language
        return RegistrationConsent(version=CONSENT_VERSION, text=CONSENT[CONSENT_VERSION][language])


@strawberry.type
class RegistrationMutations:
    @strawberry.mutation(
        description="Sign up an initiative, organisation or resident (aanmelding; anyone, no token). Nothing of it is "
        "visible to anyone but editors until one approves it. The answer holds a withdrawal code, shown once."
    )
    async def register(self, info: strawberry.Info, input: RegistrationInput) -> RegisterPayload:
        context: Context = info.context
        spent = await over_budget(context)
        if spent is not None:
            return RegisterPayload(user_errors=[spent])
        if input.website:  # the honeypot: looks accepted, keeps nothing
            log.info("a self-registration with the honeypot field filled was dropped")
            return RegisterPayload(
                registration_id=strawberry.ID(encode("Registration", new_key())), withdrawal_code=new_code()
            )
        values = to_record({k: v for k, v in vars(input).items() if k not in ("consent", "website")})
        values["kind"] = input.kind.value
        view = context.engine.view(PUBLIC)  # its areas and themes: whoever registers, against the whole city
        cap = context.settings.registration_cap
        try:
            made = await write(
                context,
                lambda: registrations.register(context.engine, view, values, input.consent, cap),
                lambda made: [Act("register", [made.registration.id], made.registration.kind)],
            )
        except GraphsvcError as error:
            return RegisterPayload(user_errors=in_words(context, error))
        registration_id = strawberry.ID(encode("Registration", made.registration.id))
        return RegisterPayload(registration_id=registration_id, withdrawal_code=made.code)

    @strawberry.mutation(
        description="Withdraw a self-registration with its withdrawal code (anyone): a pending one is deleted; an "
        "approved one's stakeholder is erased with all its relations, as eraseResident does."
    )
    async def withdraw_registration(self, info: strawberry.Info, code: str) -> WithdrawPayload:
        context: Context = info.context
        done = await write(context, lambda: registrations.withdraw(context.engine, code), withdrawn)
        if done is None:
            error = UserError(
                field="code", message=message("WITHDRAWAL_CODE_UNKNOWN", context.language), code="NOT_FOUND"
            )
            return WithdrawPayload(withdrawn=False, user_errors=[error])
        if done.erased is not None:
            prepared.forget()  # query texts may have named them
        return WithdrawPayload(withdrawn=True)

    @strawberry.mutation(
        description="Approve a self-registration (editors): the stakeholder is created in your municipalities, its "
        "source 'aanmelding (self-registration) <date>'."
    )
    async def approve_registration(self, info: strawberry.Info, id: strawberry.ID) -> StakeholderPayload:
        context: Context = info.context
        view = context.view
        try:
            key = registration_key(id)
            node = await write(
                context,
                lambda: registrations.approve(context.engine, view, key),
                lambda node: [Act("approveRegistration", [key, node.id], node.kind.value)],
            )
        except NotFoundError:
            return StakeholderPayload(user_errors=not_found(context))
        except GraphsvcError as error:
            return StakeholderPayload(user_errors=in_words(context, error))
        return stakeholder_payload(context, node)

    @strawberry.mutation(description="Reject a self-registration (editors): it is deleted.")
    async def reject_registration(self, info: strawberry.Info, id: strawberry.ID) -> DeletePayload:
        context: Context = info.context
        try:
            key = registration_key(id)
            await write(
                context,
                lambda: registrations.reject(context.engine, context.viewer, key),
                lambda _: [Act("rejectRegistration", [key])],
            )
        except NotFoundError:
            return DeletePayload(user_errors=not_found(context))
        return DeletePayload(deleted_id=id)
