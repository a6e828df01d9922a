"""Retention: how long a resident's relation is kept after it ended, per municipality.

A relation with a resident at one end is *past retention* when its ``until`` lies more days in the
past than the retention period of the resident's municipality (the shortest, when the resident
names areas in several). Relations without an end date are current and kept. ``graphsvc retention``
lists what is past it; ``--apply`` removes it in one write.

A self-registration waiting for an editor is personal data too: one that waited longer than
``GRAPHSVC_REGISTRATION_DAYS`` is past retention and removed with the relations.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..domain import Batch, Node, NodeKind
from ..domain.model import utcnow
from ..domain.periods import ANY, Periods, municipalities
from ..domain.registration import Registration
from ..domain.timeline import NO_DATE
from .engine import Engine


def past_retention(engine: Engine, periods: Periods, today: date | None = None) -> dict[str, list[int]]:
    """Relations past retention, by municipality of the resident (GM code, or '*')."""
    today_ord = (today or date.today()).toordinal()
    p = engine.projection
    found: dict[str, list[int]] = {}
    for rel_id in p.relation_ids():
        until = p.until[rel_id]
        if until == NO_DATE:
            continue
        for end in p.ends(rel_id):
            node = p.obj(end)
            if not (isinstance(node, Node) and node.kind is NodeKind.RESIDENT):
                continue
            days = periods.days_for(node.areas)
            if days is not None and today_ord - until > days:
                gm = min(municipalities(node.areas), default=ANY)
                found.setdefault(gm, []).append(rel_id)
                break
    return found


def remove(engine: Engine, relation_ids: list[int]) -> int:
    if relation_ids:
        engine.write(Batch(delete_relations=sorted(relation_ids)))
    return len(relation_ids)


def registrations_past(engine: Engine, days: int, now: datetime | None = None) -> list[Registration]:
    """Pending self-registrations that waited more than ``days`` for an editor, oldest first."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return [r for r in engine.store.registrations() if r.created_at is not None and r.created_at < cutoff]


def remove_registrations(engine: Engine, registrations: list[Registration]) -> int:
    return engine.store.delete_registrations([r.id for r in registrations]) if registrations else 0
