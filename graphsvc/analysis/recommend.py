"""Collaboration recommendations: pairs of stakeholders who do not work together yet and should meet.

For one stakeholder, candidates are the stakeholders two steps away in the network and those
that share a theme in the same wijk; pairs already linked, rejected before, or of kinds that
are not suggested to each other are left out. Each candidate's score is a weighted sum of its
evidence (``features``), every part squashed to 0..1 and the weights adding up to 1, so the
parts of an explanation add up to the score. The weights are a ``ranker.Model``: learned per
graph from the graph's own history, or the best plain baseline where the learned model does not
beat it there, or the hand-set ``ranker.DEFAULT`` until a model is learned; each suggestion
says which (a ``RANKED_BY_*`` reason).

* network: common neighbours, Adamic-Adar, resource allocation and Jaccard over common contacts
  (Liben-Nowell & Kleinberg 2007), preferential attachment, personalized PageRank from the
  stakeholder (Haveliwala 2002), meetings both attended, and tie strength over shared contacts;
* content (``evidence``, as partner matching has it): theme fit, area fit through the area
  tree, the fit of one side's offers to the other's needs, and how recent the ties through
  common contacts are (``timeline.recency``);
* load: a partner's free capacity (``load.free_capacity``: a wijkpartner at or over its capacity gets
  nothing here; one that declares none gets half).

Lists for many stakeholders at once (``recommend_many``) also spread the load: a partner is
suggested at most ``per_partner`` times in one list, so one hub does not receive every
initiative of a district.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..domain import Node, NodeKind, Visibility
from ..domain.kinds import STAKEHOLDER_KINDS
from ..engine import View
from .evidence import NO_NEEDS, AreaFit, area_reason, mutual_area_fit
from .features import COLUMN, SMALL_GRAPH, Scoring, make_scoring, pool, walk
from .load import free_slots, load_reason
from .ranker import DEFAULT, KEEP, Model, Ranking, Scored, score
from .reasons import Reason

__all__ = [
    "SMALL_GRAPH",
    "SUGGESTED",
    "Model",
    "Part",
    "Scored",
    "Scoring",
    "Suggestion",
    "candidate_positions",
    "candidates",
    "make_scoring",
    "ranked",
    "recommend",
    "recommend_many",
    "reviewed_pairs",
    "scoring_for",
    "suggestion",
]

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
LIST_DEPTH = 20  # candidates per stakeholder (times ``top``) that an area's list chooses from
# Which ranker ordered a list, in words (``ranker.RANKERS``).
RANKED_BY = {
    "MODEL": Reason.of("RANKED_BY_MODEL"),
    "DEFAULT": Reason.of("RANKED_BY_DEFAULT"),
    "common_neighbours": Reason.of("RANKED_BY_COMMON_NEIGHBOURS"),
    "adamic_adar": Reason.of("RANKED_BY_ADAMIC_ADAR"),
    "resource_allocation": Reason.of("RANKED_BY_RESOURCE_ALLOCATION"),
    "jaccard": Reason.of("RANKED_BY_JACCARD"),
    "preferential_attachment": Reason.of("RANKED_BY_PREFERENTIAL_ATTACHMENT"),
}


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
    sentence: tuple[Reason, ...]  # the strongest reasons, in order; the last says which ranker ordered the list
    common_contacts: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # the best introduction path, source first
    linker: str | None = None  # who can make the introduction (the second node of the path)
    ranker: str = "DEFAULT"


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
    nodes = context.adjacency.nodes
    return [nodes[j] for j in candidate_positions(context, source, rejected, policy).tolist()]


def candidate_positions(
    context: Scoring,
    source: str,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    policy: Mapping[NodeKind, frozenset[NodeKind]] | None = SUGGESTED,
) -> np.ndarray:
    """``candidates`` as positions in the adjacency (what scoring takes), sorted."""
    allowed = None if policy is None else _allowed(context, context.node(source).kind, policy)
    judged = _judged(context, rejected).get(source, ()) if rejected else ()
    return pool(context, source, allowed, everyone=policy is None, excluded=judged)


def _allowed(context: Scoring, kind: NodeKind, policy: Mapping[NodeKind, frozenset[NodeKind]]) -> np.ndarray:
    """Which nodes ``policy`` suggests to a stakeholder of ``kind`` (``suggestable`` ones of its kinds),
    as a mask over the adjacency's positions; made once per scoring context for ``SUGGESTED``."""
    key = ("allowed", kind)
    found = context.memo.get(key) if policy is SUGGESTED else None
    if found is None:
        wanted = policy.get(kind, frozenset())
        found = np.array([n.kind in wanted and suggestable(n) for n in map(context.node, context.adjacency.nodes)])
        if policy is SUGGESTED:
            context.memo[key] = found
    return found  # type: ignore[no-any-return]


