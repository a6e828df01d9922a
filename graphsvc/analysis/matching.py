"""Which partners fit a (new) residents' initiative, why, and who can introduce them.

A match's score is the weighted mean of six parts, each 0..1 with a one-sentence reason
(``match_parts``): theme fit, area fit through the area tree, the partner's offers against the
initiative's needs, network proximity to the initiative's members, the partner's load against
its capacity, and its track record with initiatives on these themes. Content parts follow
content-based recommenders (Lops et al. 2011); proximity and introductions follow the idea that
ties carry introductions (Granovetter 1973). Every part is explained; the broker decides.

Candidates are the partners (wijkpartners, organisations, municipality roles) that share a theme
with the initiative and either work in or around its area (the area, what lies under it, its
district and municipality, its sibling buurten) or sit within two steps of its members. They are
ranked by branch and bound: cheap parts first, in order of the best score each can still reach,
stopping as soon as none left can enter the top ``first``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, fields

from ..domain import Node, NodeKind, NotFoundError, RelationKind, ValidationError
from ..domain.kinds import NEEDS, PARTNER_KINDS
from ..engine import View
from .ball import Ball
from .catalogue import Catalogue, catalogue
from .match_parts import PROXIMITY_HOPS, Parts
from .paths import Introduction, introductions
from .reasons import Reason

MEMBERSHIP = frozenset({RelationKind.MEMBER_OF, RelationKind.FOUNDED, RelationKind.COORDINATES})
_CHEAP = ("theme", "area", "offer")


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """How much each part counts (the score is the weighted mean; only the ratios matter).

    Defaults: what the initiative is about and where it is weigh most (0.25 each: a partner that
    names the initiative's own buurt beats one that serves the whole wijk); what the partner offers
    and how near the members are come next (0.15 each); load (capacity is often unknown) and
    earlier work nearby least (0.10 each).
    """

    theme: float = 0.25
    area: float = 0.25
    offer: float = 0.15
    proximity: float = 0.15
    load: float = 0.10
    track_record: float = 0.10


MATCH_WEIGHTS = MatchWeights()


@dataclass(frozen=True, slots=True)
class InitiativeDraft:
    """An initiative to find partners for: a new one, or an existing one (``initiative_id``)."""

    name: str
    themes: tuple[str, ...]
    area: str  # the neighbourhood (any area code in the tree works)
    needs: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # stakeholders known to be in it: where introductions start
    initiative_id: str | None = None

    @classmethod
    def of(cls, view: View, initiative_id: str) -> InitiativeDraft:
        """The draft an existing initiative amounts to; its members are those tied to it by
        membership, founding or coordination."""
        node = view.stakeholder(initiative_id)
        if node is None or node.kind is not NodeKind.INITIATIVE:
            raise NotFoundError(f"no initiative with id '{initiative_id}'", field="initiative")
        members = sorted(_ends(view, initiative_id, MEMBERSHIP) - {initiative_id})
        area = _main_area(node)
        if area is None:
            raise ValidationError(
                f"initiative '{initiative_id}' names no area to match partners around", field="initiative"
            )
        return cls(node.name, node.themes, area, node.needs, tuple(members), initiative_id)


@dataclass(frozen=True, slots=True)
class ScorePart:
    name: str
    weight: float
    value: float
    reason: Reason


@dataclass(frozen=True, slots=True)
class PartnerMatch:
    partner: str
    kind: NodeKind
    score: float
    parts: tuple[ScorePart, ...]
    linked_already: bool  # tied to the initiative already: shown for context, not suggested
    introductions: tuple[Introduction, ...]


def match_partners(
    view: View,
    draft: InitiativeDraft,
    weights: MatchWeights = MATCH_WEIGHTS,
    first: int = 5,
    kinds: Iterable[NodeKind] | None = None,
) -> tuple[PartnerMatch, ...]:
    """The ``first`` best partners not yet tied to the initiative, best first, each explained.

    Partners already tied to it that rank among them are listed too, marked ``linked_already``
    and without introductions; they do not count towards ``first``.
    """
    _check(view, draft, weights)
    wanted = frozenset(kinds or PARTNER_KINDS) & PARTNER_KINDS
    linked = _linked(view, draft)
    members = [m for m in draft.members if m not in linked] or ([draft.initiative_id] if draft.initiative_id else [])
    ball = Ball(view, members, PROXIMITY_HOPS - 1) if members else None
    parts = Parts(view, draft.area, draft.themes, draft.needs, ball)
    weight = {f.name: float(getattr(weights, f.name)) for f in fields(weights)}
    candidates = _candidates(catalogue(view), draft, wanted, ball.nodes if ball else set())
    ranked = _best(parts, weight, candidates, max(first, 0), linked)
    return tuple(_match(view, parts, weight, node, score, node.id in linked, ball) for score, node in ranked)


def _check(view: View, draft: InitiativeDraft, weights: MatchWeights) -> None:
    values = [getattr(weights, f.name) for f in fields(weights)]
    if min(values) < 0 or sum(values) <= 0:
        raise ValidationError("weights are at least 0 and not all 0", field="weights")
    if draft.area not in view.areas:
        raise ValidationError(f"unknown area code '{draft.area}'", field="area")
    unknown = [t for t in draft.themes if t not in view.themes]
    if unknown:
        raise ValidationError(f"unknown theme '{unknown[0]}'", field="themes")
    if any(n not in NEEDS for n in draft.needs):
        raise ValidationError(f"needs are some of {', '.join(sorted(NEEDS))}", field="needs")
    for member in draft.members:
        view.require(member, "members")
    if draft.initiative_id is not None:
        view.require(draft.initiative_id, "initiative")


def _linked(view: View, draft: InitiativeDraft) -> frozenset[str]:
    if draft.initiative_id is None:
        return frozenset()
    ends = _ends(view, draft.initiative_id)
    return frozenset(e for e in ends if e in view and view.kind(e) in PARTNER_KINDS)


def _ends(view: View, node_id: str, kinds: frozenset[RelationKind] | None = None) -> set[str]:
    """Both ends of the visible relations of ``node_id`` (of ``kinds``)."""
    return {end for f in view.relations_of(node_id, kinds) for end in (f.source, f.target)}


def _candidates(cat: Catalogue, draft: InitiativeDraft, kinds: frozenset[NodeKind], near: set[str]) -> list[Node]:
    """Partners of the wanted kinds sharing a theme, in or around the area or near the members."""
    around = set(cat.around(draft.area))
    municipality = cat.municipality(draft.area)
    found: dict[str, Node] = {}
    for theme in draft.themes:
        for node in cat.by_theme.get((municipality, theme), ()):
            if node.kind in kinds and (node.id in near or not around.isdisjoint(node.areas)):
                found[node.id] = node
    return list(found.values())


def _best(
    parts: Parts, weight: dict[str, float], candidates: list[Node], first: int, linked: frozenset[str]
) -> list[tuple[float, Node]]:
    """The top ``first`` unlinked candidates and the linked ones scoring as high (branch and bound)."""
    total = sum(weight.values()) or 1.0
    rest = sum(w for name, w in weight.items() if name not in _CHEAP)
    cheap = {n.id: sum(weight[name] * value for name, value in _cheap(parts, n)) for n in candidates}
    top: list[float] = []  # min-heap of the best unlinked scores so far
    scored: list[tuple[float, Node]] = []
    for node in sorted(candidates, key=lambda n: (-cheap[n.id], n.id)):
        known = cheap[node.id] + weight["proximity"] * parts.proximity(node)
        if len(top) >= first and (cheap[node.id] + rest) / total < top[0]:
            break  # no candidate left can reach the top
        if len(top) >= first and (known + rest - weight["proximity"]) / total < top[0]:
            continue
        score = (known + weight["load"] * parts.load(node) + weight["track_record"] * parts.track_record(node)) / total
        scored.append((score, node))
        if node.id not in linked:
            heapq.heappush(top, score)
            if len(top) > first:
                heapq.heappop(top)
    cutoff = top[0] if len(top) >= first else 0.0
    kept, suggested = [], 0
    for score, node in sorted(scored, key=lambda s: (-s[0], s[1].id)):
        if node.id in linked and score >= cutoff:
            kept.append((score, node))
        elif node.id not in linked and suggested < first:
            kept.append((score, node))
            suggested += 1
    return kept


def _cheap(parts: Parts, node: Node) -> list[tuple[str, float]]:
    return [("theme", parts.theme(node)), ("area", parts.area_fit(node).value), ("offer", parts.offer(node))]


def _match(
    view: View, parts: Parts, weight: dict[str, float], node: Node, score: float, linked: bool, ball: Ball | None
) -> PartnerMatch:
    explained = parts.explain(node)
    shown = tuple(ScorePart(name, weight[name], round(explained[name][0], 4), explained[name][1]) for name in weight)
    intros = () if linked or ball is None else introductions(view, ball, node.id)
    return PartnerMatch(node.id, node.kind, round(score, 4), shown, linked, intros)


def _main_area(node: Node) -> str | None:
    return min(node.areas, key=lambda code: (not code.startswith("BU"), not code.startswith("WK"), code), default=None)
