"""ConnectionPath: one way two stakeholders are connected, hop by hop, with the relations of each hop."""

from __future__ import annotations

import strawberry

from ...analysis.paths import Hop as DomainHop
from ...analysis.paths import Path as DomainPath
from ...engine import View
from .node import Node, to_graphql
from .relation import Relation


@strawberry.type(description="One step of a path: two adjacent nodes and every relation between them you may see.")
class Hop:
    strength: float = strawberry.field(description="The strongest tie's strength, 0..1 (0.5 when unknown)")
    recency: float = strawberry.field(description="1 while the tie holds; halves every two years after it ended")
    _hop: strawberry.Private[DomainHop]
    _view: strawberry.Private[View]

    @strawberry.field
    def source(self, info: strawberry.Info) -> Node:
        return to_graphql(self._view.node(self._hop.source), info.context)  # type: ignore[arg-type]

    @strawberry.field
    def target(self, info: strawberry.Info) -> Node:
        return to_graphql(self._view.node(self._hop.target), info.context)  # type: ignore[arg-type]

    @strawberry.field
    def relations(self) -> list[Relation]:
        return Relation.all_of(self._view, list(self._hop.relation_ids))


@strawberry.type(description="A way two stakeholders are connected: its nodes in order and a hop per step.")
class ConnectionPath:
    length: int = strawberry.field(description="Number of hops")
    strength: float = strawberry.field(description="Mean tie strength over the hops")
    weakest: float = strawberry.field(description="The weakest tie on the path")
    _path: strawberry.Private[DomainPath]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, path: DomainPath, view: View) -> ConnectionPath:
        return cls(
            length=path.length, strength=round(path.strength, 4), weakest=round(path.weakest, 4), _path=path, _view=view
        )

    @strawberry.field(description="The stakeholders (and meetings) on the path, from first to last.")
    def nodes(self, info: strawberry.Info) -> list[Node]:
        return [to_graphql(self._view.node(n), info.context) for n in self._path.nodes]  # type: ignore[arg-type]

    @strawberry.field
    def hops(self) -> list[Hop]:
        return [
            Hop(strength=round(h.strength, 4), recency=round(h.recency, 4), _hop=h, _view=self._view)
            for h in self._path.hops
        ]


@strawberry.type(
    description="Whether two stakeholders are connected at all (over what you may see), and in how many hops: "
    "tells 'not connected' from 'not within maxHops'."
)
class Connectedness:
    connected: bool
    hops: int | None = strawberry.field(description="The length of a shortest path; null when not connected")
