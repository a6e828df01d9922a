"""Collaboration recommendations: pairs of stakeholders who do not work together yet and should meet.

For one stakeholder, candidates are the stakeholders two steps away in the network and those
that share a theme in the same wijk; pairs already linked, rejected before, or of kinds that
are not suggested to each other are left out. Each candidate's score is a weighted sum of
evidence, every part in 0..1, so the parts of an explanation add up to the score:

* network: Adamic-Adar over common contacts (Adamic & Adar 2003) and personalized PageRank
  from the stakeholder (Haveliwala 2002), each scaled by its best value among the candidates;
* content (``evidence``, as partner matching has it): theme fit, area fit through the area
  tree, the fit of one side's offers to the other's needs, meetings both attended, and how
  recent the ties through common contacts are (``timeline.recency``);
* load: a partner's free capacity (``load.free_capacity``: a wijkpartner at or over its capacity gets
  nothing here; one that declares none gets half).

Lists for many stakeholders at once (``recommend_many``) also spread the load: a partner is
suggested at most ``per_partner`` times in one list, so one hub does not receive every
initiative of a district.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from ..domain import Node, NodeKind, Visibility
from ..domain.areas import district
from ..domain.kinds import STAKEHOLDER_KINDS
from ..engine import View
from .evidence import NO_NEEDS, area_reason, mutual_area_fit, needs_fit, theme_fit
from .linkpred import Adjacency
from .load import free_capacity, free_slots, load_reason
from .reasons import Reason

_INITIATIVE = NodeKind.INITIATIVE
# Which kinds are suggested to which: initiatives to partners and to each other, organisations
# to municipality roles and wijkpartners, public residents to initiatives.
SUGGESTED: dict[NodeKind, frozenset[NodeKind]] = {
    _INITIATIVE: STAKEHOLDER_KINDS,
    NodeKind.WIJKPARTNER: frozenset({_INITIATIVE, NodeKind.ORGANISATION}),
    NodeKind.ORGANISATION: frozenset({_INITIATIVE, NodeKind.MUNICIPALITY_ROLE, NodeKind.WIJKPARTNER}),
    NodeKind.MUNICIPALITY_ROLE: frozenset({_INITIATIVE, NodeKind.ORGANISATION}),
    NodeKind.RESIDENT: frozenset({_INITIATIVE}),
}
SMALL_GRAPH = 2_000


@dataclass(frozen=True)
class Weights:
    """How much each part of the evidence counts; they sum to 1.

    Chosen with ``graphsvc evaluate`` on a synthetic city of another seed than the one the
    model card reports: the network parts and area proximity carry most of the signal.
    """

    common_contacts: float = 0.25
    pagerank: float = 0.25
    themes: float = 0.10
    area: float = 0.20
    needs: float = 0.05
    meetings: float = 0.05
    recency: float = 0.05
    capacity: float = 0.05

    def items(self) -> list[tuple[str, float]]:
        return list(vars(self).items())


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Part:
    name: str
    weight: float
    value: float
    reason: Reason

    @property
    def contribution(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True)
class Suggestion:
    source: str
    target: str
    score: float
    parts: tuple[Part, ...]
    sentence: tuple[Reason, ...]  # the strongest reasons, in order
    common_contacts: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # the best introduction path, source first
    linker: str | None = None  # who can make the introduction (the second node of the path)


@dataclass
class Scoring:
    """What scoring one source needs, computed once per graph version and viewer."""

    view: View
    adjacency: Adjacency
    local: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (wijk, theme) -> stakeholders

    @property
    def graph(self) -> nx.Graph:
        return self.view.graph


def make_scoring(view: View) -> Scoring:
    """Everything scoring needs for one view: its ties as a sparse matrix, and who works where."""
    adjacency = Adjacency.of_ties(view.nodes, view.edges_among(view.nodes))
    return Scoring(view, adjacency, local_index(view))


def local_index(view: View) -> dict[tuple[str, str], list[str]]:
    """Visible stakeholders by (wijk, theme), for finding those who share a theme nearby without a scan."""
    index: dict[tuple[str, str], list[str]] = {}
    for node_id in view.nodes:
        node: Node = view.node(node_id)  # type: ignore[assignment]
        for wijk in _districts(view, node):
            for theme in node.themes:
                index.setdefault((wijk, theme), []).append(node_id)
    return index


def _districts(view: View, node: Node) -> set[str]:
    """The wijken a stakeholder names or lies in (the code itself above wijk level)."""
    return {district(code, view.areas) or code for code in node.areas}


def suggestable(node: Node) -> bool:
    """Residents are suggested only when their visibility is PUBLIC: a suggestion list travels."""
    return node.kind is not NodeKind.RESIDENT or node.visibility is Visibility.PUBLIC


def candidates(
    context: Scoring,
    source: str,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    policy: Mapping[NodeKind, frozenset[NodeKind]] | None = SUGGESTED,
) -> list[str]:
    """Stakeholders two steps away or sharing a theme in the same wijk, of kinds suggested to ``source``.

    ``policy`` says which kinds are suggested to which; None (for evaluation) allows every
    node, and on a small graph (at most ``SMALL_GRAPH`` nodes) ranks all of them, as link
    prediction studies do.
    """
    view = context.view
    node: Node = view.node(source)  # type: ignore[assignment]
    index = context.adjacency.index
    linked = {context.adjacency.nodes[j] for j in context.adjacency.neighbours(source).tolist()}
    if policy is None and len(context.adjacency.nodes) <= SMALL_GRAPH:
        pool = set(context.adjacency.nodes)
    else:
        pool = set(context.adjacency.two_hop(source))
        for wijk in _districts(view, node):
            for theme in node.themes:
                pool.update(context.local.get((wijk, theme), ()))
    wanted = None if policy is None else policy.get(node.kind, frozenset())
    found = []
    for other_id in pool:
        if other_id not in index or other_id == source or other_id in linked:  # hidden, itself, or tied
            continue
        other: Node = view.node(other_id)  # type: ignore[assignment]
        if wanted is not None and (other.kind not in wanted or not suggestable(other)):
            continue
        if (source, other_id) in rejected or (other_id, source) in rejected:
            continue
        found.append(other_id)
    return sorted(found)


def recommend(
    context: Scoring,
    source: str,
    first: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    kinds: frozenset[NodeKind] | None = None,
) -> list[Suggestion]:
    """The best ``first`` suggestions for ``source``, best first, each with its explanation."""
    best = ranked(context, source, max(20 * first, 200), weights, rejected, kinds)[:first]
    return [suggestion(context, s, weights) for s in best]


def ranked(
    context: Scoring,
    source: str,
    keep: int,
    weights: Weights = DEFAULT_WEIGHTS,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    kinds: frozenset[NodeKind] | None = None,
) -> list[Scored]:
    """The ``keep`` best candidates of ``source``, scored, best first, not yet explained."""
    view = context.view
    pool = [c for c in candidates(context, source, rejected) if kinds is None or view.kind(c) in kinds]
    return sorted(score(context, source, pool, weights, keep=keep), key=lambda s: (-s.total, s.target))


def suggestion(context: Scoring, scored: Scored, weights: Weights = DEFAULT_WEIGHTS) -> Suggestion:
    """A scored candidate explained, with its introduction path."""
    return with_path(context, explain(context, scored, weights))


@dataclass(frozen=True)
class Scored:
    """A candidate's evidence and total, before it is put into words."""

    source: str
    target: str
    total: float
    values: dict[str, float]
    contacts: tuple[str, ...]


