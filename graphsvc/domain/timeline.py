"""When a fact holds, and how warm it still is: the one rule for dates on ties, initiatives and meetings.

Dates are compared as ordinals (``date.toordinal()``) with ``NO_DATE`` (0) for an open end, as
the projection keeps them in columns. ``holds`` decides what a view on a day shows; ``recency``
how much an ended tie still counts (the same rule for paths, matching and suggestions).
"""

from __future__ import annotations

import math
from datetime import date

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
