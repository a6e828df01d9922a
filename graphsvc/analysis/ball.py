"""The nodes within a few hops of some centres, ring by ring: where searches and matching begin."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine import View


class Ball:
    """The nodes within ``radius`` hops of ``centres`` in a view, ring by ring (ring 0: the centres).

    Nodes in ``avoid`` are reached but not passed through (a simple path between two nodes never
    runs through either end). Each ring is one ``View.reach``: set algebra at C speed.
    """

    def __init__(self, view: View, centres: Iterable[str], radius: int, avoid: frozenset[str] = frozenset()):
        self.radius = radius
        self.rings: list[set[str]] = [set(centres)]
        self.nodes: set[str] = set(self.rings[0])
        for _ in range(radius):
            ring = view.reach(self.rings[-1], avoid) - self.nodes
            self.rings.append(ring)
            self.nodes |= ring

    def hops(self, node: str) -> int | None:
        return next((i for i, ring in enumerate(self.rings) if node in ring), None)
