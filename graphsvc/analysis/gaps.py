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


def coverage_gaps(view: View, area_code: str, themes: tuple[str, ...] | None = None) -> tuple[NeighbourhoodGap, ...]:
    """Every neighbourhood under ``area_code`` with what it lacks per theme, most missing first."""
    cat = catalogue(view)
    if area_code not in cat.areas:
        raise NotFoundError(f"no area with code '{area_code}'", field="areaCode")
    wanted = tuple(sorted(view.themes)) if themes is None else tuple(themes)
    unknown = [t for t in wanted if t not in view.themes]
    if unknown:
        raise ValidationError(f"unknown theme '{unknown[0]}'", field="themes")
    found = [_gap(cat, code, wanted) for code in neighbourhoods(cat, area_code)]
    return tuple(sorted(found, key=lambda g: (-g.missing, g.code)))


def neighbourhoods(cat: Catalogue, area_code: str) -> list[str]:
    """The most specific areas under ``area_code`` (itself when nothing lies under it)."""
    under = cat.under(area_code)
    leaves = sorted(code for code in under if not cat.children.get(code))
    return leaves or [area_code]


def _gap(cat: Catalogue, code: str, themes: tuple[str, ...]) -> NeighbourhoodGap:
    chain = [code, *ancestors(code, cat.areas)]
    district = [c for c in chain[1:] if cat.areas[c].level is AreaLevel.DISTRICT]
    local = _unique(n for n in cat.by_area.get(code, ()) if _running(n))
    nearby = _unique(n for c in district for n in cat.by_area.get(c, ()) if _running(n))
    partners = _unique(n for c in chain for n in cat.by_area.get(c, ()) if n.kind is not NodeKind.INITIATIVE)
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