def score(
    context: Scoring,
    source: str,
    pool: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
    keep: int | None = None,
) -> list[Scored]:
    """The evidence for the candidates of ``source``, and the weighted totals.

    The cheap parts are computed for every candidate; the ones that walk the shared contacts
    (meetings, recency) only for the ``keep`` best by the cheap parts (all when None): they
    weigh 0.1 together, so the best of a few thousand candidates stay the best.
    """
    if not pool:
        return []
    network_scores = context.adjacency.neighbourhood_scores(source, pool)
    adamic = _scaled(network_scores["adamic_adar"])
    pagerank_raw = context.adjacency.personalized_pagerank(source, pool)
    pagerank = _scaled(np.array([pagerank_raw[c] for c in pool]))
    view = context.view
    me: Node = view.node(source)  # type: ignore[assignment]
    cheap = []
    for k, other_id in enumerate(pool):
        other: Node = view.node(other_id)  # type: ignore[assignment]
        values = {
            "common_contacts": float(adamic[k]),
            "pagerank": float(pagerank[k]),
            "themes": theme_fit(me.themes, other.themes),
            "area": mutual_area_fit(view.areas, me.areas, other.areas).value,
            "needs": _needs_fit(me, other),
            "capacity": free_capacity(view, other),
        }
        cheap.append((sum(getattr(weights, name) * value for name, value in values.items()), other_id, values))
    if keep is not None and len(cheap) > keep:
        cheap = sorted(cheap, key=lambda c: -c[0])[:keep]
    found = []
    for partial, other_id, values in cheap:
        contacts = tuple(_common_contacts(context, source, other_id))
        values["meetings"] = 1 - 0.5 ** _shared_meetings(context, contacts)
        values["recency"] = _recency(context, source, other_id, contacts)
        total = partial + weights.meetings * values["meetings"] + weights.recency * values["recency"]
        found.append(Scored(source, other_id, total, values, contacts))
    return found


