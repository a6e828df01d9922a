"""The ``Stakeholder`` interface and its five kinds: resident, organisation, wijkpartner,
initiative and municipality role.

Every field reads the node the caller's view returned; relations and neighbours go through
the view again, so a hidden resident never shows up at the other end.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from ...analysis.checklist import node_stale
from ...domain import Node as DomainNode
from ...domain import NodeKind
from ...engine.view import Permission
from ..ids import encode
from .area import Area
from .enums import Direction, InitiativeStatus, Need, RelationKind, StakeholderKind, Visibility
from .history import HistoryEntry
from .node import Node, to_graphql, typename_of
from .pagination import Connection, check_first, paginate
from .theme import Theme, theme_keys

if TYPE_CHECKING:
    from ..context import Context
    from .relation import Relation


@strawberry.interface(description="Anyone with a stake in a neighbourhood (belanghebbende).")
class Stakeholder(Node):
    key: str = strawberry.field(description="The stable id of the stakeholder in the store and import files")
    kind: StakeholderKind
    name: str
    tags: list[str]
    provenance: str | None = strawberry.field(description="Source: who or what said so")
    confirmed_on: date | None = strawberry.field(
        description="The day it was last confirmed true (bevestigd); null: never"
    )
    created_at: datetime
    updated_at: datetime
    _stakeholder: strawberry.Private[DomainNode]

    @classmethod
    def of(cls, node: DomainNode, context: Context) -> Stakeholder:
        return cls(**common_fields(node), **cls.own_fields(node, context))

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {}

    @strawberry.field(
        description="Not confirmed for longer than its municipality's period (verouderd): check it (toCheck)"
    )
    def stale(self, info: strawberry.Info) -> bool:
        context: Context = info.context
        return node_stale(self._stakeholder, context.stale_periods, context.today)

    @strawberry.field(description="Themes it works on (thema's)")
    def themes(self, info: strawberry.Info) -> list[Theme]:
        known = info.context.view.themes
        return [Theme.of(known[key]) for key in self._stakeholder.themes if key in known]

    @strawberry.field(description="Areas it lives, works, serves or is responsible in")
    def areas(self, info: strawberry.Info) -> list[Area]:
        known = info.context.view.areas
        return [Area.of(known[code]) for code in self._stakeholder.areas if code in known]

    @strawberry.field(description="Its relations to what the caller may see, oldest first.")
    def relations(
        self,
        info: strawberry.Info,
        kinds: list[RelationKind] | None = None,
        direction: Direction = Direction.BOTH,
        active_on: date | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Annotated[Relation, strawberry.lazy(".relation")]]:
        from .relation import Relation

        context: Context = info.context
        view = context.view_for(active_on)
        found = view.relations_of(self._stakeholder.id, frozenset(kinds) if kinds else None, direction.value)
        return paginate(found, first, after, context.settings.max_page, lambda facts: Relation.of(view, facts))

    @strawberry.field(description="Stakeholders and meetings it has a relation with, by name.")
    def neighbours(
        self,
        info: strawberry.Info,
        kinds: list[StakeholderKind] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Node]:
        context: Context = info.context
        view = context.view
        wanted = {kind.domain for kind in kinds} if kinds else None
        near = (view.node(n) for n in view.neighbours(self._stakeholder.id))
        found = sorted(
            (n for n in near if isinstance(n, DomainNode) and (wanted is None or n.kind in wanted)),
            key=lambda n: (n.name, n.id),
        )
        return paginate(found, first, after, context.settings.max_page, lambda n: to_graphql(n, context))

    @strawberry.field(description="Editors only (null for others): keys of the records merged into this one.")
    def merged_from(self, info: strawberry.Info) -> list[str] | None:
        return list(self._stakeholder.merged_from) if info.context.viewer.may(Permission.WRITE) else None

    @strawberry.field(
        description="Editors only (null for others): the acts on this record and on the records merged into it, "
        "newest first, from the audit log."
    )
    async def history(self, info: strawberry.Info, first: int = 20) -> list[HistoryEntry] | None:
        context: Context = info.context
        if not context.viewer.may(Permission.WRITE):
            return None
        check_first(first, context.settings.max_page)
        keys = [self._stakeholder.id, *self._stakeholder.merged_from]
        entries = await asyncio.to_thread(context.engine.store.history, keys, first)
        return [HistoryEntry.of(entry) for entry in entries]


def common_fields(node: DomainNode) -> dict:
    return {
        "id": strawberry.ID(encode(typename_of(node.kind), node.id)),
        "key": node.id,
        "kind": StakeholderKind(node.kind.value),
        "name": node.name,
        "tags": list(node.tags),
        "provenance": node.provenance,
        "confirmed_on": node.confirmed,
        "created_at": node.created_at,
        "updated_at": node.updated_at,
        "_stakeholder": node,
    }


@strawberry.type(description="A resident (inwoner). Personal data: shown only as far as their visibility allows.")
class Resident(Stakeholder):
    visibility: Visibility

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {"visibility": node.visibility}

    @strawberry.field(description="Contact details; only editors see them, never the public or brokers.")
    def contact(self, info: strawberry.Info) -> str | None:
        return self._stakeholder.contact if info.context.viewer.sees_contact_details else None


@strawberry.type(description="An organisation: vereniging, stichting, business, school, care, culture, cooperative...")
class Organisation(Stakeholder):
    type: str | None
    offers: list[Need] = strawberry.field(description="What it can give")

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {"type": node.type, "offers": [Need(o) for o in node.offers]}


@strawberry.type(
    description="Wijkpartner: neighbourhood partner (wijkpartner) such as DOCK, a buurtteam or wijkbureau."
)
class Wijkpartner(Stakeholder):
    type: str | None
    offers: list[Need] = strawberry.field(description="What it can give")
    capacity: int | None = strawberry.field(description="How many initiatives it can support at once")

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {"type": node.type, "offers": [Need(o) for o in node.offers], "capacity": node.capacity}


@strawberry.type(description="A residents' initiative (bewonersinitiatief), collective, alliance or cooperative.")
class Initiative(Stakeholder):
    type: str | None
    status: InitiativeStatus | None
    needs: list[Need] = strawberry.field(description="What it asks for")
    started: date | None
    ended: date | None

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {
            "type": node.type,
            "status": node.status,
            "needs": [Need(n) for n in node.needs],
            "started": node.started,
            "ended": node.ended,
        }


@strawberry.type(
    description="A municipality role: gebiedswethouder (area alderman), contactpersoon, beleidsadviseur..."
)
class MunicipalityRole(Stakeholder):
    type: str | None
    holder: str | None = strawberry.field(description="Who holds the role, if said")
    offers: list[Need]

    @classmethod
    def own_fields(cls, node: DomainNode, context: Context) -> dict:
        return {"type": node.type, "holder": node.holder, "offers": [Need(o) for o in node.offers]}


STAKEHOLDER_TYPES: dict[NodeKind, type[Stakeholder]] = {
    NodeKind.RESIDENT: Resident,
    NodeKind.ORGANISATION: Organisation,
    NodeKind.WIJKPARTNER: Wijkpartner,
    NodeKind.INITIATIVE: Initiative,
    NodeKind.MUNICIPALITY_ROLE: MunicipalityRole,
}


def stakeholder_page(
    context: Context,
    first: int,
    after: str | None,
    *,
    kinds: list[StakeholderKind] | None = None,
    themes: list[str] | None = None,
    area: str | None = None,
    search: str | None = None,
    active_on: date | None = None,
) -> Connection[Stakeholder]:
    """A page of the stakeholders the caller may see that match every filter, by name."""
    view = context.view_for(active_on)
    wanted = frozenset(kind.domain for kind in kinds) if kinds else None
    keys = theme_keys(view, themes, "themes") if themes else None
    found = view.search(search, kinds=wanted, themes=keys, area=area)
    return paginate(found, first, after, context.settings.max_page, lambda n: STAKEHOLDER_TYPES[n.kind].of(n, context))
