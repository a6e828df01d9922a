"""Retention: how long a resident's relation is kept after it ended, per municipality.

A relation with a resident at one end is *past retention* when its ``until`` lies more days in the
past than the retention period of the resident's municipality (the shortest, when the resident
names areas in several). Relations without an end date are current and kept. ``graphsvc retention``
lists what is past it; ``--apply`` removes it in one write.
"""

from __future__ import annotations

from datetime import date

from ..domain import Batch, Node, NodeKind
from ..domain.periods import ANY, Periods, municipalities
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
        for end in (p.source[rel_id], p.target[rel_id]):
            node = p.obj(end or "")
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
