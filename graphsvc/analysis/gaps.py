"""Where a neighbourhood lacks initiatives, partners or a residents' organisation, per theme.

For every neighbourhood under an area (the most specific areas the tree knows there: buurten, or
districts that have no buurten recorded) and every theme: is there a running initiative on it,
and a partner serving it? And is there any residents' organisation at all ("where no
neighbourhood organisation is active yet, the city cooperative steps in", SAMEN030)? A partner
serves the places it names and everything under them (a municipality-wide partner serves every
buurt). An initiative fills a gap only where it is local: in the place it names. One that names
the district is listed beside (``district_initiatives``), as help nearby, but leaves the gap open:
residents' initiatives are local by nature, and a district-wide one would hide every buurt gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..domain import AreaLevel, InitiativeStatus, Node, NodeKind, NotFoundError, ValidationError
from ..domain.areas import ancestors
from ..engine import View
from .catalogue import Catalogue, catalogue

ACTIVE = frozenset({InitiativeStatus.ACTIVE, InitiativeStatus.STARTING})
RESIDENTS_ORGANISATION_TYPES = frozenset({"ASSOCIATION", "COMMUNITY_CENTRE"})


@dataclass(frozen=True, slots=True)
class ThemeCoverage:
    theme: str
    initiatives: tuple[str, ...]  # running initiatives on the theme in the neighbourhood itself
    district_initiatives: tuple[str, ...]  # running ones on the theme naming its district
    partners: tuple[str, ...]  # partners on the theme serving the neighbourhood


@dataclass(frozen=True, slots=True)
class NeighbourhoodGap:
    code: str
    name: str
    level: AreaLevel
    missing: int  # themes without an initiative + themes without a partner + 1 without a residents' organisation
    residents_organisations: tuple[str, ...]  # running initiatives and residents' associations there
    without_initiative: tuple[str, ...]  # themes
    without_partner: tuple[str, ...]  # themes
    themes: tuple[ThemeCoverage, ...]


def coverage_gaps(
    view: View, area_code: str, themes: tuple[str, ...] | None = None, level: AreaLevel | None = None
) -> tuple[NeighbourhoodGap, ...]:
    """Every area of one ``level`` under ``area_code`` (buurten when there are any, else wijken) with
    what it lacks per theme, most missing first. ``themes``: those asked, else the area's active
    themes (those its running initiatives and partners work on), so that a row lists gaps one can act on.
    """
    cat = catalogue(view)
    if area_code not in cat.areas:
        raise NotFoundError(f"no area with code '{area_code}'", field="areaCode")
    unknown = [t for t in themes or () if t not in view.themes]
    if unknown:
        raise ValidationError(f"unknown theme '{unknown[0]}'", field="themes")
    rows = neighbourhoods(cat, area_code, level)
    wanted = tuple(themes) if themes else active_themes(cat, [area_code, *cat.under(area_code)])
    found = [_gap(cat, code, wanted) for code in rows]
    return tuple(sorted(found, key=lambda g: (-g.missing, g.code)))


def neighbourhoods(cat: Catalogue, area_code: str, level: AreaLevel | None = None) -> list[str]:
    """The areas of ``level`` under ``area_code``: by default buurten if any lie under it, else wijken
    (itself when nothing lies under it)."""
    under = [cat.areas[code] for code in cat.under(area_code)]
    levels = [level] if level else [AreaLevel.NEIGHBOURHOOD, AreaLevel.DISTRICT, AreaLevel.WORKING_AREA]
    for wanted in levels:
        found = sorted(a.code for a in under if a.level is wanted)
        if found:
            return found
    return [area_code]


def active_themes(cat: Catalogue, places: list[str]) -> tuple[str, ...]:
    """The themes the running initiatives and the partners in ``places`` work on."""
    nodes = (n for code in places for n in cat.by_area.get(code, ()))
    return tuple(sorted({t for n in nodes if _running(n) or n.kind is not NodeKind.INITIATIVE for t in n.themes}))


def _gap(cat: Catalogue, code: str, themes: tuple[str, ...]) -> NeighbourhoodGap:
    chain = [code, *ancestors(code, cat.areas)]
    inside = [code, *cat.under(code)]  # a wijk's row counts what works in its buurten too
    district = [c for c in chain[1:] if cat.areas[c].level is AreaLevel.DISTRICT]
    local = _unique(n for c in inside for n in cat.by_area.get(c, ()) if _running(n))
    nearby = _unique(n for c in district for n in cat.by_area.get(c, ()) if _running(n))
    partners = _unique(
        n for c in [*chain, *inside[1:]] for n in cat.by_area.get(c, ()) if n.kind is not NodeKind.INITIATIVE
    )
    coverage = tuple(
        ThemeCoverage(theme, _on(local, theme), _on(nearby, theme), _on(partners, theme)) for theme in themes
    )
    associations = [n for n in cat.by_area.get(code, ()) if n.type in RESIDENTS_ORGANISATION_TYPES]
    organisations = tuple(n.id for n in _unique([*local, *associations]))
    without_initiative = tuple(c.theme for c in coverage if not c.initiatives)
    without_partner = tuple(c.theme for c in coverage if not c.partners)
    missing = len(without_initiative) + len(without_partner) + (0 if organisations else 1)
    area = cat.areas[code]
    return NeighbourhoodGap(
        code, area.name, area.level, missing, organisations, without_initiative, without_partner, coverage
    )


def _on(nodes: list[Node], theme: str) -> tuple[str, ...]:
    return tuple(n.id for n in nodes if theme in n.themes)


def _running(node: Node) -> bool:
    return node.kind is NodeKind.INITIATIVE and node.status in ACTIVE


def _unique(nodes: Iterable[Node]) -> list[Node]:
    seen: dict[str, Node] = {}
    for node in nodes:
        seen.setdefault(node.id, node)
    return sorted(seen.values(), key=lambda n: n.id)
