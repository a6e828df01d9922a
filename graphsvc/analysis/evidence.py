"""The evidence partner matching and collaboration suggestions share, each defined once.

* **area fit**: how well the areas one side names cover the area the other is about, through the
  area tree (never by slicing CBS codes): the same buurt > a wijk that includes it > a sibling
  buurt in the same wijk > the whole gemeente > elsewhere in the gemeente > outside it;
* **theme fit**: the share of the themes asked for that the other side works on;
* **needs fit**: the share of the needs named that the other side offers (0.5 when none are named:
  neither for nor against).

A partner's load is ``load``'s; how recent a tie is, ``domain.timeline.recency``. Each value is
0..1 and comes with what it rests on (codes and the areas or themes named), so that an
explanation (a ``reasons.Reason``) can be put into words in any language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..domain import Area, AreaLevel
from ..domain.areas import ancestors
from .reasons import Reason

NO_NEEDS = 0.5  # needs fit when no needs are named


@dataclass(frozen=True, slots=True)
class AreaFit:
    """How well one named area covers a wanted one: ``value`` 0..1, ``code`` says why, about ``area``
    (the named one) and ``wanted`` (or the district or municipality they share)."""

    value: float
    code: str  # SAME_AREA, INCLUDES, WHOLE_MUNICIPALITY, PART_OF, SAME_DISTRICT, SAME_MUNICIPALITY, OUTSIDE
    area: str | None = None
    other: str | None = None


NO_AREA = AreaFit(0.0, "OUTSIDE")


def area_fit(areas: Mapping[str, Area], wanted: str, served: Iterable[str]) -> AreaFit:
    """How well the areas a stakeholder serves cover ``wanted`` (the best of them).

    >>> tree = {"GM0344": Area("GM0344", "Utrecht", AreaLevel.MUNICIPALITY),
    ...         "WK034403": Area("WK034403", "Overvecht", AreaLevel.DISTRICT, "GM0344"),
    ...         "WK034404": Area("WK034404", "Noordoost", AreaLevel.DISTRICT, "GM0344"),
    ...         "BU03440311": Area("BU03440311", "Taagdreef", AreaLevel.NEIGHBOURHOOD, "WK034403"),
    ...         "BU03440312": Area("BU03440312", "Wolgadreef", AreaLevel.NEIGHBOURHOOD, "WK034403")}
    >>> codes = ("BU03440311", "WK034403", "BU03440312", "GM0344", "WK034404", "GM0200")
    >>> [area_fit(tree, "BU03440311", (code,)).value for code in codes]
    [1.0, 0.8, 0.6, 0.5, 0.3, 0.0]
    >>> area_fit(tree, "WK034403", ("BU03440311",)).code
    'PART_OF'
    """
    return max((_one_area_fit(areas, wanted, code) for code in served), key=_value, default=NO_AREA)


def _one_area_fit(areas: Mapping[str, Area], wanted: str, code: str) -> AreaFit:
    wanted_chain, chain = [wanted, *ancestors(wanted, areas)], [code, *ancestors(code, areas)]
    if code == wanted:
        return AreaFit(1.0, "SAME_AREA", code)
    if code in wanted_chain:
        area = areas.get(code)
        if area is not None and area.level is AreaLevel.MUNICIPALITY:
            return AreaFit(0.5, "WHOLE_MUNICIPALITY", code)
        return AreaFit(0.8, "INCLUDES", code, wanted)
    if wanted in chain:
        return AreaFit(0.8, "PART_OF", code, wanted)
    shared = next((c for c in chain[1:] if c in wanted_chain), None)
    if shared is None:
        return AreaFit(0.0, "OUTSIDE", code)
    if areas[shared].level is AreaLevel.MUNICIPALITY:
        return AreaFit(0.3, "SAME_MUNICIPALITY", code, shared)
    return AreaFit(0.6, "SAME_DISTRICT", code, shared)


def mutual_area_fit(areas: Mapping[str, Area], mine: Iterable[str], theirs: Iterable[str]) -> AreaFit:
    """The best area fit between two stakeholders, whichever side's area is the wanted one."""
    theirs = tuple(theirs)
    return max((area_fit(areas, wanted, theirs) for wanted in mine), key=_value, default=NO_AREA)


def _value(fit: AreaFit) -> float:
    return fit.value


def theme_fit(wanted: Iterable[str], offered: Iterable[str]) -> float:
    """The share of the ``wanted`` themes that are among the ``offered`` ones (0 when none are wanted).

    >>> theme_fit(["care", "youth"], ["care", "sport", "culture"]), theme_fit([], ["care"])
    (0.5, 0.0)
    """
    asked = set(wanted)
    return len(asked.intersection(offered)) / len(asked) if asked else 0.0


def needs_fit(needs: Iterable[str], offers: Iterable[str]) -> float:
    """The share of the ``needs`` that the ``offers`` meet (``NO_NEEDS`` when no needs are named).

    >>> needs_fit(["SPACE", "FUNDING"], ["SPACE"]), needs_fit([], ["SPACE"])
    (0.5, 0.5)
    """
    asked = set(needs)
    return len(asked.intersection(offers)) / len(asked) if asked else NO_NEEDS


def area_reason(fit: AreaFit) -> Reason:
    """The area fit as a reason: ``AREA_<code>`` about the named area and the wanted (or shared) one."""
    if fit.area is None:
        return Reason.of("AREA_NONE")
    return Reason.of(f"AREA_{fit.code}", area=fit.area, **({"other": fit.other} if fit.other else {}))