def explain(context: Scoring, scored: Scored, weights: Weights = DEFAULT_WEIGHTS) -> Suggestion:
    """A scored candidate in words: each part with its weight and reason, and one sentence."""
    me: Node = context.view.node(scored.source)  # type: ignore[assignment]
    other: Node = context.view.node(scored.target)  # type: ignore[assignment]
    parts = tuple(
        Part(
            name,
            weight,
            round(scored.values[name], 4),
            _reason(name, scored.values[name], me, other, scored.contacts, context),
        )
        for name, weight in weights.items()
    )
    total = round(sum(part.contribution for part in parts), 4)
    sentence = _sentence(me, other, parts, scored.contacts, context)
    return Suggestion(scored.source, scored.target, total, parts, sentence, scored.contacts)


def with_path(context: Scoring, suggestion: Suggestion) -> Suggestion:
    """The suggestion with its shortest introduction path and the linker on it (None if unconnected)."""
    try:
        path = tuple(nx.bidirectional_shortest_path(context.graph, suggestion.source, suggestion.target))
    except nx.NetworkXNoPath:
        return suggestion
    linker = path[1] if len(path) > 2 else None
    return Suggestion(**{**vars(suggestion), "path": path, "linker": linker})


def recommend_many(
    context: Scoring,
    sources: Iterable[str],
    top: int = 5,
    per_partner: int = 3,
    weights: Weights = DEFAULT_WEIGHTS,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    progress: Callable[[int], object] = lambda done: None,
) -> dict[str, list[Suggestion]]:
    """Suggestions for many stakeholders at once, spreading the load over partners.

    All pairs are ranked together, best first; a pair is kept while its source has fewer than
    ``top`` and its target has been suggested fewer than ``per_partner`` times (raised to a
    wijkpartner's free capacity when that is larger).
    """
    pool: list[Scored] = []
    for source in sources:
        if source in context.graph:
            found = score(context, source, candidates(context, source, rejected), weights, keep=20 * top)
            found.sort(key=lambda s: -s.total)
            pool += found[: top * 4]
        progress(1)
    pool.sort(key=lambda s: (-s.total, s.source, s.target))
    given: Counter[str] = Counter()
    per_source: dict[str, list[Scored]] = {}
    for scored in pool:
        target: Node = context.view.node(scored.target)  # type: ignore[assignment]
        limit = max(per_partner, free_slots(context.view, target))
        chosen = per_source.setdefault(scored.source, [])
        if len(chosen) < top and given[scored.target] < limit:
            chosen.append(scored)
            given[scored.target] += 1
    return {source: [suggestion(context, s, weights) for s in found] for source, found in per_source.items()}


