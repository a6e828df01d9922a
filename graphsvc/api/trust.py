"""Trust over GraphQL: who am I (``me``), API tokens, the audit log, and the residents' rights
(erasure, objection), plus the extension that writes reads of resident data to the audit log.

Every act here is an administrator's (``permissions.ROOT_FIELDS``) except ``me``, which anyone may
ask. Every mutation of the API is written to the audit log with who did it (a token's display
prefix, or 'public'), when, and on whom (store keys only: pseudonyms, never names).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime

import strawberry
from graphql import DocumentNode

from ..domain import GraphsvcError, NotFoundError, ValidationError
from ..domain.model import utcnow
from ..domain.trust import ERASED, READ, parse_duration
from ..domain.trust import ApiToken as DomainToken
from ..engine import Role, Viewer
from ..engine.trust import Audit, issue_token
from . import prepared
from .context import Context
from .ids import decode, encode
from .mutation import Act, errors_of, run, write
from .permissions import root_fields
from .types.pagination import PageInfo, check_first
from .types.payloads import UserError

strawberry.enum(
    Role,
    description="What a caller may do: PUBLIC reads public data, BROKER (sociaal makelaar) "
    "also asks connection questions and sees suggestions, EDITOR also writes, ADMIN also manages "
    "tokens, erasure, objections and the audit log.",
)
AUDIT_CURSOR = "audit:"
log = logging.getLogger("graphsvc.api")
_flushing: dict[int, asyncio.Task] = {}


@strawberry.type(description="Who the API takes the caller for: role, municipalities and the token's display prefix.")
class Me:
    role: Role
    municipalities: list[str] | None = strawberry.field(description="CBS GM codes; null: every municipality")
    label: str = strawberry.field(description="The token's display prefix, or 'public' without a token")


@strawberry.type(description="An API token as kept: never the secret, only what it grants and when it was used.")
class ApiToken:
    prefix: str = strawberry.field(description="Display prefix: names the token in lists, the audit log, revocation")
    role: Role
    municipalities: list[str] | None = strawberry.field(description="CBS GM codes; null: every municipality")
    state: str = strawberry.field(description="ACTIVE, EXPIRED or REVOKED")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = strawberry.field(description="To the minute")
    note: str | None

    @classmethod
    def of(cls, token: DomainToken, now: datetime) -> ApiToken:
        return cls(
            prefix=token.prefix,
            role=Role(token.role),
            municipalities=None if token.municipalities is None else list(token.municipalities),
            state=token.state(now),
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
            last_used_at=token.last_used_at,
            note=token.note,
        )


@strawberry.type
class CreateTokenPayload:
    token: ApiToken | None = None
    secret: str | None = strawberry.field(default=None, description="The token itself: shown this once, never again")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeTokenPayload:
    token: ApiToken | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="One act in the audit log: who, when, what, on whom (store keys only, never names).")
class AuditEntry:
    seq: int
    at: datetime
    who: str = strawberry.field(description="A token's display prefix, 'public', or 'cli'")
    action: str
    subjects: list[str] = strawberry.field(description="Store keys (pseudonyms) of the records concerned")
    detail: str | None


@strawberry.type(description="A page of the audit log, oldest first.")
class AuditLogPage:
    entries: list[AuditEntry]
    page_info: PageInfo


@strawberry.type
class ErasePayload:
    erased_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ObjectionPayload:
    resident_id: strawberry.ID | None = None
    objected: bool | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def audit_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{AUDIT_CURSOR}{seq}".encode()).decode()


def audit_after(after: str | None) -> int:
    if after is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(after.encode()).decode()
        if text.startswith(AUDIT_CURSOR):
            return int(text.removeprefix(AUDIT_CURSOR))
    except (ValueError, UnicodeDecodeError):
        pass
    raise ValidationError(f"'{after}' is not a cursor of the audit log", field="after")


def within_scope(viewer: Viewer, municipalities: Iterable[str] | None) -> bool:
    """Whether a token for ``municipalities`` (None: all) covers no more than the viewer does."""
    if viewer.municipalities is None:
        return True
    return municipalities is not None and set(municipalities) <= viewer.municipalities


def in_scope(context: Context, key: str) -> None:
    """A resident outside a scoped administrator's municipalities is answered like a missing one."""
    node = context.engine.stored(key)
    if node is not None and not context.viewer.in_scope(node.areas):
        raise NotFoundError("no resident with that id", field="id")


