"""Where partners and initiatives work: an index by area and theme, and how near two areas are.

Matching and coverage ask "which partners work on care in or around this buurt" many times per
request, so the answer is indexed once per graph version and viewer (kept with the ``View``, made
from its stakeholders in name order; a later version's starts from it, the written nodes put anew)
and read in microseconds afterwards.
"""

from __future__ import annotations

import bisect
import copy
from collections import defaultdict
from collections.abc import Iterator, Mapping

from ..domain import Area, Node, NodeKind
from ..domain.areas import ancestors, municipality
from ..domain.kinds import PARTNER_KINDS
from ..engine import View, name_order

INDEXED = PARTNER_KINDS | {NodeKind.INITIATIVE}


class Catalogue:
    """Visible partners and initiatives by the exact area codes they name and by (municipality, theme)."""

    def __init__(self, view: View):
        self.areas: Mapping[str, Area] = view.areas
        self.by_area: dict[str, list[Node]] = defaultdict(list)
        self.by_theme: dict[tuple[str, str], list[Node]] = defaultdict(list)
        self.children: dict[str, list[str]] = defaultdict(list)
        for area in self.areas.values():
            if area.parent:
                self.children[area.parent].append(area.code)
        for node in view.search(kinds=INDEXED):  # in name order
            for listed in self._lists_of(node):
                listed.append(node)

    def _lists_of(self, node: Node) -> Iterator[list[Node]]:
        """The lists a partner or initiative is in: by each area it names, by municipality and theme."""
        for code in node.areas:
            yield self.by_area[code]
        for gemeente in {self.municipality(code) for code in node.areas}:
            for theme in node.themes:
                yield self.by_theme[gemeente, theme]

    def patched(self, view: View, touched: set[str]) -> Catalogue:
        """This catalogue for a later version of its view in which only the ``touched`` nodes were
        written: they are taken out of every list and put in again, in name order, as they are now."""
        if any(key in view.areas for key in touched):  # an area written: its place in the tree too
            return Catalogue(view)
        made = copy.copy(self)
        made.areas = view.areas
        made.by_area = defaultdict(list, {k: [n for n in v if n.id not in touched] for k, v in self.by_area.items()})
        made.by_theme = defaultdict(list, {k: [n for n in v if n.id not in touched] for k, v in self.by_theme.items()})
        for key in touched:
            node = view.stakeholder(key)
            if node is not None and node.kind in INDEXED:
                for listed in made._lists_of(node):
                    bisect.insort(listed, node, key=name_order)
        return made

    def municipality(self, code: str) -> str:
        """The municipality an area lies in (itself for a municipality; the code when unknown)."""
        return municipality(code, self.areas)

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


def catalogue(view: View) -> Catalogue:
    """The catalogue of this view (built on first use)."""
    return view.remember(  # type: ignore[no-any-return]
        "catalogue", lambda: Catalogue(view), ties=False, patch=lambda earlier, touched: earlier.patched(view, touched)
    )
