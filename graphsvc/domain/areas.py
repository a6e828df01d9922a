"""Areas: gemeente (municipality) > wijk (district) > buurt (neighbourhood), with CBS codes.

CBS codes nest: ``GM0344`` (Utrecht) > ``WK034403`` (Overvecht) > ``BU03440311``. A district
code starts with its municipality's four digits, a neighbourhood code with its district's six.
CBS renumbers areas when municipalities merge, so every area carries the year of the
classification its code comes from. A municipality's own working areas (``gebieden``,
``kernen``) sit beside the CBS tree with a code of the form ``GA`` + municipality digits +
``-`` + a slug, and no CBS year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import Problem
from .kinds import AreaLevel

CBS_PATTERNS = {
    AreaLevel.MUNICIPALITY: re.compile(r"GM\d{4}"),
    AreaLevel.DISTRICT: re.compile(r"WK\d{6}"),
    AreaLevel.NEIGHBOURHOOD: re.compile(r"BU\d{8}"),
    AreaLevel.WORKING_AREA: re.compile(r"GA\d{4}-[a-z0-9-]{1,40}"),
}
PARENT_LEVEL = {
    AreaLevel.MUNICIPALITY: None,
    AreaLevel.DISTRICT: AreaLevel.MUNICIPALITY,
    AreaLevel.NEIGHBOURHOOD: AreaLevel.DISTRICT,
    AreaLevel.WORKING_AREA: AreaLevel.MUNICIPALITY,
}
EXPECTED = "a CBS code: GM + 4 digits, WK + 6, BU + 8 (or GA + 4 digits + '-' + slug for a working area)"


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    level: AreaLevel
    parent: str | None = None
    cbs_year: int | None = None


def level_of(code: str) -> AreaLevel | None:
    """The level a code's form says, or None when it is no valid code.

    >>> level_of("WK034403")
    <AreaLevel.DISTRICT: 'DISTRICT'>
    >>> level_of("WK0344") is None
    True
    """
    for level, pattern in CBS_PATTERNS.items():
        if pattern.fullmatch(code):
            return level
    return None


def parent_prefix(code: str) -> str | None:
    """The code the parent of ``code`` must have, from the digits alone.

    >>> parent_prefix("BU03440311")
    'WK034403'
    >>> parent_prefix("GA1859-noord")
    'GM1859'
    """
    level = level_of(code)
    if level is AreaLevel.DISTRICT:
        return "GM" + code[2:6]
    if level is AreaLevel.NEIGHBOURHOOD:
        return "WK" + code[2:8]
    if level is AreaLevel.WORKING_AREA:
        return "GM" + code[2:6]
    return None


def check_area(area: Area, field: str = "area") -> list[Problem]:
    """Problems with one area on its own: code form, level, parent chain by digits, year."""
    problems = []
    level = level_of(area.code)
    if level is None:
        return [Problem("INVALID_CODE", f"{field}.code", f"'{area.code}' is not {EXPECTED}")]
    if level is not area.level:
        problems.append(
            Problem("INVALID", f"{field}.level", f"code {area.code} is a {level.value}, not {area.level.value}")
        )
    expected_parent = parent_prefix(area.code)
    if area.parent != expected_parent:
        want = f"'{expected_parent}'" if expected_parent else "no parent"
        problems.append(
            Problem("INVALID", f"{field}.parent", f"area {area.code} must have {want}, not '{area.parent}'")
        )
    if not area.name.strip():
        problems.append(Problem("REQUIRED", f"{field}.name", "a name is required"))
    if area.cbs_year is not None and not 1990 <= area.cbs_year <= 2100:
        problems.append(Problem("INVALID", f"{field}.cbsYear", f"{area.cbs_year} is not a year 1990..2100"))
    return problems


DEPTH = {AreaLevel.MUNICIPALITY: 0, AreaLevel.DISTRICT: 1, AreaLevel.WORKING_AREA: 1, AreaLevel.NEIGHBOURHOOD: 2}


def tree_order(area: Area) -> tuple[int, str]:
    """Sort key that puts every parent before its children."""
    return DEPTH[area.level], area.code


def ancestors(code: str, areas: Mapping[str, Area]) -> list[str]:
    """The chain of parent codes of ``code``, nearest first, as far as ``areas`` knows it."""
    chain = []
    area = areas.get(code)
    while area is not None and area.parent:
        chain.append(area.parent)
        area = areas.get(area.parent)
    return chain


def municipality(code: str, areas: Mapping[str, Area]) -> str:
    """The municipality an area lies in, by the tree (itself for a municipality; the code when unknown)."""
    chain = ancestors(code, areas)
    return chain[-1] if chain else code


def district(code: str, areas: Mapping[str, Area]) -> str | None:
    """The district (wijk) an area lies in or is, by the tree; None above or outside districts."""
    for found in (code, *ancestors(code, areas)):
        area = areas.get(found)
        if area is not None and area.level is AreaLevel.DISTRICT:
            return found
    return None


def containers(code: str) -> tuple[str, ...]:
    """Every code ``c`` with ``within(code, c)``: the code itself, and the municipality and district
    its digits name (the inverse of ``within``, for indexing by area).

    >>> containers("BU03440311"), containers("WK034403"), containers("GM0344")
    (('BU03440311', 'GM0344', 'WK034403'), ('WK034403', 'GM0344'), ('GM0344',))
    """
    found = [code]
    if len(code) > 6:
        found.append("GM" + code[2:6])
    if len(code) > 8:
        found.append("WK" + code[2:8])
    return tuple(found)


def within(code: str, area_code: str) -> bool:
    """Whether the area ``code`` is ``area_code`` or lies under it, by the codes alone.

    CBS codes nest by their digits, and a working area's code starts with its municipality's.

    >>> within("BU03440311", "WK034403"), within("BU03440311", "GM0344"), within("WK034404", "WK034403")
    (True, True, False)
    >>> within("GA1859-noord", "GM1859")
    True
    """
    if code == area_code:
        return True
    if area_code[:2] not in ("GM", "WK"):
        return False
    return len(code) > len(area_code) and code[2:].startswith(area_code[2:])
