"""Who bridges otherwise separate groups: betweenness and Burt's structural holes, per area and theme.

A broker sits on many shortest paths between others (betweenness centrality: Freeman 1977) and
between contacts that are not tied among themselves (structural holes: Burt 1992, measured by
effective size, high for a broker, and constraint, low for a broker). Padgett's Florentine
families are the classic check: the Medici rank first (Padgett & Ansell 1993).

Measures cover the visible stakeholders (and meetings, which tie their attendees) in the area,
and under it, on the theme; meetings are not ranked. They are computed in igraph
(``igraphs``) once per graph version and cached in the app's ``Measures`` (``measures``); with no
cache, on the caller's view at once.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ..domain import NodeKind
from ..engine import View
from . import igraphs
from .igraphs import Network
from .measures import Freshness, Measures, check_scope, measure

KEPT = 1000  # brokers kept per answer: the API asks for the first few


@dataclass(frozen=True, slots=True)
class Broker:
    id: str
    kind: NodeKind
    betweenness: float  # normalised 0..1 (as networkx normalises)
    betweenness_error: float  # standard error of a sampled estimate; 0 when exact
    effective_size: float  # Burt: non-redundant contacts
    constraint: float  # Burt: 0..1, low for a broker
    degree: int


@dataclass(frozen=True, slots=True)
class BrokerReport:
    brokers: tuple[Broker, ...]
    nodes: int  # vertices measured (stakeholders and meetings)
    relations: int  # distinct ties among them
    exact: bool  # betweenness exact, or sampled from ``sample_sources`` sources
    sample_sources: int
    freshness: Freshness


def brokers(
    view: View,
    area_code: str | None = None,
    theme: str | None = None,
    first: int = 10,
    cache: Measures | None = None,
) -> BrokerReport:
    """The ``first`` stakeholders with the highest betweenness in the area and theme, with Burt's measures.

    From ``cache`` (the app's measures: fresh, stale or pending, see ``measures``); with none,
    computed now on ``view``."""
    check_scope(view, area_code, theme)
    measured = measure(view, ("brokers", area_code, theme), _compute(area_code, theme), cache)
    full: BrokerReport | None = measured.value
    if full is None:
        return BrokerReport((), 0, 0, False, 0, measured.freshness)
    return BrokerReport(
        full.brokers[: max(first, 0)], full.nodes, full.relations, full.exact, full.sample_sources, measured.freshness
    )


def warm(view: View, area_code: str | None = None, theme: str | None = None, *, cache: Measures) -> Future:
    """Start computing the brokers of ``view`` in ``cache``'s background (at start, so that no request waits)."""
    return cache.warm(view, ("brokers", area_code, theme), _compute(area_code, theme))


def _compute(area_code: str | None, theme: str | None) -> Callable[[Network, Callable[..., Any]], BrokerReport]:
    def compute(view: Network, run: Callable[..., Any]) -> BrokerReport:
        snap = igraphs.snapshot(view, area_code, theme)
        n = len(snap.ids)
        between, holes = run(igraphs.broker_measures, n, snap.edges)
        ranked = heapq.nsmallest(  # the first KEPT, without an object per vertex (see ``FrozenView.tie_array``)
            KEPT,
            (i for i, node_id in enumerate(snap.ids) if view.kind(node_id) is not NodeKind.MEETING),
            key=lambda i: (-round(between.values[i], 6), _finite(holes.constraint[i]), snap.ids[i]),
        )
        kept = tuple(
            Broker(
                snap.ids[i],
                view.kind(snap.ids[i]),
                round(between.values[i], 6),
                round(between.errors[i], 6),
                round(holes.effective_size[i], 4),
                _finite(holes.constraint[i]),
                holes.degree[i],
            )
            for i in ranked
        )
        done = Freshness(view.version, False, False)
        return BrokerReport(kept, n, len(snap.edges) // 2, between.sources == 0, between.sources, done)

    return compute


def _finite(value: float) -> float:
    """Constraint of an isolated stakeholder is undefined; it counts as fully constrained (1.0)."""
    return 1.0 if math.isnan(value) else round(value, 4)
