"""Periods in days, set per municipality: how long facts are kept (retention) or stay fresh.

Written as ``'GM0344=365;*=730'``: a CBS municipality code or ``*`` (any other) and a number of
days. Something that names areas in several municipalities takes the shortest of their periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from .areas import containers
from .errors import ValidationError

ANY = "*"


@dataclass(frozen=True)
class Periods:
    """Days per municipality code, ``'*'`` for any other.

    >>> periods = Periods.parse("GM0344=365;*=730", "GRAPHSVC_RETENTION")
    >>> periods.days_for(["BU03440101"]), periods.days_for(["GM0363"]), periods.days_for([])
    (365, 730, 730)
    >>> Periods.parse("GM0344=365", "x").days_for(["GM0363"]) is None
    True
    """

    days: Mapping[str, int]

    @classmethod
    @cache  # a setting is parsed once, not per request
    def parse(cls, text: str, setting: str) -> Periods:
        days: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in text.replace(",", ";").split(";"))):
            code, _, count = part.partition("=")
            code = code.strip()
            if not (code == ANY or (code.startswith("GM") and len(code) == 6)) or not count.strip().isdigit():
                raise ValidationError(f"expected 'GM0344=365' or '*=730', got {part!r}", field=setting)
            days[code] = int(count)
        return cls(days)

    def days_for(self, areas: Iterable[str]) -> int | None:
        """The period for something naming ``areas``: the shortest of its municipalities' (None: none set)."""
        found = [self.days.get(gm, self.days.get(ANY)) for gm in municipalities(areas) or {ANY}]
        periods = [d for d in found if d is not None]
        return min(periods) if periods else None


def municipalities(areas: Iterable[str]) -> set[str]:
    """The municipality codes (GM) that ``areas`` lie in.

    >>> sorted(municipalities(["BU03440101", "WK036301"]))
    ['GM0344', 'GM0363']
    """
    return {c for code in areas for c in containers(code) if c.startswith("GM")}
