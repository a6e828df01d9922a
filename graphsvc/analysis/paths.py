"""How two stakeholders are connected: the shortest (or warmest) ways, each hop with its relations.

The search is bounded by ``max_hops``: it first collects the *region* of nodes that can lie on a
path of at most ``max_hops`` hops (two balls of radius ceil(max_hops / 2) around the ends, grown
hop by hop as long as fewer paths than asked are found), then runs Yen's k shortest simple paths
(Yen 1971) on that small graph only, in igraph (``get_k_shortest_paths``: on a region of 700
nodes around a hub, 20 paths take 78 ms in ``nx.shortest_simple_paths`` and about 12 ms in
igraph). A hidden node is not in the view's network, so no path runs through one.

Hop costs (the path's cost is their sum):

* plain: ``1 + (1 - strength) / (max_hops + 1)``: fewer hops always win, and among paths of the
  same length the one with the strongest ties (highest mean strength) comes first;
* warm (``weighted=True``): ``1 - 0.5 * strength * recency``: a strong, current tie costs half a
  hop, so a path of three warm ties can beat one of two cold ties (Granovetter 1973: strong ties
  are the ones that carry an introduction). Strength is the strongest visible relation between
  the two (unknown: 0.5); recency as in ``View.tie`` (``timeline.recency``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from statistics import fmean

import igraph as ig

from ..domain import NodeKind
from ..engine import View
from .ball import Ball

MAX_CANDIDATES = 50  # paths Yen may produce before the search gives up looking for more


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: the two nodes and every visible relation between them."""

    source: str
    target: str
    relation_ids: tuple[int, ...]
    strength: float
    recency: float


