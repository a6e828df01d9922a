"""The editors' "to check" list: stakeholders and ties nobody has confirmed for too long.

Staleness is ``timeline.is_stale`` with the period of the fact's municipality
(``domain.periods``); a tie takes the shorter period of its two ends. The list holds what the
caller's view shows in an area, oldest confirmation first (never confirmed before all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..domain import Area, Node
from ..domain.periods import Periods
from ..domain.timeline import is_stale, ordinal, stale_from
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


def relation_period(days_of: Callable[[str], int | None], source: str, target: str) -> int | None:
    """A tie's period: the shorter of its two ends' (``days_of`` an end: its municipalities' period)."""
    ends = [d for d in (days_of(source), days_of(target)) if d is not None]
    return min(ends) if ends else None


def node_stale(node: Node, periods: Periods, today: date) -> bool:
    return is_stale(ordinal(node.confirmed), periods.days_for(node.areas), today.toordinal())


def relation_stale(view: View, facts: RelationFacts, periods: Periods, today: date) -> bool:
    period = relation_period(lambda end: periods.days_for(end_areas(view, end)), facts.source, facts.target)
    return is_stale(ordinal(facts.confirmed), period, today.toordinal())


def facts_to_check(
    view: View, periods: Periods, area: str | None = None, today: date | None = None
) -> list[FactToCheck]:
    """Stale stakeholders in ``area`` (None: all the view shows) and stale ties with an end there.

    Remembered with the view (a write makes a new one), so paging through the list costs one scan.
    """
    day = today or date.fromordinal(view.day)
    return view.remember(("facts to check", area, day), lambda: _scan(view, periods, area, day))  # type: ignore[no-any-return]


def _scan(view: View, periods: Periods, area: str | None, today: date) -> list[FactToCheck]:
    """One pass over the area's stakeholders and their ties' columns; a tie becomes ``RelationFacts``
    only when it is stale."""
    period: dict[str, int | None] = {}  # per end: its municipalities' period, looked up once

    def days_of(end: str) -> int | None:
        if end not in period:
            period[end] = periods.days_for(end_areas(view, end))
        return period[end]

    day = today.toordinal()
    nodes = [node for node in view.search(area=area) if node.id in view]  # not those known by name only
    found = [
        FactToCheck(node, None, node.confirmed, stale_from(node.confirmed, days_of(node.id)))
        for node in nodes
        if is_stale(ordinal(node.confirmed), days_of(node.id), day)
    ]
    for rel_id in view.relation_ids_around(node.id for node in nodes):
        days = relation_period(days_of, *view.ends(rel_id))
        if is_stale(view.days(rel_id)[2], days, day) and (facts := view.relation(rel_id)) is not None:
            found.append(FactToCheck(None, facts, facts.confirmed, stale_from(facts.confirmed, days)))
    found.sort(
        key=lambda f: (
            f.confirmed or date.min,
            f.relation.id if f.relation else 0,
            f.stakeholder.id if f.stakeholder else "",
        )
    )
    return found
