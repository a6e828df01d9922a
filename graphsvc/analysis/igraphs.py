"""Global measures in python-igraph: a view's (sub)graph as a flat edge array, and pure functions on it.

networkx is 15-60x slower for global measures at city scale (sampled betweenness of 100k nodes /
1M relations: 125 s against 2.0 s), so ``snapshot`` turns the visible graph into vertex numbers
once per graph version and the measures run in igraph's C code. The graph is a ``View`` when the
caller computes where changes are applied, or a ``FrozenView`` (the copy of one version's view)
in the background. The measure functions take and
return plain values (the edges as one ``array('i')``: quick to hand to another process), so
they can run in a worker process: igraph holds the GIL while it computes, which would stall
every request of the API if it ran in a thread of the same process.
"""

from __future__ import annotations

import random
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import igraph as ig
import numpy as np

from ..engine import FrozenView, View

EXACT_WORK = 20_000_000  # vertices x edges up to which betweenness is exact (well under a second)
SAMPLE_SOURCES = 64  # sources for sampled betweenness (about 2 s at 100k nodes / 870k ties), in batches
SAMPLE_BATCHES = 8  # whose spread gives the standard error
SEED = 20240501
_rng_lock = threading.Lock()
Network = View | FrozenView  # what a snapshot is taken of: the same answers at the same version


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The visible nodes of a view, narrowed to an area and a theme, as vertices 0..n-1 and edges."""

    ids: tuple[str, ...]  # vertex i is ids[i]; sorted, so the same data gives the same numbering
    edges: array  # flat: u0, v0, u1, v1, ... (u < v, each tie once)

    def ties(self) -> np.ndarray:
        """The edges as an array of (u, v) rows."""
        return np.frombuffer(self.edges, dtype=np.int32).astype(np.int64).reshape(-1, 2)


def snapshot(net: Network, area_code: str | None = None, theme: str | None = None) -> Snapshot:
    """The stakeholders and meetings of ``net`` in ``area_code`` (and under it) on ``theme``, with their ties.

    Kept with the view (or frozen view): brokers and communities of the same version share it.
    """
    return net.remember(("snapshot", area_code, theme), lambda: _snapshot(net, area_code, theme))  # type: ignore[no-any-return]


def _snapshot(net: Network, area_code: str | None, theme: str | None) -> Snapshot:
    scoped = area_code is not None or theme is not None  # else every node is in scope: no look at each
    chosen = sorted(n for n in net.nodes if not scoped or net.node(n).in_scope(area_code, theme))  # type: ignore[union-attr]
    index = {n: i for i, n in enumerate(chosen)}
    if isinstance(net, FrozenView):  # a city, in the background: no tuple per tie (see ``tie_array``)
        return Snapshot(tuple(chosen), net.tie_array(index))
    edges = array("i")
    for u, v in net.edges_among(chosen):  # u < v, so index[u] < index[v]
        edges.extend((index[u], index[v]))
    return Snapshot(tuple(chosen), edges)


def _graph(n: int, edges: array) -> ig.Graph:
    it = iter(edges)
    return ig.Graph(n=n, edges=list(zip(it, it, strict=True)))


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random numbers from ``random.Random(seed)`` for the duration (one at a time)."""
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


@dataclass(frozen=True, slots=True)
class Betweenness:
    values: tuple[float, ...]  # normalised as networkx does: divided by (n-1)(n-2)/2
    errors: tuple[float, ...]  # standard error of each estimate (0 when exact)
    sources: int  # 0 when exact


@dataclass(frozen=True, slots=True)
class StructuralHoles:
    effective_size: tuple[float, ...]  # 0 for an isolated vertex
    constraint: tuple[float, ...]  # NaN for an isolated vertex
    degree: tuple[int, ...]


def broker_measures(n: int, edges: array, seed: int = SEED) -> tuple[Betweenness, StructuralHoles]:
    """Betweenness and Burt's measures of every vertex, on one graph (one call to a worker process)."""
    g = _graph(n, edges)
    return betweenness(g, seed), structural_holes(g)


def betweenness(g: ig.Graph, seed: int = SEED) -> Betweenness:
    """Betweenness centrality (Freeman 1977; Brandes 2001): exact when n x m is small, else sampled.

    Sampled: the Brandes-Pich (2007) estimator, the dependencies of ``SAMPLE_SOURCES`` random
    sources scaled by n / k, computed in ``SAMPLE_BATCHES`` batches whose spread gives each
    value's standard error.
    """
    n = g.vcount()
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if n * max(g.ecount(), 1) <= EXACT_WORK or n <= SAMPLE_SOURCES:
        return Betweenness(tuple(b * scale for b in g.betweenness(directed=False)), (0.0,) * n, 0)
    sources = random.Random(seed).sample(range(n), SAMPLE_SOURCES)
    size = SAMPLE_SOURCES // SAMPLE_BATCHES
    factor = n / size * scale
    batches = [g.betweenness(directed=False, sources=sources[k : k + size]) for k in range(0, SAMPLE_SOURCES, size)]
    means, errors = [], []
    for column in zip(*batches, strict=True):  # plain arithmetic: ``statistics.stdev`` is exact and 30x slower
        mean = sum(column) / SAMPLE_BATCHES
        spread = sum((b - mean) ** 2 for b in column) / (SAMPLE_BATCHES - 1)
        means.append(mean * factor)
        errors.append((spread / SAMPLE_BATCHES) ** 0.5 * factor)
    return Betweenness(tuple(means), tuple(errors), SAMPLE_SOURCES)


def structural_holes(g: ig.Graph) -> StructuralHoles:
    """Burt's (1992) effective size and constraint of every vertex.

    Constraint is igraph's. Effective size uses Borgatti's (1997) identity for undirected,
    unweighted ties, n - 2t/n with t the ties among the n neighbours, which is
    degree - local clustering x (degree - 1) (equal to ``nx.effective_size``, checked in the tests).
    """
    degree = g.degree()
    clustering = g.transitivity_local_undirected(mode="zero")
    effective = tuple(float(d - c * (d - 1)) for d, c in zip(degree, clustering, strict=True))
    return StructuralHoles(effective, tuple(g.constraint()), tuple(degree))


@dataclass(frozen=True, slots=True)
class Partition:
    membership: tuple[int, ...]
    modularity: float


def leiden(n: int, edges: array, seed: int = SEED) -> Partition:
    """Communities by the Leiden algorithm (Traag, Waltman & van Eck 2019) optimising modularity, seeded.

    Iterated until stable on graphs up to 20,000 vertices, else two iterations (igraph's default:
    iterating a 30,000-vertex graph to the end took 23 s here, for little gain in modularity).
    """
    g = _graph(n, edges)
    with seeded(seed):
        found = g.community_leiden(objective_function="modularity", n_iterations=-1 if n <= 20_000 else 2)
    return Partition(tuple(found.membership), g.modularity(found.membership))
