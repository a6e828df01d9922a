"""Who can introduce two stakeholders: those on the most short, strong paths between them.

The warmest simple paths of at most ``max_hops`` hops and at most one hop longer than the
shortest (``paths.search`` with warm costs, at most ``PATHS_CONSIDERED`` of them) each carry a
weight of ``1 / cost``: a two-hop path over strong, current ties weighs 1, the same path over
weak ties half that. A stakeholder's share is the weight of the paths through it over the weight
of all paths found: the pair-dependency of betweenness centrality (Brandes 2001) restricted to
short, warm paths, so that the person who sits on most of the good ways between the two ranks
first. Meetings are passed through but not named as introducers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain import NodeKind
from ..engine import View
from .paths import Path, search

PATHS_CONSIDERED = 20
SLACK = 1  # paths at most one hop longer than the shortest
PATHS_SHOWN = 3  # per introducer


@dataclass(frozen=True, slots=True)
class Introducer:
    """A stakeholder between the two, with its share of the path weight and its best paths."""

    id: str
    kind: NodeKind
    share: float  # 0..1: the part of the weight of all paths found that runs through it
    path_count: int  # how many of the paths found run through it
    paths: tuple[Path, ...]  # the best of those paths, warmest first


def introducers(view: View, source: str, target: str, max_hops: int = 4, first: int = 5) -> tuple[Introducer, ...]:
    """The ``first`` stakeholders on the most short, strong paths from ``source`` to ``target``.

    Unknown and hidden ids raise the same ``NotFoundError``; no path means no introducers.
    """
    view.require(source, "from")
    view.require(target, "to")
    paths = search(view, source, target, max_hops, weighted=True, wanted=PATHS_CONSIDERED, slack=SLACK)
    weight = {p: 1.0 / max(p.cost, 1e-9) for p in paths}
    total = sum(weight.values())
    through: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        for node in path.nodes[1:-1]:
            if view.kind(node) is not NodeKind.MEETING:
                through[node].append(path)
    ranked = sorted(through.items(), key=lambda item: (-sum(weight[p] for p in item[1]), item[0]))
    return tuple(
        Introducer(
            node,
            view.kind(node),
            round(sum(weight[p] for p in on) / total, 4),
            len(on),
            tuple(on[:PATHS_SHOWN]),
        )
        for node, on in ranked[: max(first, 0)]
    )
