"""Mutation inputs and payloads. Every payload carries ``userErrors``: invalid input is data
a client can show next to a form field, and nothing is written when there is one."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.scalars import JSON

from ...domain import GraphsvcError
from .enums import InitiativeStatus, Need, Purpose, RelationKind, StakeholderKind, Visibility
from .relation import Relation
from .stakeholders import Stakeholder


@strawberry.type(description="What is wrong with the input: the field (path), a message, and a stable code.")
class UserError:
    field: str
    message: str
    code: str


def user_errors(error: GraphsvcError) -> list[UserError]:
    return [UserError(field=p.field, message=p.message, code=p.code) for p in error.problems]


@strawberry.input(description="A new stakeholder. Fields that do not apply to the kind must stay empty.")
class StakeholderInput:
    kind: StakeholderKind
    name: str
    key: str | None = strawberry.field(default=None, description="Stable id; made from the name when left out")
    themes: list[str] = strawberry.field(default_factory=list)
    area_codes: list[str] = strawberry.field(default_factory=list, description="CBS codes of its areas")
    tags: list[str] = strawberry.field(default_factory=list)
    provenance: str | None = None
    type: str | None = None
    visibility: Visibility | None = strawberry.field(default=None, description="Residents only; default BROKERS")
    contact: str | None = strawberry.field(default=None, description="Residents only")
    capacity: int | None = strawberry.field(default=None, description="Wijkpartners only")
    status: InitiativeStatus | None = strawberry.field(default=None, description="Initiatives only; default ACTIVE")
    needs: list[Need] = strawberry.field(default_factory=list, description="Initiatives only")
    offers: list[Need] = strawberry.field(default_factory=list, description="Partners only")
    started: date | None = None
    ended: date | None = None
    holder: str | None = strawberry.field(default=None, description="Municipality roles only")


@strawberry.input(description="Changes to a stakeholder: only the fields given change; null clears a field.")
class StakeholderPatch:
    name: str | None = strawberry.UNSET
    themes: list[str] | None = strawberry.UNSET
    area_codes: list[str] | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    provenance: str | None = strawberry.UNSET
    type: str | None = strawberry.UNSET
    visibility: Visibility | None = strawberry.UNSET
    contact: str | None = strawberry.UNSET
    capacity: int | None = strawberry.UNSET
    status: InitiativeStatus | None = strawberry.UNSET
    needs: list[Need] | None = strawberry.UNSET
    offers: list[Need] | None = strawberry.UNSET
    started: date | None = strawberry.UNSET
    ended: date | None = strawberry.UNSET
    holder: str | None = strawberry.UNSET


@strawberry.input(description="A new relation between two nodes you may see.")
class LinkInput:
    kind: RelationKind
    source_id: strawberry.ID
    target_id: strawberry.ID
    since: date | None = None
    until: date | None = None
    strength: float | None = strawberry.field(default=None, description="0..1")
    role: str | None = None
    note: str | None = None
    provenance: str | None = None
    purpose: Purpose | None = strawberry.field(
        default=None, description="Why a tie with a resident is kept (doel); default: its kind's purpose"
    )


@strawberry.input(
    description="Changes to a relation: only the fields given change; null clears a field. Its kind and ends stay."
)
class RelationPatch:
    since: date | None = strawberry.UNSET
    until: date | None = strawberry.UNSET
    strength: float | None = strawberry.field(default=strawberry.UNSET, description="0..1")
    role: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    provenance: str | None = strawberry.UNSET
    purpose: Purpose | None = strawberry.UNSET


@strawberry.type
class StakeholderPayload:
    stakeholder: Stakeholder | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LinkPayload:
    relation: Relation | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The stakeholders and relations confirmed as true today.")
class ConfirmPayload:
    confirmed: list[strawberry.ID] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="How many records of each section an import wrote, and the store's new version.")
class ImportPayload:
    counts: JSON | None = None
    version: int | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
