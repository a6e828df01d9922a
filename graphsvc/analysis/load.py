"""What a partner works on now: its load and its track record, one definition for every analysis.

A partner's **load** is the number of running initiatives (IDEA, STARTING, ACTIVE) it works with
over a visible tie of a working kind (``WORK_WITH``) that holds on the view's day; its **free
capacity** sets that against the capacity a wijkpartner declares. Partner matching
(``matching``) and collaboration suggestions (``recommend``) both score and explain load with
these functions, so a partner has the same load wherever a broker sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import InitiativeStatus, Node, NodeKind, RelationKind
from ..engine import View
from .reasons import Reason

WORK_WITH = frozenset(
    {
        RelationKind.SUPPORTS,
        RelationKind.WORKS_ON,
        RelationKind.COORDINATES,
        RelationKind.FUNDS,
        RelationKind.PARTNERS_WITH,
        RelationKind.CONTACT_FOR,
        RelationKind.RESPONSIBLE_FOR,
    }
)
RUNNING = frozenset({InitiativeStatus.IDEA, InitiativeStatus.STARTING, InitiativeStatus.ACTIVE})
UNKNOWN_CAPACITY = 0.5  # free capacity of a partner that declares none: neither for nor against


@dataclass(frozen=True, slots=True)
class Work:
    """The initiatives a partner works with (ties of ``WORK_WITH`` kinds that the view shows)."""

    running: tuple[str, ...]  # running initiatives over a tie that holds now: its load
    ever: tuple[Node, ...]  # every visible initiative it has such a tie with: its track record


def work(view: View, partner: str) -> Work:
    """What ``partner`` works on, from one scan of its ties (kept with the view: a write renews it)."""
    held: dict[str, Work] = view.remember("work", dict)
    found = held.get(partner)
    if found is None:
        found = held[partner] = _scan(view, partner)
    return found


def _scan(view: View, partner: str) -> Work:
    running, ever = [], []
    for other in view.neighbours(partner):
        if view.kind(other) is not NodeKind.INITIATIVE:
            continue
        ties = view.relations(partner, other, WORK_WITH)
        if not ties:
            continue
        initiative: Node = view.node(other)  # type: ignore[assignment]
        ever.append(initiative)
        if initiative.status in RUNNING and any(view.recency(r) == 1.0 for r in ties):
            running.append(other)
    return Work(tuple(sorted(running)), tuple(sorted(ever, key=lambda n: n.id)))


def load(view: View, partner: str) -> int:
    """The partner's load: how many running initiatives it works with now."""
    return len(work(view, partner).running)


def free_capacity(view: View, node: Node) -> float:
    """0..1: the share of its declared capacity a partner has free (0 at or over it; 0.5 when unknown)."""
    if node.capacity is None:
        return UNKNOWN_CAPACITY
    if node.capacity == 0:
        return 0.0
    return max(0.0, 1.0 - load(view, node.id) / node.capacity)


def free_slots(view: View, node: Node) -> int:
    """How many more initiatives a partner can take on by its declared capacity (0 when unknown)."""
    if not node.capacity:  # none declared, or none at all: no slots whatever its load
        return 0
    return max(0, node.capacity - load(view, node.id))


def load_reason(view: View, node: Node) -> Reason:
    """The load as a reason: running initiatives now (``n``), against the declared capacity if any."""
    running = load(view, node.id)
    if node.capacity is None:
        return Reason.of("LOAD_CAPACITY_UNKNOWN", n=running)
    return Reason.of("LOAD_AGAINST_CAPACITY", n=running, capacity=node.capacity)