def _judged(context: Scoring, rejected: frozenset[tuple[str, str]]) -> dict[str, set[str]]:
    """The judged pairs by either end, each end's others: looked up per source, not scanned per
    candidate; made once per scoring context and set of pairs."""
    key = ("judged", rejected)
    found: dict[str, set[str]] | None = context.memo.get(key)
    if found is None:
        found = context.memo[key] = {}
        for u, v in rejected:
            found.setdefault(u, set()).add(v)
            found.setdefault(v, set()).add(u)
    return found


def recommend(
    context: Scoring,
    source: str,
    first: int = 10,
    model: Model = DEFAULT,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    kinds: frozenset[NodeKind] | None = None,
) -> list[Suggestion]:
    """The best ``first`` suggestions for ``source``, best first, each with its explanation."""
    best = ranked(context, source, max(20 * first, KEEP), model, rejected, kinds)[:first]
    return [suggestion(context, s, model) for s in best]


def ranked(
    context: Scoring,
    source: str,
    keep: int,
    model: Model = DEFAULT,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    kinds: frozenset[NodeKind] | None = None,
) -> list[Scored]:
    """The ``keep`` best candidates of ``source``, scored, best first, not yet explained."""
    found = candidate_positions(context, source, rejected)
    if kinds is not None:
        of_kind = context.profiles.kind
        found = found[[of_kind[j] in kinds for j in found.tolist()]]
    return sorted(score(context, source, found, model, keep=keep), key=lambda s: (-s.total, s.target))


def suggestion(context: Scoring, scored: Scored, model: Model = DEFAULT) -> Suggestion:
    """A scored candidate explained, with its introduction path."""
    return with_path(context, explain(context, scored, model))


def explain(context: Scoring, scored: Scored, model: Model = DEFAULT) -> Suggestion:
    """A scored candidate in words: each part with its weight and reason, and one sentence."""
    me, other = context.node(scored.source), context.node(scored.target)
    contacts, strong = scored.contacts, scored.strong
    row = scored.row
    if not contacts:  # not walked when ranked
        walked = walk(context, scored.source, scored.target)
        contacts, strong = walked.contacts, walked.strong
    fit = _area_fit(context, me.areas, other.areas)
    parts = []
    for name, weight in model.items():
        value = float(row[COLUMN[name]])
        parts.append(
            Part(name, weight, round(value, 4), _reason(name, value, me, other, contacts, strong, context, fit))
        )
    total = round(sum(part.contribution for part in parts), 4)
    sentence = (*_sentence(me, other, parts, contacts, fit), RANKED_BY[model.ranker])
    return Suggestion(scored.source, scored.target, total, tuple(parts), sentence, contacts, ranker=model.ranker)


def _area_fit(context: Scoring, mine: tuple[str, ...], theirs: tuple[str, ...]) -> AreaFit:
    """``mutual_area_fit`` of two stakeholders' areas: asked once per pair of area lists in a scoring context."""
    fits: dict[tuple[tuple[str, ...], tuple[str, ...]], AreaFit] = context.memo.setdefault("area fits", {})
    found = fits.get((mine, theirs))
    if found is None:
        found = fits[mine, theirs] = mutual_area_fit(context.view.areas, mine, theirs)
    return found


def with_path(context: Scoring, suggestion: Suggestion) -> Suggestion:
    """The suggestion with its shortest introduction path and the linker on it (None if unconnected).

    Two stakeholders with a shared contact (and no tie: they are suggested) are two steps apart,
    so a shortest path runs through a shared contact: the best connected one, the first the
    explanation names. Only pairs without one are searched for.
    """
    if suggestion.common_contacts:
        path: tuple[str, ...] = (suggestion.source, suggestion.common_contacts[0], suggestion.target)
        return Suggestion(**{**vars(suggestion), "path": path, "linker": path[1]})
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
    model: Model = DEFAULT,
    rejected: frozenset[tuple[str, str]] = frozenset(),
    progress: Callable[[int], object] = lambda done: None,
) -> dict[str, list[Suggestion]]:
    """Suggestions for many stakeholders at once, spreading the load over partners.

    All pairs are ranked together, best first; a pair is kept while its source has fewer than
    ``top`` and its target has been suggested fewer than ``per_partner`` times (raised to a
    wijkpartner's free capacity when that is larger).
    """
    # Every source's ranking, merged best first (by total, then source, then target): a source's
    # next candidate is scored only once its last one was taken or passed over.
    rankings: dict[str, Ranking] = {}
    heads: list[tuple[float, str, str, Scored]] = []
    index = context.adjacency.index
    full = np.zeros(len(index), dtype=bool)  # partners suggested as often as they may be: no ranking walks them
    for source in sources:
        if source in index:
            # deep enough that the cap per partner can spread: a learned model may put the same
            # well-connected partners nearby at the top of every list of a district
            found = candidate_positions(context, source, rejected)
            if len(found):
                rankings[source] = Ranking(context, source, found, model, keep=top * LIST_DEPTH, skip=full)
                _advance(rankings[source], heads)
        progress(1)
    given: Counter[str] = Counter()
    limits: dict[str, int] = {}
    per_source: dict[str, list[Scored]] = {}
    while heads:
        *_, scored = heapq.heappop(heads)
        chosen = per_source.setdefault(scored.source, [])
        limit = limits.get(scored.target)
        if limit is None:
            limit = limits[scored.target] = max(per_partner, free_slots(context.view, context.node(scored.target)))
        if given[scored.target] < limit:
            chosen.append(scored)
            given[scored.target] += 1
            full[index[scored.target]] = given[scored.target] >= limit
        if len(chosen) < top:
            _advance(rankings[scored.source], heads)
    return {source: [suggestion(context, s, model) for s in found] for source, found in per_source.items()}


