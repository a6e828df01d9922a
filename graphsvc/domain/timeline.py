"""When a fact holds, and how warm it still is: the one rule for dates on ties, initiatives and meetings.

Dates are compared as ordinals (``date.toordinal()``) with ``NO_DATE`` (0) for an open end, as
the projection keeps them in columns. ``holds`` decides what a view on a day shows; ``recency``
how much an ended tie still counts (the same rule for paths, matching and suggestions);
``is_stale`` whether a fact was confirmed too long ago to rely on.

Every stakeholder and every tie carries its source (``provenance``) and the day it was last
confirmed (``confirmed``): the day it was written or imported, unless the source gave an older
one, and the day an editor confirmed or changed it since. A fact is *stale* when that day lies
more days back than its municipality's period (``GRAPHSVC_STALE_AFTER``, e.g. ``'GM0344=180;*=365'``;
a tie takes the shorter period of its two ends). A fact never confirmed is stale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

NO_DATE = 0
HALF_LIFE_DAYS = 2 * 365  # an ended tie counts half after two years, a quarter after four


def ordinal(day: date | None) -> int:
    """``day`` as an ordinal, ``NO_DATE`` for an open end."""
    return NO_DATE if day is None else day.toordinal()


def holds(since: int, until: int, day: int) -> bool:
    """Whether something from ``since`` to ``until`` (ordinals; ``NO_DATE``: open) holds on ``day``.

    >>> d = date(2024, 6, 1).toordinal()
    >>> holds(NO_DATE, NO_DATE, d), holds(d + 1, NO_DATE, d), holds(NO_DATE, d - 1, d), holds(d, d, d)
    (True, False, False, True)
    """
    return (since == NO_DATE or since <= day) and (until == NO_DATE or until >= day)


def recency(since: int, until: int, day: int) -> float:
    """1 while it holds on ``day``; halving every ``HALF_LIFE_DAYS`` after it ended; 0 before it began.

    >>> d = date(2024, 6, 1).toordinal()
    >>> recency(NO_DATE, NO_DATE, d), recency(NO_DATE, d - HALF_LIFE_DAYS, d), recency(d + 1, NO_DATE, d)
    (1.0, 0.5, 0.0)
    """
    if since != NO_DATE and since > day:
        return 0.0
    if until != NO_DATE and until < day:
        return math.pow(0.5, (day - until) / HALF_LIFE_DAYS)
    return 1.0


def each(rule: Callable[[int, int, int], object], since: np.ndarray, until: np.ndarray, day: int) -> np.ndarray:
    """``rule(since, until, day)`` (``holds`` or ``recency``) of every relation of the columns ``since``
    and ``until``: asked once per distinct pair of days (a few thousand in a city), not per relation.

    >>> d = date(2024, 6, 1).toordinal()
    >>> each(holds, np.array([NO_DATE, d + 1, d]), np.array([NO_DATE, NO_DATE, d]), d).tolist()
    [True, False, True]
    """
    days, inverse = np.unique((since.astype(np.int64) << 32) | until.astype(np.int64), return_inverse=True)
    answers = [rule(d >> 32, d & 0xFFFFFFFF, day) for d in days.tolist()]  # ordinals fit in 32 bits
    return np.array(answers)[inverse.reshape(-1)]


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
