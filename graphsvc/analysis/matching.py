"""Which partners fit a (new) residents' initiative, why, and who can introduce them.

A match's score is the weighted mean of six parts, each 0..1 with a one-sentence reason: theme
fit, area fit through the area tree, the partner's offers against the initiative's needs,
network proximity to the initiative's members, the partner's load against its capacity, and its
track record with initiatives on these themes. Content parts follow content-based recommenders
(Lops et al. 2011); proximity and introductions follow the idea that ties carry introductions
(Granovetter 1973). Every part is explained; the broker decides.

Only partners (wijkpartners, organisations, municipality roles) in the initiative's municipality
that share a theme with it, or that work in or around its area, are candidates (``Catalogue``).
They are scored cheaply first and exactly in order of their best possible score, which stops as
soon as no remaining candidate can enter the top ``first`` (branch and bound).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, fields

from ..domain import InitiativeStatus, Node, NodeKind, NotFoundError, RelationKind, ValidationError
from ..domain.kinds import NEEDS, PARTNER_KINDS, RELATION_CODES
from ..engine import View
from .catalogue import Catalogue, area_fit, catalogue
from .network import Ball, Network, network
from .paths import Introduction, introductions

PROXIMITY_HOPS = 3  # members further than this from a partner count as not connected
MEMBERSHIP = frozenset({RelationKind.MEMBER_OF, RelationKind.FOUNDED, RelationKind.COORDINATES})
WORK_WITH = frozenset(
    {
        RelationKind.SUPPORTS,
        RelationKind.WORKS_ON,
        RelationKind.COORDINATES,
        RelationKind.FUNDS,
        RelationKind.PARTNERS_WITH,
        RelationKind.CONTACT_FOR,
        RelationKind.RESPONSIBLE_FOR,
    }
)
_WORK_CODES = frozenset(RELATION_CODES[k] for k in WORK_WITH)
RUNNING = frozenset({InitiativeStatus.IDEA, InitiativeStatus.STARTING, InitiativeStatus.ACTIVE})
TRACK_RECORD_FULL = 3  # initiatives on these themes for a full track-record score


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part counts (the score is the weighted mean; only the ratios matter).

    Defaults: what the initiative is about and where it is weigh most (0.25, 0.20); what the
    partner offers, how near the members are and what it did before come next (0.15 each); load
    least (0.10), because capacity is often unknown.
    """

    theme: float = 0.25
    area: float = 0.20
    offer: float = 0.15
    proximity: float = 0.15
    load: float = 0.10
    track_record: float = 0.15


DEFAULT_WEIGHTS = Weights()


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
        p = view.projection
        ends = {e for r in view.relations_of(initiative_id, MEMBERSHIP) for e in (p.source[r], p.target[r]) if e}
        members = sorted(ends - {initiative_id})
        return cls(node.name, node.themes, _main_area(node), node.needs, tuple(members), initiative_id)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ScorePart:
    name: str
    weight: float
    value: float
    reason: str


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
    weights: Weights = DEFAULT_WEIGHTS,
    first: int = 5,
    kinds: Iterable[NodeKind] | None = None,
) -> tuple[PartnerMatch, ...]:
    """The ``first`` best partners not yet tied to the initiative, best first, each explained.

    Partners already tied to it that rank among them are listed too, marked ``linked_already``
    and without introductions; they do not count towards ``first``.
    """
    net = network(view)
    _check(net, draft)
    wanted = frozenset(kinds or PARTNER_KINDS) & PARTNER_KINDS
    linked = _linked(view, draft)
    members = [m for m in draft.members if m not in linked] or ([draft.initiative_id] if draft.initiative_id else [])
    scorer = _Scorer(net, draft, weights, Ball(net, members, PROXIMITY_HOPS - 1) if members else None)
    ranked = scorer.best(_candidates(catalogue(net), draft, wanted, linked), first, linked)
    return tuple(scorer.match(node, parts, node.id in linked) for node, parts in ranked)


def _check(net: Network, draft: InitiativeDraft) -> None:
    p = net.projection
    if draft.area not in p.areas:
        raise ValidationError(f"unknown area code '{draft.area}'", field="area")
    unknown = [t for t in draft.themes if t not in p.themes]
    if unknown:
        raise ValidationError(f"unknown theme '{unknown[0]}'", field="themes")
    if any(n not in NEEDS for n in draft.needs):
        raise ValidationError(f"needs are some of {', '.join(sorted(NEEDS))}", field="needs")
    for member in draft.members:
        net.require(member, "members")


