"""Relation: a typed, directed tie between two nodes, with the evidence for it."""

from __future__ import annotations

import math
from datetime import date

import strawberry

from ...engine import View
from ...engine.projection import NO_DATE
from ..ids import encode
from .enums import RelationKind
from .node import Node, maybe_graphql


def _day(ordinal: int) -> date | None:
    return None if ordinal == NO_DATE else date.fromordinal(ordinal)


@strawberry.type(description="A relation from source to target: MEMBER_OF, KNOWS, SUPPORTS (steunverklaring), ...")
class Relation(Node):
    key: int = strawberry.field(description="The relation's number in the store and in export files")
    kind: RelationKind
    since: date | None
    until: date | None
    strength: float | None = strawberry.field(description="How strong the tie is, 0..1; null when unknown")
    _source: strawberry.Private[str]
    _target: strawberry.Private[str]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, view: View, rel_id: int) -> Relation:
        """A relation from the projection's columns; role, note and provenance load from the store."""
        p = view.projection
        strength = p.strength[rel_id]
        return cls(
            id=strawberry.ID(encode("Relation", rel_id)),
            key=rel_id,
            kind=p.relation_kind(rel_id),
            since=_day(p.since[rel_id]),
            until=_day(p.until[rel_id]),
            strength=None if math.isnan(strength) else round(strength, 4),
            _source=p.source[rel_id],  # type: ignore[arg-type]
            _target=p.target[rel_id],  # type: ignore[arg-type]
            _view=view,
        )

    @strawberry.field(description="Where the relation starts (the member, the founder, the supporter, ...).")
    def source(self, info: strawberry.Info) -> Node | None:
        return maybe_graphql(self._view.node(self._source), info.context)

    @strawberry.field(description="Where the relation points (the initiative, the organisation, the area, ...).")
    def target(self, info: strawberry.Info) -> Node | None:
        return maybe_graphql(self._view.node(self._target), info.context)

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
