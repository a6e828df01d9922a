"""The editors' "to check" list: stakeholders and ties nobody has confirmed for too long.

Staleness is ``domain.confirmation``'s rule with the period of the fact's municipality
(``domain.periods``); a tie belongs to the municipalities of both its ends. The list holds what
the caller's view shows in an area, oldest confirmation first (never confirmed before all).
"""

from __future__ import annotations

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


def relation_areas(view: View, facts: RelationFacts) -> list[str]:
    """The areas a tie belongs to: those its ends name (an area end names itself)."""
    found: list[str] = []
    for end in (facts.source, facts.target):
        node = view.node(end)
        found += [node.code] if isinstance(node, Area) else list(node.areas) if node is not None else []
    return found


def node_stale(node: Node, periods: Periods, today: date) -> bool:
    return is_stale(node.confirmed, periods.days_for(node.areas), today)


def relation_stale(view: View, facts: RelationFacts, periods: Periods, today: date) -> bool:
    return is_stale(facts.confirmed, periods.days_for(relation_areas(view, facts)), today)


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
    for node in view.search(area=area):
        if node.id not in view:
            continue  # known by name only: not the caller's to check
        days = periods.days_for(node.areas)
        if is_stale(node.confirmed, days, today):
            found.append(FactToCheck(node, None, node.confirmed, stale_from(node.confirmed, days)))
        for facts in view.relations_of(node.id):
            if facts.id in seen:
                continue
            seen.add(facts.id)
            days = periods.days_for(relation_areas(view, facts))
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
