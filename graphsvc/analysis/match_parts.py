"""The six parts of a partner match: a fast value for ranking, and a reason for the ones shown.

Each part is 0..1. Values are computed for every candidate that might enter the top; reasons
(``reasons.Reason``: codes with parameters, put into words by the API) only for the matches returned.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import Node
from ..engine import View
from .ball import Ball
from .evidence import AreaFit, area_fit, area_reason, needs_fit, theme_fit
from .load import free_capacity, load_reason, work
from .reasons import Reason

PROXIMITY_HOPS = 3  # members further than this from a partner count as not connected
TRACK_RECORD_FULL = 3  # initiatives on these themes, in the initiative's own buurt, for a full track-record score


class Parts:
    """The parts of one draft's matches; ``members`` is the ball around its members (or None)."""

    def __init__(self, view: View, area: str, themes: Iterable[str], needs: Iterable[str], members: Ball | None):
        self.view, self.area, self.members = view, area, members
        self.themes, self.needs = frozenset(themes), frozenset(needs)
        self._areas: dict[tuple[str, ...], AreaFit] = {}

    # -- values --------------------------------------------------------------------------------
    def theme(self, node: Node) -> float:
        return theme_fit(self.themes, node.themes)

    def area_fit(self, node: Node) -> AreaFit:
        found = self._areas.get(node.areas)
        if found is None:
            found = self._areas[node.areas] = area_fit(self.view.areas, self.area, node.areas)
        return found

    def offer(self, node: Node) -> float:
        return needs_fit(self.needs, node.offers)

    def proximity(self, node: Node) -> float:
        hops = self.hops(node.id)
        return 0.0 if hops is None else (PROXIMITY_HOPS + 1 - hops) / PROXIMITY_HOPS

    def load(self, node: Node) -> float:
        return free_capacity(self.view, node)

    def track_record(self, node: Node) -> float:
        """Earlier work on these themes, each initiative counted by how near it was (its area fit):
        experience in this buurt counts fully, elsewhere in the wijk 0.6, and so on."""
        near = sum(area_fit(self.view.areas, self.area, i.areas).value for i in self._on_theme(node))
        return min(1.0, near / TRACK_RECORD_FULL)

    def hops(self, node_id: str) -> int | None:
        """Steps from the nearest member, up to ``PROXIMITY_HOPS``: the ball's ring, or one past it."""
        if self.members is None:
            return None
        found = self.members.hops(node_id)
        if found is not None:
            return found
        return PROXIMITY_HOPS if self.view.neighbours_in(node_id, self.members.rings[-1]) else None

    def _on_theme(self, node: Node) -> list[Node]:
        return [i for i in work(self.view, node.id).ever if self.themes.intersection(i.themes)]

    # -- reasons -------------------------------------------------------------------------------
    def explain(self, node: Node) -> dict[str, tuple[float, Reason]]:
        """Every part's value with the reason for it."""
        return {
            "theme": (self.theme(node), self._theme_reason(node)),
            "area": (self.area_fit(node).value, area_reason(self.area_fit(node))),
            "offer": (self.offer(node), self._offer_reason(node)),
            "proximity": (self.proximity(node), self._proximity_reason(node)),
            "load": (self.load(node), load_reason(self.view, node)),
            "track_record": (self.track_record(node), self._track_reason(node)),
        }

    def _theme_reason(self, node: Node) -> Reason:
        shared = sorted(self.themes.intersection(node.themes))
        if not self.themes:
            return Reason.of("THEMES_NONE_ASKED")
        if not shared:
            return Reason.of("THEMES_NONE_SHARED", themes=node.themes)
        return Reason.of("THEMES_SHARED", themes=shared, n=len(shared), total=len(self.themes))

    def _offer_reason(self, node: Node) -> Reason:
        needs = sorted(self.needs)
        given = [n for n in needs if n in node.offers]
        if not needs:
            return Reason.of("NEEDS_NONE_ASKED")
        if not given:
            return Reason.of("NEEDS_NONE_MET", needs=needs)
        return Reason.of("NEEDS_MET", needs=given, n=len(given), total=len(needs))

    def _proximity_reason(self, node: Node) -> Reason:
        hops = self.hops(node.id)
        if hops is None:
            return Reason.of("PROXIMITY_NONE", hops=PROXIMITY_HOPS)
        return Reason.of("PROXIMITY_HOPS", hops=hops)

    def _track_reason(self, node: Node) -> Reason:
        on_theme = self._on_theme(node)
        if not on_theme:
            return Reason.of("TRACK_NONE")
        return Reason.of("TRACK_RECORD", n=len(on_theme), names=sorted(i.name for i in on_theme)[:2])
