"""Where partners and initiatives work: an index by area and theme, and how near two areas are.

Matching and coverage ask "which partners work on care in or around this buurt" many times per
request, so the answer is indexed once per graph version and viewer (kept with the ``View``, made
from its stakeholders in name order) and read in microseconds afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ..domain import Area, Node, NodeKind
from ..domain.areas import ancestors, municipality
from ..domain.kinds import PARTNER_KINDS
from ..engine import View

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
            for code in node.areas:
                self.by_area[code].append(node)
            for gemeente in {self.municipality(code) for code in node.areas}:
                for theme in node.themes:
                    self.by_theme[gemeente, theme].append(node)

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
    return view.remember("catalogue", lambda: Catalogue(view))  # type: ignore[no-any-return]
