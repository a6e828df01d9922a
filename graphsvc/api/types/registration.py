"""Self-registration (aanmelding) types: the public form's input, its answers, and the moderation queue's items."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from ...domain import NodeKind
from ...domain.registration import Registration as DomainRegistration
from ..ids import encode
from .area import Area
from .enums import Need, Visibility
from .payloads import UserError
from .theme import Theme


@strawberry.enum(
    description="What may sign up by itself: a bewonersinitiatief, an organisation, or a resident (inwoner)."
)
class RegistrationKind(Enum):
    INITIATIVE = strawberry.enum_value("INITIATIVE", description="Residents' initiative (bewonersinitiatief)")
    ORGANISATION = strawberry.enum_value("ORGANISATION", description="Organisation: vereniging, stichting, ...")
    RESIDENT = strawberry.enum_value("RESIDENT", description="Resident (inwoner): personal data")

    @property
    def domain(self) -> NodeKind:
        return NodeKind[self.name]


@strawberry.input(
    description="A self-registration (aanmelding) from the public form. The fields are those of StakeholderInput and "
    "are checked as it checks them; an editor approves it before anything of it is visible."
)
class RegistrationInput:
    kind: RegistrationKind
    name: str
    area_codes: list[str] = strawberry.field(
        default_factory=list, description="CBS codes of its buurt, wijk or gemeente: at least one"
    )
    themes: list[str] = strawberry.field(default_factory=list, description="Theme keys")
    needs: list[Need] = strawberry.field(default_factory=list, description="Initiatives only")
    offers: list[Need] = strawberry.field(default_factory=list, description="Organisations only")
    contact: str | None = strawberry.field(
        default=None,
        description="How an editor reaches the registrant (e-mail or phone); kept with a resident once approved, "
        "dropped for anyone else",
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="Residents only: who may see them once approved; default PRIVATE (editors only)"
    )
    consent: bool = strawberry.field(
        description="The registrant agrees to the text of registrationConsent: must be true (its version and the "
        "time are kept)"
    )
    website: str | None = strawberry.field(
        default=None,
        description="Leave empty: a field people do not see (a honeypot). A registration with it filled is answered "
        "as if accepted and dropped: nothing is kept",
    )


@strawberry.type
class RegisterPayload:
    registration_id: strawberry.ID | None = None
    withdrawal_code: str | None = strawberry.field(
        default=None,
        description="The secret with which the registrant withdraws (withdrawRegistration), before or after "
        "approval: shown this once, never again",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WithdrawPayload:
    withdrawn: bool
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The consent text of the self-registration form, in the caller's language.")
class RegistrationConsent:
    version: str = strawberry.field(description="Kept with every registration that agreed to this text")
    text: str


@strawberry.type(description="A self-registration (aanmelding) waiting for an editor: not (yet) in the graph.")
class Registration:
    id: strawberry.ID
    kind: RegistrationKind
    name: str
    needs: list[Need]
    offers: list[Need]
    contact: str | None
    visibility: Visibility | None = strawberry.field(description="Residents: who may see them once approved")
    consent_version: str = strawberry.field(description="The version of the consent text agreed to")
    consented_at: datetime
    created_at: datetime
    _registration: strawberry.Private[DomainRegistration]

    @classmethod
    def of(cls, registration: DomainRegistration) -> Registration:
        record = registration.record
        visibility = record.get("visibility")
        return cls(
            id=strawberry.ID(encode("Registration", registration.id)),
            kind=RegistrationKind[registration.kind],
            name=registration.name,
            needs=[Need(n) for n in record.get("needs") or ()],
            offers=[Need(n) for n in record.get("offers") or ()],
            contact=registration.contact,
            visibility=None if visibility is None else Visibility(visibility),
            consent_version=registration.consent_version,
            consented_at=registration.consented_at or registration.created_at,  # type: ignore[arg-type]
            created_at=registration.created_at,  # type: ignore[arg-type]
            _registration=registration,
        )

    @strawberry.field(description="Its buurten, wijken or gemeenten")
    def areas(self, info: strawberry.Info) -> list[Area]:
        known = info.context.view.areas
        return [Area.of(known[code]) for code in self._registration.areas if code in known]

    @strawberry.field(description="Themes it works on (thema's)")
    def themes(self, info: strawberry.Info) -> list[Theme]:
        known = info.context.view.themes
        return [Theme.of(known[key]) for key in self._registration.record.get("themes") or () if key in known]
