"""The six parts of a partner match: a fast value for ranking, and a reason for the ones shown.

Each part is 0..1. Values are computed for every candidate that might enter the top; reasons
(plain-language sentences) only for the matches returned.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import Node
from ..engine import View
from .ball import Ball
from .evidence import AreaFit, area_fit, describe_area_fit, needs_fit, theme_fit
from .load import free_capacity, load_reason, work

PROXIMITY_HOPS = 3  # members further than this from a partner count as not connected
TRACK_RECORD_FULL = 3  # initiatives on these themes for a full track-record score


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
        return min(1.0, len(self._on_theme(node)) / TRACK_RECORD_FULL)

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
    def explain(self, node: Node) -> dict[str, tuple[float, str]]:
        """Every part's value with a one-sentence reason."""
        return {
            "theme": (self.theme(node), self._theme_reason(node)),
            "area": (self.area_fit(node).value, describe_area_fit(self.view.areas, self.area_fit(node))),
            "offer": (self.offer(node), self._offer_reason(node)),
            "proximity": (self.proximity(node), self._proximity_reason(node)),
            "load": (self.load(node), load_reason(self.view, node)),
            "track_record": (self.track_record(node), self._track_reason(node)),
        }

    def _theme_reason(self, node: Node) -> str:
        shared = sorted(self.themes.intersection(node.themes))
        if not self.themes:
            return "the initiative names no themes"
        if not shared:
            return f"works on {listing(node.themes) or 'no listed themes'}, none of the initiative's themes"
        return f"works on {listing(shared)} ({share(shared, self.themes, 'theme')})"

    def _offer_reason(self, node: Node) -> str:
        needs = sorted(self.needs)
        given = [n for n in needs if n in node.offers]
        if not needs:
            return "the initiative named no needs"
        if not given:
            return f"offers none of what it needs ({listing(needs).lower()})"
        return f"offers {listing(given).lower()} ({share(given, needs, 'need')})"

    def _proximity_reason(self, node: Node) -> str:
        hops = self.hops(node.id)
        if hops is None:
            return f"no tie within {PROXIMITY_HOPS} steps of the initiative's members"
        return f"{count(hops, 'step')} from the initiative's members"

    def _track_reason(self, node: Node) -> str:
        on_theme = self._on_theme(node)
        if not on_theme:
            return "no earlier work with initiatives on these themes"
        names = listing(sorted(i.name for i in on_theme)[:2])
        return f"has worked with {count(len(on_theme), 'initiative')} on these themes, such as {names}"


def share(part: list[str], whole: Iterable[str], noun: str) -> str:
    """
    >>> share(["care"], ["care"], "theme"), share(["SPACE"], ["SPACE", "FUNDING"], "need")
    ("all of the initiative's themes", "1 of the initiative's 2 needs")
    """
    total = len(set(whole))
    return (
        f"all of the initiative's {noun}s" if len(part) == total else f"{len(part)} of the initiative's {total} {noun}s"
    )


def count(n: int, noun: str) -> str:
    """
    >>> count(1, "step"), count(3, "running initiative")
    ('1 step', '3 running initiatives')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listing(items: Iterable[str]) -> str:
    """
    >>> listing(["care"]), listing(["care", "social_cohesion", "youth"])
    ('care', 'care, social cohesion and youth')
    """
    words = [w.replace("_", " ") for w in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""
