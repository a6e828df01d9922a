"""Groups of stakeholders who work together, and who bridges two groups.

Communities come from the Leiden algorithm optimising modularity (Traag, Waltman & van Eck 2019;
igraph's ``community_leiden``), seeded and on vertices numbered in sorted id order, so the same
data gives the same groups on every call. Checked against Zachary's karate club (the groups fall
within the two factions of the split) and Davis' Southern Women (the two known groups).

A bridge is a stakeholder with ties into a community other than its own (Granovetter's local
bridges at group level); per pair of communities the stakeholders with the most such ties are
listed. Computed once per graph version and cached in the app's ``Measures`` (``measures``); with no
cache, on the caller's view at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import NodeKind
from ..engine import View
from . import igraphs
from .igraphs import Network
from .measures import Freshness, Measures, check_scope, measure

MAIN_THEMES = 3
BRIDGES_PER_PAIR = 3
MAX_BRIDGES = 100


@dataclass(frozen=True, slots=True)
class ThemeShare:
    theme: str
    members: int  # members working on it


@dataclass(frozen=True, slots=True)
class Community:
    id: int  # 0 is the largest; ties broken by the smallest member id
    size: int  # stakeholders in it
    themes: tuple[ThemeShare, ...]  # the main themes, most shared first
    members: tuple[str, ...]  # stakeholders, most connected first


@dataclass(frozen=True, slots=True)
class Bridge:
    id: str
    community: int  # its own community
    other: int  # the community it reaches into
    ties: int  # its ties into ``other``


@dataclass(frozen=True, slots=True)
class CommunityReport:
    communities: tuple[Community, ...]  # of two or more stakeholders
    bridges: tuple[Bridge, ...]  # most ties first
    modularity: float
    algorithm: str
    seed: int
    freshness: Freshness


def communities(
    view: View, area_code: str | None = None, theme: str | None = None, cache: Measures | None = None
) -> CommunityReport:
    """The communities among the visible stakeholders (and meetings) in the area and theme.

    From ``cache`` (the app's measures: fresh, stale or pending, see ``measures``); with none,
    computed now on ``view``."""
    check_scope(view, area_code, theme)
    measured = measure(view, ("communities", area_code, theme), _compute(area_code, theme), cache)
    report: CommunityReport | None = measured.value
    if report is None:
        return CommunityReport((), (), 0.0, "leiden-modularity", igraphs.SEED, measured.freshness)
    return CommunityReport(
        report.communities, report.bridges, report.modularity, report.algorithm, report.seed, measured.freshness
    )


def warm(view: View, area_code: str | None = None, theme: str | None = None, *, cache: Measures) -> Future:
    """Start computing the communities of ``view`` in ``cache``'s background (at start, so that no request waits)."""
    return cache.warm(view, ("communities", area_code, theme), _compute(area_code, theme))


def _compute(area_code: str | None, theme: str | None) -> Callable[[Network, Callable[..., Any]], CommunityReport]:
    def compute(view: Network, run: Callable[..., Any]) -> CommunityReport:
        snap = igraphs.snapshot(view, area_code, theme)
        partition: igraphs.Partition = run(igraphs.leiden, len(snap.ids), snap.edges)
        group = _numbered(view, snap, partition.membership)
        found = _communities(view, snap, group)
        bridges = _bridges(snap, group, {c.id for c in found})
        done = Freshness(view.version, False, False)
        return CommunityReport(found, bridges, round(partition.modularity, 4), "leiden-modularity", igraphs.SEED, done)

    return compute


def _numbered(view: Network, snap: igraphs.Snapshot, membership: tuple[int, ...]) -> dict[str, int]:
    """Stakeholder -> community number, numbered by size (largest 0), then by smallest member id."""
    members: dict[int, list[str]] = defaultdict(list)
    for node_id, label in zip(snap.ids, membership, strict=True):
        if view.kind(node_id) is not NodeKind.MEETING:
            members[label].append(node_id)
    order = sorted(members.values(), key=lambda m: (-len(m), m[0]))
    return {node_id: number for number, group in enumerate(order) for node_id in group}


def _communities(view: Network, snap: igraphs.Snapshot, group: dict[str, int]) -> tuple[Community, ...]:
    degree = dict(zip(snap.ids, np.bincount(snap.ties().ravel(), minlength=len(snap.ids)).tolist(), strict=True))
    members: dict[int, list[str]] = defaultdict(list)
    for node_id, number in group.items():
        members[number].append(node_id)
    found = []
    for number in sorted(members):
        ids = sorted(members[number], key=lambda n: (-degree[n], n))
        if len(ids) < 2:
            continue
        themes = Counter(t for n in ids for t in view.node(n).themes)  # type: ignore[union-attr]
        main = tuple(ThemeShare(t, c) for t, c in sorted(themes.items(), key=lambda tc: (-tc[1], tc[0]))[:MAIN_THEMES])
        found.append(Community(number, len(ids), main, tuple(ids)))
    return tuple(found)


def _bridges(snap: igraphs.Snapshot, group: dict[str, int], listed: set[int]) -> tuple[Bridge, ...]:
    """Per pair of listed communities, the ``BRIDGES_PER_PAIR`` stakeholders with the most ties from one
    into the other (then by id, then by the other community's number); the ``MAX_BRIDGES`` with the
    most ties of those. Counted over whole arrays: a city has a million ties, and this runs in a thread
    of the API's process (``measures``), where a step in Python per tie would take half of its time."""
    community = np.fromiter((group.get(node, -1) for node in snap.ids), np.int64, len(snap.ids))  # -1: a meeting
    i, j = snap.ties().T
    across = (community[i] >= 0) & (community[j] >= 0) & (community[i] != community[j])
    i, j = i[across], j[across]
    # (stakeholder, the community its tie reaches into), from both ends of every tie across, counted
    communities = int(community.max(initial=0)) + 1
    keys, ties = np.unique(
        np.concatenate((i * communities + community[j], j * communities + community[i])), return_counts=True
    )
    vertex, other = np.divmod(keys, communities)
    own = community[vertex]
    kept = np.isin(own, list(listed)) & np.isin(other, list(listed))
    vertex, own, other, ties = vertex[kept], own[kept], other[kept], ties[kept]
    order = np.lexsort((other, vertex, -ties))  # the vertices are numbered in id order (``Snapshot.ids``)
    pair = (np.minimum(own, other) * communities + np.maximum(own, other))[order]
    by_pair = np.argsort(pair, kind="stable")  # each pair's bridges in the order above
    firsts = np.flatnonzero(np.diff(pair[by_pair], prepend=-1))
    rank = np.arange(len(by_pair)) - np.repeat(firsts, np.diff(np.append(firsts, len(by_pair))))
    chosen = order[by_pair[rank < BRIDGES_PER_PAIR]]
    chosen = chosen[np.lexsort((other[chosen], vertex[chosen], -ties[chosen]))][:MAX_BRIDGES]
    return tuple(
        Bridge(snap.ids[v], c, o, t)
        for v, c, o, t in zip(*(a[chosen].tolist() for a in (vertex, own, other, ties)), strict=True)
    )
