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
from typing import Any

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
        self.listed: dict[str, Node] = {}  # each partner and initiative as its lists hold it
        for area in self.areas.values():
            if area.parent:
                self.children[area.parent].append(area.code)
        for node in view.search(kinds=INDEXED):  # in name order
            self.listed[node.id] = node
            for table, key in self._places_of(node):
                table[key].append(node)

    def _places_of(self, node: Node) -> Iterator[tuple[dict, Any]]:
        """Where a partner or initiative is listed: by each area it names, by municipality and theme."""
        for code in node.areas:
            yield self.by_area, code
        for gemeente in {self.municipality(code) for code in node.areas}:
            for theme in node.themes:
                yield self.by_theme, (gemeente, theme)

    def patched(self, view: View, touched: set[str]) -> Catalogue:
        """This catalogue for a later version of its view in which only the ``touched`` nodes were
        written: they are taken out of their lists and put in again, in name order, as they are now
        (the other lists are this catalogue's, shared)."""
        if any(key in view.areas for key in touched):  # an area written: its place in the tree too
            return Catalogue(view)
        made = copy.copy(self)
        made.areas = view.areas
        made.by_area, made.by_theme, made.listed = (
            defaultdict(list, self.by_area),
            defaultdict(list, self.by_theme),
            dict(self.listed),
        )
        copied: set[tuple[int, Any]] = set()

        def own(table: dict, key: Any) -> list[Node]:
            """The list at ``table[key]``, a copy of this catalogue's the first time it is changed."""
            if (id(table), key) not in copied:
                copied.add((id(table), key))
                table[key] = list(table.get(key, ()))
            listed: list[Node] = table[key]
            return listed

        for key in touched:
            before = made.listed.pop(key, None)
            if before is not None:
                for table, place in made._places_of(before):
                    own(table, place).remove(before)
            node = view.stakeholder(key)
            if node is not None and node.kind in INDEXED:
                made.listed[key] = node
                for table, place in made._places_of(node):
                    bisect.insort(own(table, place), node, key=name_order)
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
