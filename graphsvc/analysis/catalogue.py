"""Where partners and initiatives work: an index by area and theme, and how near two areas are.

Matching and coverage ask "which partners work on care in or around this buurt" many times per
request; scanning 100k nodes each time costs about 50 ms, so the answer is indexed once per graph
version and viewer key (in the ``Network``'s memo) and read in microseconds afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain import Area, AreaLevel, Node, NodeKind
from ..domain.areas import ancestors
from ..domain.kinds import PARTNER_KINDS
from .network import Network

INDEXED = PARTNER_KINDS | {NodeKind.INITIATIVE}


class Catalogue:
    """Visible partners and initiatives by the exact area codes they name and by (municipality, theme)."""

    def __init__(self, net: Network):
        self.areas: dict[str, Area] = net.projection.areas
        self.by_area: dict[str, list[Node]] = defaultdict(list)
        self.by_theme: dict[tuple[str, str], list[Node]] = defaultdict(list)
        self.children: dict[str, list[str]] = defaultdict(list)
        for area in self.areas.values():
            if area.parent:
                self.children[area.parent].append(area.code)
        nodes = net.projection.graph._node
        for node_id in net.nodes:
            attrs = nodes[node_id]
            if attrs["kind"] not in INDEXED:
                continue
            node: Node = attrs["obj"]
            for code in node.areas:
                self.by_area[code].append(node)
            for municipality in {self.municipality(code) for code in node.areas}:
                for theme in node.themes:
                    self.by_theme[municipality, theme].append(node)

    def municipality(self, code: str) -> str:
        """The municipality an area lies in (itself for a municipality; the code when unknown)."""
        chain = ancestors(code, self.areas)
        return chain[-1] if chain else code

    def around(self, code: str) -> list[str]:
        """The area, everything under it, its ancestors and its siblings: the places a local partner works."""
        chain = [code, *ancestors(code, self.areas)]
        places = set(chain) | set(self.under(code))
        if len(chain) > 1:
            places.update(self.under(chain[1]))
        return sorted(places)

    def under(self, code: str) -> list[str]:
        """Every area below ``code`` in the tree."""
        found, todo = [], list(self.children.get(code, ()))
        while todo:
            child = todo.pop()
            found.append(child)
            todo.extend(self.children.get(child, ()))
        return found


def catalogue(net: Network) -> Catalogue:
    """The catalogue of this network (built on first use, about 50 ms per 100k nodes)."""
    found = net.memo.get("catalogue")
    if found is None:
        found = net.memo["catalogue"] = Catalogue(net)
    return found  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class AreaFit:
    value: float
    reason: str


def area_fit(areas: dict[str, Area], wanted: str, served: tuple[str, ...]) -> AreaFit:
    """How well the areas a stakeholder serves cover ``wanted``: same buurt > same wijk > same gemeente.

    >>> tree = {"GM0344": Area("GM0344", "Utrecht", AreaLevel.MUNICIPALITY),
    ...         "WK034403": Area("WK034403", "Overvecht", AreaLevel.DISTRICT, "GM0344"),
    ...         "BU03440311": Area("BU03440311", "Taagdreef", AreaLevel.NEIGHBOURHOOD, "WK034403"),
    ...         "BU03440312": Area("BU03440312", "Wolgadreef", AreaLevel.NEIGHBOURHOOD, "WK034403")}
    >>> [area_fit(tree, "BU03440311", (code,)).value for code in ("BU03440311", "WK034403", "BU03440312", "GM0344")]
    [1.0, 0.8, 0.6, 0.5]
    """
    best = AreaFit(0.0, "works outside this municipality")
    for code in served:
        fit = _one_area_fit(areas, wanted, code)
        if fit.value > best.value:
            best = fit
    return best


def _one_area_fit(areas: dict[str, Area], wanted: str, code: str) -> AreaFit:
    wanted_chain, chain = [wanted, *ancestors(wanted, areas)], [code, *ancestors(code, areas)]
    name = _name(areas, code)
    if code == wanted:
        return AreaFit(1.0, f"works in {name} itself")
    if code in wanted_chain:
        level = areas[code].level if code in areas else None
        if level is AreaLevel.MUNICIPALITY:
            return AreaFit(0.5, f"serves the whole municipality {name}")
        return AreaFit(0.8, f"serves all of {name}, which includes {_name(areas, wanted)}")
    if wanted in chain:
        return AreaFit(0.8, f"works in {name}, part of {_name(areas, wanted)}")
    shared = next((c for c in chain[1:] if c in wanted_chain), None)
    if shared is None:
        return AreaFit(0.0, f"works in {name}, outside this municipality")
    if areas[shared].level is AreaLevel.MUNICIPALITY:
        return AreaFit(0.3, f"works elsewhere in {_name(areas, shared)} ({name})")
    return AreaFit(0.6, f"works next door in {name}, in the same district {_name(areas, shared)}")


def _name(areas: dict[str, Area], code: str) -> str:
    area = areas.get(code)
    return f"{area.name} ({code})" if area else code
