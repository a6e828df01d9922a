"""When a fact was last confirmed true, and when that is too long ago to rely on: the one staleness rule.

Every stakeholder and every tie carries its source (``provenance``) and the day it was last
confirmed (``confirmed``): the day it was written or imported, unless the source gave an older
one, and the day an editor confirmed or changed it since. A fact is *stale* when that day lies
more days back than its municipality's period (``GRAPHSVC_STALE_AFTER``, e.g. ``'GM0344=180;*=365'``;
a tie between two municipalities takes the shorter). A fact never confirmed is stale.
"""

from __future__ import annotations

from datetime import date, timedelta

STALE_AFTER = "*=365"  # twelve months, unless a municipality sets its own


def is_stale(confirmed: date | None, days: int | None, today: date) -> bool:
    """Whether a fact last confirmed on ``confirmed`` is stale on ``today`` (``days``: its period; None: never).

    >>> today = date(2026, 12, 6)
    >>> is_stale(date(2026, 1, 1), 365, today), is_stale(date(2025, 12, 5), 365, today), is_stale(None, 365, today)
    (False, True, True)
    """
    return days is not None and (confirmed is None or (today - confirmed).days > days)


def stale_from(confirmed: date | None, days: int | None) -> date | None:
    """The first day a fact confirmed on ``confirmed`` is stale (None: never stale, or stale always).

    >>> stale_from(date(2026, 1, 1), 365)
    datetime.date(2027, 1, 2)
    """
    return None if confirmed is None or days is None else confirmed + timedelta(days=days + 1)