def _linked(view: View, draft: InitiativeDraft) -> frozenset[str]:
    if draft.initiative_id is None:
        return frozenset()
    p = view.projection
    ends = {e for r in view.relations_of(draft.initiative_id) for e in (p.source[r], p.target[r])}
    return frozenset(e for e in ends if e is not None and p.graph._node[e]["kind"] in PARTNER_KINDS)


def _candidates(cat: Catalogue, draft: InitiativeDraft, kinds: frozenset[NodeKind], linked: frozenset[str]) -> dict:
    """Partners of the wanted kinds sharing a theme in the municipality, or working in or around the area."""
    municipality = cat.municipality(draft.area)
    found: dict[str, Node] = {}
    pools = [cat.by_theme.get((municipality, t), ()) for t in draft.themes]
    pools += [cat.by_area.get(code, ()) for code in cat.around(draft.area)]
    for pool in pools:
        for node in pool:
            if node.kind in kinds:
                found[node.id] = node
    return found


class _Scorer:
    """Scores candidates part by part, the cheap parts first."""

    def __init__(self, net: Network, draft: InitiativeDraft, weights: Weights, members: Ball | None):
        self.net, self.draft, self.members = net, draft, members
        self.weights = {f.name: getattr(weights, f.name) for f in fields(weights)}
        self.total = sum(self.weights.values()) or 1.0
        self.themes = frozenset(draft.themes)

    def best(self, candidates: dict[str, Node], first: int, linked: frozenset[str]) -> list[tuple[Node, dict]]:
        """The top ``first`` unlinked candidates, and linked ones ranking among them (branch and bound).

        Candidates come in order of theme fit; each is scored part by part, cheap parts first,
        and dropped as soon as its best reachable score falls below the ``first``-th best so far.
        """
        order = sorted(((self._theme(n), n) for n in candidates.values()), key=lambda c: (-c[0][0], c[1].id))
        top: list[float] = []  # min-heap of the best unlinked scores so far
        scored: list[tuple[float, Node, dict]] = []
        for theme, node in order:
            parts = {"theme": theme}
            if self._beaten(parts, top, first):
                break  # later candidates fit the themes no better
            parts["area"], parts["offer"] = self._area(node), self._offer(node)
            if self._beaten(parts, top, first):
                continue
            parts["load"], parts["track_record"] = self._work(node)
            if self._beaten(parts, top, first):
                continue
            parts["proximity"] = self._proximity(node)
            score = self._score(parts)
            scored.append((score, node, parts))
            if node.id not in linked:
                heapq.heappush(top, score)
                if len(top) > first:
                    heapq.heappop(top)
        return _ranked(scored, first, linked, top[0] if len(top) >= first else 0.0)

    def _beaten(self, parts: dict[str, tuple[float, str]], top: list[float], first: int) -> bool:
        """Whether even full marks on the parts not yet known leave the candidate below the top."""
        if len(top) < first:
            return False
        best = sum(weight * parts[name][0] if name in parts else weight for name, weight in self.weights.items())
        return best / self.total < top[0]

    def _score(self, parts: dict[str, tuple[float, str]]) -> float:
        return sum(self.weights[name] * value for name, (value, _) in parts.items()) / self.total

    # -- the parts ---------------------------------------------------------------------------
    def _theme(self, node: Node) -> tuple[float, str]:
        shared = sorted(self.themes.intersection(node.themes))
        if not self.themes:
            return 0.0, "the initiative names no themes"
        if not shared:
            return 0.0, f"works on {_listing(node.themes) or 'no listed themes'}, none of the initiative's themes"
        return len(shared) / len(self.themes), f"works on {_listing(shared)} ({_share(shared, self.themes, 'theme')})"

    def _area(self, node: Node) -> tuple[float, str]:
        fit = area_fit(self.net.projection.areas, self.draft.area, node.areas)
        return fit.value, fit.reason

    def _offer(self, node: Node) -> tuple[float, str]:
        needs = sorted(set(self.draft.needs))
        if not needs:
            return 0.5, "the initiative named no needs"
        given = [n for n in needs if n in node.offers]
        if not given:
            return 0.0, f"offers none of what it needs ({_listing(needs).lower()})"
        return len(given) / len(needs), f"offers {_listing(given).lower()} ({_share(given, needs, 'need')})"

    def _work(self, node: Node) -> tuple[tuple[float, str], tuple[float, str]]:
        """Load (running initiatives it works with now, against capacity) and track record."""
        now, on_theme = work_with_initiatives(self.net, node.id, self.themes)
        if node.capacity:
            load = (
                max(0.0, 1.0 - len(now) / node.capacity),
                f"works with {_count(len(now), 'running initiative')} now, against a capacity of {node.capacity}",
            )
        else:
            load = (0.5, f"works with {_count(len(now), 'running initiative')} now; its capacity is not known")
        if not on_theme:
            track = (0.0, "no earlier work with initiatives on these themes")
        else:
            names = _listing([self.net.projection.obj(i).name for i in on_theme[:2]])  # type: ignore[union-attr]
            track = (
                min(1.0, len(on_theme) / TRACK_RECORD_FULL),
                f"has worked with {_count(len(on_theme), 'initiative')} on these themes, such as {names}",
            )
        return load, track

    def _proximity(self, node: Node) -> tuple[float, str]:
        hops = self._hops(node.id)
        if hops is None:
            return 0.0, f"no tie within {PROXIMITY_HOPS} steps of the initiative's members"
        value = (PROXIMITY_HOPS + 1 - hops) / PROXIMITY_HOPS
        return value, f"{_count(hops, 'step')} from the initiative's members"

    def _hops(self, node_id: str) -> int | None:
        if self.members is None:
            return None
        found = self.members.hops(node_id)
        if found is not None:
            return found
        adj, hidden = self.net.projection.graph._adj, self.net.hidden_pairs
        last = self.members.rings[-1]
        near = (
            last.intersection(adj[node_id]) if len(adj[node_id]) > len(last) else (x for x in adj[node_id] if x in last)
        )
        return PROXIMITY_HOPS if any((node_id, x) not in hidden for x in near) else None

    def match(self, node: Node, parts: dict[str, tuple[float, str]], linked: bool) -> PartnerMatch:
        score = self._score(parts)
        explained = tuple(
            ScorePart(name, self.weights[name], round(parts[name][0], 4), parts[name][1]) for name in self.weights
        )
        intros = () if linked or self.members is None else introductions(self.net, self.members, node.id)
        return PartnerMatch(node.id, node.kind, round(score, 4), explained, linked, intros)


