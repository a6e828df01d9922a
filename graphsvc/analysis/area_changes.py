"""What changed in an area between two days: ties begun and ended, initiatives started, paused and
ended, partners who began or stopped serving it.

Read from the dates the graph keeps (a tie's ``since`` and ``until``, an initiative's ``started``
and ``ended``), so it answers for any two days, past ones too. A pause has no date of its own: a
paused initiative counts when its record was last changed between the two days. Each change is a
code with the stakeholders and the day it rests on, put into words by ``graphsvc.words``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..domain import Area, InitiativeStatus, NodeKind, RelationKind
from ..domain.areas import within
from ..engine import RelationFacts, View
from .reasons import Reason

# Ties from a partner to an area that say it serves the area.
SERVING = frozenset({RelationKind.ACTIVE_IN, RelationKind.RESPONSIBLE_FOR, RelationKind.CONTACT_FOR})


class ChangeCode(StrEnum):
    NEW_TIE = "NEW_TIE"
    ENDED_TIE = "ENDED_TIE"
    NEW_INITIATIVE = "NEW_INITIATIVE"
    PAUSED_INITIATIVE = "PAUSED_INITIATIVE"
    ENDED_INITIATIVE = "ENDED_INITIATIVE"
    STARTED_SERVING = "STARTED_SERVING"
    STOPPED_SERVING = "STOPPED_SERVING"


@dataclass(frozen=True, slots=True)
class AreaChange:
    code: ChangeCode
    on: date
    stakeholder: str  # the initiative, or a tie's source
    other: str | None = None  # a tie's target (a stakeholder, meeting or area)
    relation: RelationFacts | None = None

    @property
    def reason(self) -> Reason:
        """The change as a reason to put into words (``CHANGE_<code>``)."""
        relation = self.relation.kind.value if self.relation else None
        return Reason.of(
            f"CHANGE_{self.code}", source=self.stakeholder, target=self.other, relation=relation, on=self.on
        )


def area_changes(view: View, area: str, start: date, end: date) -> list[AreaChange]:
    """The changes in ``area`` (a CBS code) from ``start`` to ``end``, both included, by day.

    The view must show every day (no ``active_on``): a tie that ended is part of the answer.
    """
    if start > end:
        start, end = end, start
    found = sorted(
        {*_initiatives(view, area, start, end), *_ties(view, area, start, end), *_serving(view, area, start, end)},
        key=lambda c: (c.on, c.code, c.stakeholder, c.relation.id if c.relation else 0),
    )
    return found


def _initiatives(view: View, area: str, start: date, end: date) -> Iterator[AreaChange]:
    for node in view.search(kinds=frozenset({NodeKind.INITIATIVE}), area=area):
        if node.started and start <= node.started <= end:
            yield AreaChange(ChangeCode.NEW_INITIATIVE, node.started, node.id)
        if node.ended and start <= node.ended <= end:
            yield AreaChange(ChangeCode.ENDED_INITIATIVE, node.ended, node.id)
        changed = node.updated_at.date()
        if node.status is InitiativeStatus.PAUSED and start <= changed <= end:
            yield AreaChange(ChangeCode.PAUSED_INITIATIVE, changed, node.id)


def _ties(view: View, area: str, start: date, end: date) -> Iterator[AreaChange]:
    """Ties between two stakeholders (or a stakeholder and a meeting) with an end in the area."""
    nodes = (node.id for node in view.search(area=area))
    for rel_id in _dated_in(view, view.relation_ids_around(nodes), start, end):
        facts = view.relation(rel_id)
        if facts is not None and not isinstance(view.node(facts.target), Area):  # not where someone lives
            yield from _dated(facts, ChangeCode.NEW_TIE, ChangeCode.ENDED_TIE, start, end)


def _serving(view: View, area: str, start: date, end: date) -> Iterator[AreaChange]:
    areas = [code for code in view.areas if within(code, area)]
    for rel_id in _dated_in(view, view.relation_ids_around(areas, SERVING), start, end):
        facts = view.relation(rel_id)
        if facts is not None and view.kind(facts.source) is not NodeKind.RESIDENT:
            yield from _dated(facts, ChangeCode.STARTED_SERVING, ChangeCode.STOPPED_SERVING, start, end)


def _dated_in(view: View, rel_ids: list[int], start: date, end: date) -> Iterator[int]:
    """The relations that began or ended from ``start`` to ``end``, read from the view's day columns."""
    first, last = start.toordinal(), end.toordinal()
    for rel_id in rel_ids:
        since, until, _ = view.days(rel_id)
        if first <= since <= last or first <= until <= last:  # an open end (0) lies before any day
            yield rel_id


def _dated(facts: RelationFacts, began: ChangeCode, ended: ChangeCode, start: date, end: date) -> Iterator[AreaChange]:
    if facts.since and start <= facts.since <= end:
        yield AreaChange(began, facts.since, facts.source, facts.target, facts)
    if facts.until and start <= facts.until <= end:
        yield AreaChange(ended, facts.until, facts.source, facts.target, facts)