# -- evidence ---------------------------------------------------------------------------------
def _needs_fit(me: Node, other: Node) -> float:
    """``evidence.needs_fit`` of the side that names needs (an initiative's, usually) against the other's offers."""
    return needs_fit(me.needs, other.offers) if me.needs else needs_fit(other.needs, me.offers)


def _common_contacts(context: Scoring, u: str, v: str) -> list[str]:
    """Common neighbours of ``u`` and ``v``, best connected first."""
    a = context.adjacency
    shared = np.intersect1d(a.neighbours(u), a.neighbours(v), assume_unique=True)  # sorted: ties break by id
    return [a.nodes[i] for i in shared[np.argsort(-a.degree[shared], kind="stable")].tolist()]


def _shared_meetings(context: Scoring, contacts: Sequence[str]) -> int:
    return sum(1 for c in contacts if context.view.kind(c) is NodeKind.MEETING)


def _recency(context: Scoring, u: str, v: str, contacts: Sequence[str]) -> float:
    """How recent the ties through common contacts are: the warmest ``View.tie`` recency among them."""
    view = context.view
    best = 0.0
    for c in contacts[:20]:
        for a, b in ((u, c), (c, v)):
            best = max(best, view.tie(a, b).recency)
            if best >= 1.0:
                return 1.0
    return best


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values, dtype=np.float64)


# -- reasons ----------------------------------------------------------------------------------
def _reason(name: str, value: float, me: Node, other: Node, contacts: Sequence[str], context: Scoring) -> Reason:
    if name == "common_contacts":
        return (
            Reason.of("CONTACTS_SHARED", n=len(contacts), nodes=contacts[:2])
            if contacts
            else Reason.of("CONTACTS_NONE")
        )
    if name == "pagerank":
        return Reason.of("WALK_OFTEN" if value > 0.5 else "WALK_SELDOM")
    if name == "themes":
        shared = sorted(set(me.themes) & set(other.themes))
        return Reason.of("THEMES_BOTH", themes=shared) if shared else Reason.of("THEMES_NO_OVERLAP")
    if name == "area":
        return area_reason(mutual_area_fit(context.view.areas, me.areas, other.areas))
    if name == "needs":
        return Reason.of("NEEDS_OFFERED" if value > NO_NEEDS else "NEEDS_NOT_OFFERED")
    if name == "meetings":
        return Reason.of("MET_AT_MEETING" if value > 0 else "NO_SHARED_MEETING")
    if name == "recency":
        return Reason.of("TIES_CURRENT" if value >= 1 else "TIES_OLD")
    return load_reason(context.view, other)  # capacity


def _sentence(
    me: Node, other: Node, parts: Sequence[Part], contacts: Sequence[str], context: Scoring
) -> tuple[Reason, ...]:
    """The strongest evidence, e.g. 'both work on care in Taagdreef; 3 shared contacts, among them DOCK'."""
    by_name = {p.name: p for p in parts}
    phrases = []
    shared = sorted(set(me.themes) & set(other.themes))
    if shared:
        fit = mutual_area_fit(context.view.areas, me.areas, other.areas)
        if fit.code == "SAME_AREA":
            phrases.append(Reason.of("BOTH_WORK_ON_IN", themes=shared[:2], area=fit.area))
        else:
            phrases.append(Reason.of("BOTH_WORK_ON", themes=shared[:2]))
    if contacts:
        phrases.append(by_name["common_contacts"].reason)
    if by_name["needs"].value > NO_NEEDS:
        phrases.append(Reason.of("ONE_OFFERS_WHAT_OTHER_NEEDS"))
    if by_name["meetings"].value > 0:
        phrases.append(by_name["meetings"].reason)
    return tuple(phrases) or (Reason.of("CLOSE_IN_NETWORK"),)


def scoring_for(view: View) -> Scoring:
    """The scoring context of this view's graph version and viewer, built once and shared."""
    return view.remember("recommend", lambda: make_scoring(view))  # type: ignore[no-any-return]


def reviewed_pairs(view: View) -> frozenset[tuple[str, str]]:
    """Pairs a broker has judged already (accepted or rejected): they are not suggested again."""
    return frozenset((r.source, r.target) for r in view.reviews())
