"""Relation: a typed, directed tie between two nodes, with the evidence for it."""

from __future__ import annotations

from datetime import date

import strawberry

from ...analysis.checklist import relation_stale
from ...domain.kinds import purpose_of
from ...engine import RelationFacts, View
from ..ids import encode
from .enums import Purpose, RelationKind
from .node import Node, maybe_graphql


@strawberry.type(description="A relation from source to target: MEMBER_OF, KNOWS, SUPPORTS (steunverklaring), ...")
class Relation(Node):
    key: int = strawberry.field(description="The relation's number in the store and in export files")
    kind: RelationKind
    since: date | None
    until: date | None
    strength: float | None = strawberry.field(description="How strong the tie is, 0..1; null when unknown")
    confirmed_on: date | None = strawberry.field(description="The day it was last confirmed true; null: never")
    _view: strawberry.Private[View]
    _facts: strawberry.Private[RelationFacts]

    @classmethod
    def of(cls, view: View, facts: RelationFacts) -> Relation:
        """A relation as the view knows it; role, note and provenance load from the store."""
        return cls(
            id=strawberry.ID(encode("Relation", facts.id)),
            key=facts.id,
            kind=facts.kind,
            since=facts.since,
            until=facts.until,
            strength=facts.strength,
            confirmed_on=facts.confirmed,
            _view=view,
            _facts=facts,
        )

    @classmethod
    def all_of(cls, view: View, ids: list[int]) -> list[Relation]:
        """The relations of ``ids`` the view shows, in order."""
        found = (view.relation(rel_id) for rel_id in ids)
        return [cls.of(view, facts) for facts in found if facts is not None]

    @strawberry.field(description="Not confirmed for longer than its municipalities' period (verouderd)")
    def stale(self, info: strawberry.Info) -> bool:
        return relation_stale(self._view, self._facts, info.context.stale_periods, info.context.today)

    @strawberry.field(description="Where the relation starts (the member, the founder, the supporter, ...).")
    def source(self, info: strawberry.Info) -> Node | None:
        return maybe_graphql(self._view.node(self._facts.source), info.context)

    @strawberry.field(description="Where the relation points (the initiative, the organisation, the area, ...).")
    def target(self, info: strawberry.Info) -> Node | None:
        return maybe_graphql(self._view.node(self._facts.target), info.context)

    @strawberry.field(
        description="Why a tie with a resident is kept (doel: AVG purpose limitation): the one recorded, else its "
        "kind's; null for a tie without a resident"
    )
    async def purpose(self, info: strawberry.Info) -> Purpose | None:
        rel = await info.context.relations.load(self.key)
        ends = [self._view.kind(end) for end in (self._facts.source, self._facts.target) if end in self._view]
        return purpose_of(self._facts.kind, rel.purpose if rel else None, ends)

    @strawberry.field(description="The role the source plays, e.g. 'treasurer'.")
    async def role(self, info: strawberry.Info) -> str | None:
        rel = await info.context.relations.load(self.key)
        return rel.role if rel else None

    @strawberry.field
    async def note(self, info: strawberry.Info) -> str | None:
        rel = await info.context.relations.load(self.key)
        return rel.note if rel else None

    @strawberry.field(description="Source of the claim: who or what said so.")
    async def provenance(self, info: strawberry.Info) -> str | None:
        rel = await info.context.relations.load(self.key)
        return rel.provenance if rel else None