def resident_key(global_id: str) -> str:
    typename, key = decode(global_id)
    if typename != "Resident":
        raise NotFoundError("no resident with that id", field="id")
    return key


@strawberry.type
class TrustQueries:
    @strawberry.field(description="Who the API takes you for: your role, municipalities and token prefix.")
    def me(self, info: strawberry.Info) -> Me:
        viewer = info.context.viewer
        scope = None if viewer.municipalities is None else sorted(viewer.municipalities)
        return Me(role=viewer.role, municipalities=scope, label=viewer.label or "public")

    @strawberry.field(description="Every API token, newest first (administrators).")
    async def tokens(self, info: strawberry.Info) -> list[ApiToken]:
        context: Context = info.context
        now = utcnow()
        found = await run(context.engine.store.tokens)
        return [ApiToken.of(t, now) for t in found if within_scope(context.viewer, t.municipalities)]

    @strawberry.field(
        description="The audit log, oldest first, 'first' entries after the cursor 'after' (administrators)."
    )
    async def audit_log(self, info: strawberry.Info, first: int = 50, after: str | None = None) -> AuditLogPage:
        context: Context = info.context
        check_first(first, context.settings.max_page)
        start = audit_after(after)
        audit = context.engine.trust.audit
        await run(audit.flush)
        found = await run(lambda: context.engine.store.audit_log(start, first + 1))
        page = found[:first]
        if context.viewer.municipalities is not None:  # a scoped administrator: acts on what it may see
            view = context.view
            page = [e for e in page if all(s in view or s.startswith(ERASED) for s in e.subjects)]
        entries = [
            AuditEntry(seq=e.seq, at=e.at, who=e.who, action=e.action, subjects=list(e.subjects), detail=e.detail)
            for e in page
        ]
        cursors = [audit_cursor(e.seq) for e in page]
        info_ = PageInfo(
            has_next_page=len(found) > first,
            has_previous_page=start > 0,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
        return AuditLogPage(entries=entries, page_info=info_)


@strawberry.type
class TrustMutations:
    @strawberry.mutation(
        description="Make an API token (administrators): role, municipalities (CBS GM codes; none: all) and how long "
        "it lasts (e.g. 90d; none: until revoked). The secret is in the answer this once, and never again."
    )
    async def create_token(
        self,
        info: strawberry.Info,
        role: Role,
        municipalities: list[str] | None = None,
        expires_in: str | None = None,
        note: str | None = None,
    ) -> CreateTokenPayload:
        context: Context = info.context
        try:
            try:
                expires = None if expires_in is None else parse_duration(expires_in)
            except ValueError as error:
                raise ValidationError(str(error), field="expiresIn") from None
            if municipalities is None and context.viewer.municipalities is not None:
                municipalities = sorted(context.viewer.municipalities)
            if not within_scope(context.viewer, municipalities):
                raise ValidationError("only tokens for your own municipalities", field="municipalities")
            secret, token = await write(
                context,
                lambda: issue_token(context.engine.store, role, municipalities, expires, note),
                lambda made: [Act("createToken", detail=f"{made[1].prefix} {made[1].role}")],
            )
        except GraphsvcError as error:
            return CreateTokenPayload(user_errors=errors_of(error))
        return CreateTokenPayload(token=ApiToken.of(token, token.created_at), secret=secret)

    @strawberry.mutation(description="Revoke an API token by its display prefix (administrators); at once, for good.")
    async def revoke_token(self, info: strawberry.Info, prefix: str) -> RevokeTokenPayload:
        context: Context = info.context
        now = utcnow()
        known = {t.prefix: t for t in await run(context.engine.store.tokens)}
        mine = prefix in known and within_scope(context.viewer, known[prefix].municipalities)
        token = None
        if mine:
            token = await write(
                context,
                lambda: context.engine.store.revoke_token(prefix, now),
                lambda token: [Act("revokeToken", detail=token.prefix)] if token else [],
            )
        context.engine.trust.tokens.forget()
        if token is None:
            error = UserError(field="prefix", message="no token with that prefix", code="NOT_FOUND")
            return RevokeTokenPayload(user_errors=[error])
        return RevokeTokenPayload(token=ApiToken.of(token, now))

    @strawberry.mutation(
        description="Erase a resident (AVG art. 17; administrators): they and all their relations and reviews leave "
        "the store, every answer, search, suggestion and the change feed; the audit log names them by a label."
    )
    async def erase_resident(self, info: strawberry.Info, id: strawberry.ID) -> ErasePayload:
        context: Context = info.context
        try:
            key = resident_key(id)
            in_scope(context, key)
            label = await write(
                context,
                lambda: context.engine.erase(key),
                lambda label: [Act("eraseResident", [label])] if label else [],
            )
            if label is None:
                raise NotFoundError("no resident with that id", field="id")
        except GraphsvcError as error:
            return ErasePayload(user_errors=errors_of(error))
        prepared.forget()  # query texts may have named them
        return ErasePayload(erased_id=id)

    @strawberry.mutation(
        description="Record that a resident objects to the processing (AVG art. 21; administrators), or that the "
        "objection ended: while it stands, they are in no answer at all."
    )
    async def object_resident(self, info: strawberry.Info, id: strawberry.ID, objected: bool) -> ObjectionPayload:
        context: Context = info.context
        try:
            key = resident_key(id)
            in_scope(context, key)
            node = await write(
                context,
                lambda: context.engine.set_objected(key, objected),
                lambda _: [Act("objectResident", [key], "objected" if objected else "objection ended")],
            )
        except GraphsvcError as error:
            return ObjectionPayload(user_errors=errors_of(error))
        return ObjectionPayload(resident_id=strawberry.ID(encode("Resident", node.id)), objected=node.objected)


RESIDENT_IDS = encode("Resident", "")  # how every resident's global ID begins ("Resident:" is 9 bytes)


def strings_in(data: object) -> set[str]:
    """Every string in an answer (its ``data``: dicts, lists and scalars), walked without recursion: an
    ego network's answer holds thousands, and a generator per level would resume once per level each.

    >>> sorted(strings_in({"a": ["x", {"b": "y", "c": 3}], "d": None}))
    ['x', 'y']
    """
    found: set[str] = set()
    waiting = [data]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return found


FLUSH_EVERY = 0.5  # seconds: reads' audit entries are written together, at most this long after the read


def schedule_flush(audit: Audit) -> None:
    """Write pending audit entries from a worker thread within ``FLUSH_EVERY`` seconds, one flush at a
    time per audit log: under load, one disk write carries many reads' entries, not one each."""
    running = _flushing.get(id(audit))
    if running is not None and not running.done():
        return

    async def flush() -> None:
        while audit.pending:
            await asyncio.sleep(FLUSH_EVERY)
            try:
                await asyncio.to_thread(audit.flush)
            except Exception as error:  # the store is down: the entries wait for the next try
                log.warning("could not write the audit log now (%s); trying again", type(error).__name__)
                await asyncio.sleep(5)

    _flushing[id(audit)] = asyncio.get_running_loop().create_task(flush())


def audit_reads(context: Context, document: DocumentNode, operation_name: str | None, data: object) -> None:
    """Write a query whose answer (``data``) names a resident to the audit log: who asked, which root
    fields, and the residents' keys (found by key, global ID or name anywhere in the answer)."""
    strings = strings_in(data)
    keys = set()
    for text in strings:
        if text.startswith(RESIDENT_IDS):
            with contextlib.suppress(NotFoundError):
                keys.add(resident_key(text))
    # after the answer: read the view without giving way (call.give_way)
    subjects = context.engine.view(context.viewer).residents_named(strings | keys)
    if subjects:
        audit = context.engine.trust.audit
        audit.record_read(context.viewer.label, f"{READ}{','.join(root_fields(document, operation_name))}", subjects)
        schedule_flush(audit)