def _advance(ranking: Ranking, heads: list[tuple[float, str, str, Scored]]) -> None:
    scored = next(ranking, None)
    if scored is not None:
        heapq.heappush(heads, (-scored.total, scored.source, scored.target, scored))


# -- reasons ----------------------------------------------------------------------------------
def _reason(
    name: str,
    value: float,
    me: Node,
    other: Node,
    contacts: Sequence[str],
    strong: int,
    context: Scoring,
    fit: AreaFit,
) -> Reason:
    if name == "common_neighbours":
        return (
            Reason.of("CONTACTS_SHARED", n=len(contacts), nodes=contacts[:2])
            if contacts
            else Reason.of("CONTACTS_NONE")
        )
    if name in ("adamic_adar", "resource_allocation"):
        return (
            Reason.of("CONTACTS_FEW_TIES", n=len(contacts), nodes=contacts[:2])
            if contacts
            else Reason.of("CONTACTS_NONE")
        )
    if name == "jaccard":
        a = context.adjacency
        union = int(a.degree[a.index[me.id]] + a.degree[a.index[other.id]]) - len(contacts)
        return Reason.of("CONTACTS_OVERLAP", n=len(contacts), total=union) if contacts else Reason.of("CONTACTS_NONE")
    if name == "preferential_attachment":
        a = context.adjacency
        return Reason.of("BOTH_CONNECTED", n=int(a.degree[a.index[me.id]]), total=int(a.degree[a.index[other.id]]))
    if name == "kinds":
        return Reason.of("KINDS_OFTEN_TIED" if value >= 0.5 else "KINDS_SELDOM_TIED")
    if name == "popular_nearby":
        a = context.adjacency
        return Reason.of("POPULAR_NEARBY", n=int(a.degree[a.index[other.id]]))
    if name == "strength":
        return Reason.of("STRONG_CONTACTS", n=strong) if strong else Reason.of("STRONG_CONTACTS_NONE")
    if name == "pagerank":
        return Reason.of("WALK_OFTEN" if value > 0.5 else "WALK_SELDOM")
    if name == "themes":
        shared = sorted(set(me.themes) & set(other.themes))
        return Reason.of("THEMES_BOTH", themes=shared) if shared else Reason.of("THEMES_NO_OVERLAP")
    if name == "area":
        return area_reason(fit)
    if name == "needs":
        return Reason.of("NEEDS_OFFERED" if value > NO_NEEDS else "NEEDS_NOT_OFFERED")
    if name == "meetings":
        return Reason.of("MET_AT_MEETING" if value > 0 else "NO_SHARED_MEETING")
    if name == "recency":
        return Reason.of("TIES_CURRENT" if value >= 1 else "TIES_OLD")
    return load_reason(context.view, other)  # capacity


def _sentence(
    me: Node, other: Node, parts: Sequence[Part], contacts: Sequence[str], fit: AreaFit
) -> tuple[Reason, ...]:
    """The strongest evidence, e.g. 'both work on care in Taagdreef; 3 shared contacts, among them DOCK'."""
    by_name = {p.name: p for p in parts}
    phrases = []
    shared = sorted(set(me.themes) & set(other.themes))
    if shared:
        if fit.code == "SAME_AREA":
            phrases.append(Reason.of("BOTH_WORK_ON_IN", themes=shared[:2], area=fit.area))
        else:
            phrases.append(Reason.of("BOTH_WORK_ON", themes=shared[:2]))
    if contacts:
        phrases.append(Reason.of("CONTACTS_SHARED", n=len(contacts), nodes=contacts[:2]))
    if "needs" in by_name and by_name["needs"].value > NO_NEEDS:
        phrases.append(Reason.of("ONE_OFFERS_WHAT_OTHER_NEEDS"))
    if "meetings" in by_name and by_name["meetings"].value > 0:
        phrases.append(by_name["meetings"].reason)
    return tuple(phrases) or (Reason.of("CLOSE_IN_NETWORK"),)


def scoring_for(view: View) -> Scoring:
    """The scoring context of this view's graph version and viewer, built once and shared."""
    return view.remember("recommend", lambda: make_scoring(view))  # type: ignore[no-any-return]


def reviewed_pairs(view: View) -> frozenset[tuple[str, str]]:
    """Pairs a broker has judged already (accepted or rejected): they are not suggested again."""
    return frozenset((r.source, r.target) for r in view.reviews())
