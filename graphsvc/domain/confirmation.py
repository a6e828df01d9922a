"""When a fact was last confirmed true, and when that is too long ago to rely on: the one staleness rule.

Every stakeholder and every tie carries its source (``provenance``) and the day it was last
confirmed (``confirmed``): the day it was written or imported, unless the source gave an older
one, and the day an editor confirmed or changed it since. A fact is *stale* when that day lies
more days back than its municipality's period (``GRAPHSVC_STALE_AFTER``, e.g. ``'GM0344=180;*=365'``;
a tie between two municipalities takes the shorter). A fact never confirmed is stale.
"""

from __future__ import annotations

from datetime import date, timedelta

from .timeline import NO_DATE

STALE_AFTER = "*=365"  # twelve months, unless a municipality sets its own


def is_stale(confirmed: int, days: int | None, today: int) -> bool:
    """Whether a fact last confirmed on ``confirmed`` is stale on ``today`` (days as ordinals, as
    ``timeline`` has them; ``NO_DATE``: never confirmed), given its period of ``days`` (None: never stale).

    >>> today = date(2026, 12, 6).toordinal()
    >>> [is_stale(date(y, m, d).toordinal(), 365, today) for y, m, d in ((2026, 1, 1), (2025, 12, 5))]
    [False, True]
    >>> is_stale(NO_DATE, 365, today), is_stale(NO_DATE, None, today)
    (True, False)
    """
    return days is not None and (confirmed == NO_DATE or today - confirmed > days)


def stale_from(confirmed: date | None, days: int | None) -> date | None:
    """The first day a fact confirmed on ``confirmed`` is stale (None: never stale, or stale always).

    >>> stale_from(date(2026, 1, 1), 365)
    datetime.date(2027, 1, 2)
    """
    return None if confirmed is None or days is None else confirmed + timedelta(days=days + 1)