@dataclass(frozen=True, slots=True)
class Path:
    """A simple path: its node ids in order and one ``Hop`` per step."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    strength: float  # mean tie strength over the hops
    weakest: float  # the weakest tie on the path
    cost: float  # the sum of the hop costs it was ranked by

    @property
    def length(self) -> int:
        return len(self.hops)


def connection_paths(
    view: View, source: str, target: str, max_hops: int = 4, first: int = 3, weighted: bool = False
) -> tuple[Path, ...]:
    """Up to ``first`` simple paths of at most ``max_hops`` hops from ``source`` to ``target``, best first.

    Unknown and hidden ids raise the same ``NotFoundError``. Plain: shortest first, strongest
    ties first among equal lengths; weighted: warmest first (see the module's costs).
    """
    view.require(source, "from")
    view.require(target, "to")
    return tuple(search(view, source, target, max_hops, weighted, first))


def hops_between(view: View, source: str, target: str) -> int | None:
    """The number of hops of a shortest path from ``source`` to ``target``; None when they are not
    connected at all (so "not within N steps" and "not connected" can be told apart).

    A bidirectional breadth-first search that grows the smaller side: two nodes of a big component
    meet after a few rings; a node in a small component is done when that component is.
    Unknown and hidden ids raise the same ``NotFoundError``.
    """
    view.require(source, "from")
    view.require(target, "to")
    if source == target:
        return 0
    depth = ({source: 0}, {target: 0})
    fronts, levels = [{source}, {target}], [0, 0]
    while fronts[0] and fronts[1]:
        side = 0 if len(fronts[0]) <= len(fronts[1]) else 1
        mine, theirs = depth[side], depth[1 - side]
        ring = view.reach(fronts[side]) - mine.keys()
        levels[side] += 1
        met = [theirs[n] for n in ring if n in theirs]
        if met:
            return levels[side] + min(met)
        mine.update(dict.fromkeys(ring, levels[side]))
        fronts[side] = ring
    return None


def search(
    view: View, source: str, target: str, max_hops: int, weighted: bool, wanted: int, slack: int | None = None
) -> list[Path]:
    """The ``wanted`` best paths of at most ``max_hops`` hops, widening the region hop by hop.

    With ``h`` hops allowed, the best paths found are final once there are enough of them and no
    longer path could beat the last: plain, a longer path always costs more; warm, a path of
    more than ``h`` hops costs at least ``(h + 1) / 2``. ``slack`` stops the widening that many
    hops past the shortest distance (introducers look at short paths only).
    """
    if source == target or max_hops < 1 or wanted < 1:
        return []
    radius = (max_hops + 1) // 2
    near = (
        Ball(view, (source,), radius, frozenset({target})),
        Ball(view, (target,), radius, frozenset({source})),
    )
    closest = min(
        (i + j for i, ring in enumerate(near[0].rings) for j, other in enumerate(near[1].rings) if ring & other),
        default=max_hops,
    )
    ties = _TieMemo(view)
    cost = _cost(ties, weighted, max_hops)
    widest = max_hops if slack is None else min(max_hops, max(closest, 1) + slack)
    paths: list[Path] = []
    for hops in range(max(closest, 1), widest + 1):
        region = path_region(view, near, hops)
        if target in region:
            paths = _yen(view, sorted(region), source, target, hops, cost, ties, wanted)
        if len(paths) == wanted and (not weighted or paths[-1].cost <= (hops + 1) / 2):
            break
    return paths


class _TieMemo(dict[tuple[str, str], tuple[float, float]]):
    """(strength, warmth) of the ties asked for during one search, each computed once."""

    def __init__(self, view: View):
        super().__init__()
        self.view = view

    def __call__(self, u: str, v: str) -> tuple[float, float]:
        found = self.get((u, v))
        if found is None:
            found = self[u, v] = self[v, u] = self.view.weigh(u, v)
        return found


def _yen(
    view: View,
    region: list[str],
    source: str,
    target: str,
    hops: int,
    cost: Callable[[str, str], float],
    tie: _TieMemo,
    wanted: int,
) -> list[Path]:
    """The ``wanted`` cheapest simple paths of at most ``hops`` hops in the region (Yen's algorithm in igraph).

    The region may hold longer paths too; they are asked for in growing numbers (up to
    ``MAX_CANDIDATES``) until enough short ones are among them.
    """
    index = {node: i for i, node in enumerate(region)}
    edges = view.edges_among(region)
    graph = ig.Graph(n=len(region), edges=[(index[u], index[v]) for u, v in edges])
    weights = [cost(u, v) for u, v in edges]
    asked = min(MAX_CANDIDATES, 2 * wanted + 3)
    while True:
        with warnings.catch_warnings():  # "couldn't reach some vertices": no way round is an answer here
            warnings.simplefilter("ignore", RuntimeWarning)
            found = graph.get_k_shortest_paths(
                index[source], to=index[target], k=asked, weights=weights, output="vpath"
            )
        short = [[region[i] for i in p] for p in found if len(p) - 1 <= hops][:wanted]
        if len(short) == wanted or len(found) < asked or asked == MAX_CANDIDATES:
            return [path_of(view, nodes, sum(cost(u, v) for u, v in pairwise(nodes))) for nodes in short]
        asked = min(MAX_CANDIDATES, 2 * asked)


def _cost(tie: _TieMemo, weighted: bool, max_hops: int) -> Callable[[str, str], float]:
    if weighted:
        return lambda u, v: 1.0 - 0.5 * tie(u, v)[1]
    step = 1.0 / (max_hops + 1)
    return lambda u, v: 1.0 + (1.0 - tie(u, v)[0]) * step


def path_of(view: View, nodes: list[str], cost: float) -> Path:
    """A ``Path`` over ``nodes`` (adjacent in the view), with each hop's relations and tie measures."""
    hops = []
    for u, v in pairwise(nodes):
        t = view.tie(u, v)
        hops.append(Hop(u, v, t.relation_ids, t.strength, t.recency))
    strengths = [h.strength for h in hops]
    return Path(tuple(nodes), tuple(hops), round(fmean(strengths), 4), min(strengths), round(cost, 4))


def path_region(view: View, near: tuple[Ball, Ball], max_hops: int) -> set[str]:
    """Every node that can lie on a path of at most ``max_hops`` hops between the balls' centres.

    A node at distance ``i`` from one end of such a path is within ``max_hops - i`` of the other
    (not counting ways back through the first end). The balls (radius r >= max_hops / 2, each
    avoiding the other end) know the distances up to r; one a ball does not know is
    at least r + 1, and whether it is exactly r + 1 is one look at the node's neighbours (this
    keeps most of a hub's thousands of neighbours out).
    """
    region: set[str] = set()
    for this, other in (near, near[::-1]):
        beside = other.nodes - this.rings[0]  # the way on may not run back through this end
        for i, ring in enumerate(this.rings):
            for across in other.rings[: max_hops - i + 1]:
                region |= ring & across
            beyond = max_hops - i - other.radius  # how far past the other ball the node may lie
            if beyond > 1:
                region |= ring - other.nodes
            elif beyond == 1:
                region.update(u for u in ring - other.nodes if view.neighbours_in(u, beside))
    return region


@dataclass(frozen=True, slots=True)
class Introduction:
    """A way to reach a partner: the path from a member and the linker who can make the introduction."""

    member: str
    linker: str  # the first stakeholder after the member (the member when it knows the partner itself)
    path: Path


MAX_INTRODUCTIONS = 3
_TRIED = 12  # nearest neighbours of the partner tried as the last step


def introductions(view: View, members: Ball, partner: str) -> tuple[Introduction, ...]:
    """Up to three warm introductions from the members (ring 0 of ``members``) to ``partner``.

    Each path walks back from the partner ring by ring through the warmest visible tie, so it is
    a shortest path; they are tried through the partner's warmest ties first, one per linker.
    """
    hops = members.hops(partner)
    if hops is None:
        hops = members.radius + 1
    ties = _TieMemo(view)
    found: dict[str, Introduction] = {}
    for last in _warmest(view, ties, partner, members.rings[hops - 1])[:_TRIED]:
        nodes = [partner, last]
        for ring in reversed(members.rings[: hops - 1]):
            before = _warmest(view, ties, nodes[-1], ring)
            if not before:
                break
            nodes.append(before[0])
        if len(nodes) != hops + 1:
            continue
        nodes.reverse()
        path = path_of(view, nodes, sum(1.0 - 0.5 * ties(u, v)[1] for u, v in pairwise(nodes)))
        linker = next((n for n in nodes[1:-1] if view.kind(n) is not NodeKind.MEETING), nodes[0])
        found.setdefault(linker, Introduction(nodes[0], linker, path))
        if len(found) == MAX_INTRODUCTIONS:
            break
    return tuple(sorted(found.values(), key=lambda i: (i.path.cost, i.linker)))


def _warmest(view: View, ties: _TieMemo, node: str, ring: set[str]) -> list[str]:
    """The neighbours of ``node`` in ``ring`` over visible ties, warmest tie first."""
    return sorted(view.neighbours_in(node, ring), key=lambda v: (-ties(node, v)[1], v))
