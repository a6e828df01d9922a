"""A stakeholder's neighbourhood as a small subgraph (nodes and relations), for visual exploration.

Built ring by ring from the centre through visible nodes and ties, and bounded by ``first``
nodes: never ``nx.ego_graph(..., undirected=True)``, which copies the whole graph (3.8 s on the
100k city). The first ring keeps the strongest ties first; a later ring keeps the nodes with the
most ties into what is already kept. Nodes of kinds not asked for are neither shown nor passed
through.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..domain import NodeKind
from ..engine import RelationFacts, View


@dataclass(frozen=True, slots=True)
class EgoNode:
    id: str
    kind: NodeKind
    hops: int  # from the centre


@dataclass(frozen=True, slots=True)
class EgoNetwork:
    centre: str
    nodes: tuple[EgoNode, ...]  # the centre first, then ring by ring
    relations: tuple[RelationFacts, ...]  # every visible relation among the nodes, by id
    truncated: bool  # more nodes lay within reach than ``first`` allowed


def ego_network(
    view: View, node_id: str, hops: int = 1, kinds: Iterable[NodeKind] | None = None, first: int = 100
) -> EgoNetwork:
    """The nodes within ``hops`` of ``node_id`` (at most ``first`` besides it) and their relations."""
    view.require(node_id)
    wanted = frozenset(kinds) if kinds else None
    kept: dict[str, int] = {node_id: 0}
    truncated = False
    ring = [node_id]
    for distance in range(1, hops + 1):
        reached = _next_ring(view, ring, kept, wanted)
        room = max(first, 0) + 1 - len(kept)
        ordered = _order(view, node_id, reached, distance, kept)
        truncated = truncated or len(ordered) > room
        ring = ordered[:room]
        kept.update(dict.fromkeys(ring, distance))
        if not ring or len(ordered) > room:
            break
    nodes = tuple(EgoNode(n, view.kind(n), h) for n, h in kept.items())
    return EgoNetwork(node_id, nodes, tuple(view.relations_among(kept)), truncated)


def _next_ring(view: View, ring: list[str], kept: dict[str, int], wanted: frozenset[NodeKind] | None) -> Counter:
    """Visible nodes tied to ``ring`` and not kept yet, with how many ties they have into ``ring``."""
    reached: Counter[str] = Counter()
    for u in ring:
        reached.update(v for v in view.neighbours(u) if v not in kept)
    if wanted is not None:
        for v in [v for v in reached if view.kind(v) not in wanted]:
            del reached[v]
    return reached


def _order(view: View, centre: str, reached: Counter, distance: int, kept: dict[str, int]) -> list[str]:
    """The first ring by tie strength, later rings by ties into the previous ring; then by id."""
    if distance == 1:
        return sorted(reached, key=lambda v: (-view.weigh(centre, v)[0], v))
    return sorted(reached, key=lambda v: (-reached[v], v))
