"""The editors' "to check" list: stakeholders and ties nobody has confirmed for too long.

Staleness is ``domain.confirmation``'s rule with the period of the fact's municipality
(``domain.periods``); a tie takes the shorter period of its two ends. The list holds what
the caller's view shows in an area, oldest confirmation first (never confirmed before all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..domain import Area, Node
from ..domain.confirmation import is_stale, stale_from
from ..domain.periods import Periods
from ..engine import RelationFacts, View


@dataclass(frozen=True, slots=True)
class FactToCheck:
    """A stale fact: a stakeholder or a tie, when it was last confirmed and since when it is stale."""

    stakeholder: Node | None
    relation: RelationFacts | None
    confirmed: date | None
    stale_from: date | None  # None: never confirmed


def end_areas(view: View, end: str) -> list[str]:
    """The areas one end of a tie names (an area names itself)."""
    node = view.node(end)
    return [node.code] if isinstance(node, Area) else list(node.areas) if node is not None else []


def relation_areas(view: View, facts: RelationFacts) -> list[str]:
    """The areas a tie belongs to: those its ends name."""
    return [*end_areas(view, facts.source), *end_areas(view, facts.target)]


def relation_period(days_of: Callable[[str], int | None], facts: RelationFacts) -> int | None:
    """A tie's period: the shorter of its two ends' (``days_of`` an end: its municipalities' period)."""
    ends = [d for d in (days_of(facts.source), days_of(facts.target)) if d is not None]
    return min(ends) if ends else None


def node_stale(node: Node, periods: Periods, today: date) -> bool:
    return is_stale(node.confirmed, periods.days_for(node.areas), today)


def relation_stale(view: View, facts: RelationFacts, periods: Periods, today: date) -> bool:
    period = relation_period(lambda end: periods.days_for(end_areas(view, end)), facts)
    return is_stale(facts.confirmed, period, today)


def facts_to_check(
    view: View, periods: Periods, area: str | None = None, today: date | None = None
) -> list[FactToCheck]:
    """Stale stakeholders in ``area`` (None: all the view shows) and stale ties with an end there.

    Remembered with the view (a write makes a new one), so paging through the list costs one scan.
    """
    day = today or date.fromordinal(view.day)
    return view.remember(("facts to check", area, day), lambda: _scan(view, periods, area, day))  # type: ignore[no-any-return]


def _scan(view: View, periods: Periods, area: str | None, today: date) -> list[FactToCheck]:
    found: list[FactToCheck] = []
    seen: set[int] = set()
    period: dict[str, int | None] = {}  # per end: its municipalities' period, looked up once

    def days_of(end: str) -> int | None:
        if end not in period:
            period[end] = periods.days_for(end_areas(view, end))
        return period[end]

    for node in view.search(area=area):
        if node.id not in view:
            continue  # known by name only: not the caller's to check
        days = days_of(node.id)
        if is_stale(node.confirmed, days, today):
            found.append(FactToCheck(node, None, node.confirmed, stale_from(node.confirmed, days)))
        for facts in view.relations_of(node.id):
            if facts.id in seen:
                continue
            seen.add(facts.id)
            days = relation_period(days_of, facts)
            if is_stale(facts.confirmed, days, today):
                found.append(FactToCheck(None, facts, facts.confirmed, stale_from(facts.confirmed, days)))
    found.sort(
        key=lambda f: (
            f.confirmed or date.min,
            f.relation.id if f.relation else 0,
            f.stakeholder.id if f.stakeholder else "",
        )
    )
    return found