def _ranked(
    scored: list[tuple[float, Node, dict]], first: int, linked: frozenset[str], cutoff: float
) -> list[tuple[Node, dict]]:
    kept, suggested = [], 0
    for score, node, parts in sorted(scored, key=lambda s: (-s[0], s[1].id)):
        if node.id in linked:
            if score >= cutoff:
                kept.append((node, parts))
        elif suggested < first:
            kept.append((node, parts))
            suggested += 1
    return kept


def work_with_initiatives(net: Network, partner: str, themes: frozenset[str]) -> tuple[list[str], list[str]]:
    """Initiatives ``partner`` works with now (running, tie holding), and those on ``themes`` ever."""
    p, view = net.projection, net.view
    now, on_theme = [], []
    for other in p.graph._adj[partner]:
        attrs = p.graph._node[other]
        if attrs["kind"] is not NodeKind.INITIATIVE or other not in net.nodes:
            continue
        ties = [r for r in p.edge_relations(partner, other) if p.kind[r] in _WORK_CODES and view.relation_visible(r)]
        if not ties:
            continue
        initiative: Node = attrs["obj"]
        if initiative.status in RUNNING and any(net.recency(r) == 1.0 for r in ties):
            now.append(other)
        if themes.intersection(initiative.themes):
            on_theme.append(other)
    return sorted(now), sorted(on_theme)


def _main_area(node: Node) -> str | None:
    return min(node.areas, key=lambda code: (not code.startswith("BU"), not code.startswith("WK"), code), default=None)


def _share(part: list[str], whole: Iterable[str], noun: str) -> str:
    """
    >>> _share(["care"], ["care"], "theme"), _share(["SPACE"], ["SPACE", "FUNDING"], "need")
    ("all of the initiative's themes", "1 of the initiative's 2 needs")
    """
    total = len(set(whole))
    return (
        f"all of the initiative's {noun}s" if len(part) == total else f"{len(part)} of the initiative's {total} {noun}s"
    )


def _count(n: int, noun: str) -> str:
    """
    >>> _count(1, "step"), _count(3, "running initiative")
    ('1 step', '3 running initiatives')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listing(items: Iterable[str]) -> str:
    words = [w.replace("_", " ") for w in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""
