"""Relation: a typed, directed tie between two nodes, with the evidence for it."""

from __future__ import annotations

from datetime import date

import strawberry

from ...engine import RelationFacts, View
from ..ids import encode
from .enums import RelationKind
from .node import Node, maybe_graphql


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
    def of(cls, view: View, facts: RelationFacts) -> Relation:
        """A relation as the view knows it; role, note and provenance load from the store."""
        return cls(
            id=strawberry.ID(encode("Relation", facts.id)),
            key=facts.id,
            kind=facts.kind,
            since=facts.since,
            until=facts.until,
            strength=facts.strength,
            _source=facts.source,
            _target=facts.target,
            _view=view,
        )

    @classmethod
    def all_of(cls, view: View, ids: list[int]) -> list[Relation]:
        """The relations of ``ids`` the view shows, in order."""
        found = (view.relation(rel_id) for rel_id in ids)
        return [cls.of(view, facts) for facts in found if facts is not None]

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
