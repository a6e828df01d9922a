"""The evidence that two stakeholders should meet, as numbers a ranker can weigh.

One row per (source, candidate) pair, one column per ``FEATURES`` entry, raw (counts, sums,
shares); ``ranker.Model`` squashes them to 0..1 and weighs them. Computed over a ``Snapshot``:
the graph as one view shows it now (``Scoring``, made once per view), or as it stood on a
cut-off day (``History``, for learning from the graph's own past). Both answer the same
questions, so a model learned on the past scores the present alike.

* network (``linkpred``, one sparse row operation for all candidates at once): common
  neighbours, Adamic-Adar, resource allocation, Jaccard, preferential attachment, personalized
  PageRank, and the meetings both attended;
* content (``evidence``, as partner matching has it, vectorised over node profiles): theme fit,
  area fit through the CBS area tree, needs met by offers, and a partner's free capacity
  (``load``);
* over the shared contacts, and so only for the best candidates (``WALKED``): tie strength
  (resource allocation weighted by the strength of both ties through each shared contact, as
  Lü & Zhou 2010 weigh it) and recency (how current the warmest path through one is); read from
  how warm every tie is (``Snapshot.ties``, arrays beside the adjacency's entries, made once per
  snapshot by the one tie rule, ``warmth``), for all of a source's best candidates at once;
* ``kinds``: how much likelier than average a tie between the two kinds is in this graph (an
  initiative and a wijkpartner, say);
* ``popular_nearby``: area fit times the candidate's number of ties (a well-connected partner
  nearby; preferential attachment within the area).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from ..domain import Area, Node, NodeKind
from ..domain.areas import district
from ..domain.kinds import RelationKind
from ..domain.timeline import each, holds, recency
from ..engine import View
from ..engine.view import TIE_DIGITS, UNKNOWN_STRENGTH, rounded
from .evidence import NO_NEEDS, mutual_area_fit
from .linkpred import PPR_STEPS, PPR_STEPS_SMALL, Adjacency
from .load import RUNNING, UNKNOWN_CAPACITY, WORK_WITH, free_capacity

FEATURES = (
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "preferential_attachment",
    "pagerank",
    "kinds",
    "strength",
    "meetings",
    "themes",
    "area",
    "popular_nearby",
    "needs",
    "recency",
    "capacity",
)
COLUMN = {name: k for k, name in enumerate(FEATURES)}
BASELINES = ("common_neighbours", "adamic_adar", "resource_allocation", "jaccard", "preferential_attachment")
WALKED = ("strength", "recency")  # walked over the shared contacts: only for the best candidates
STRONG = 0.6  # a tie at least this strong counts as strong in an explanation


def _mask(keys: Iterable[str], bits: dict[str, int]) -> int:
    found = 0
    for key in keys:
        found |= 1 << bits.setdefault(key, len(bits) % 63)  # more than 63 keys share bits: a fit, not a proof
    return found


class Profiles:
    """What the content features need of every node, as arrays in the adjacency's order."""

    def __init__(self, nodes: Sequence[Node], areas: Mapping[str, Area]):
        themes: dict[str, int] = {}
        needs: dict[str, int] = {}
        self.areas = areas
        self.kind = [node.kind for node in nodes]
        kinds = sorted({k.value for k in self.kind})
        self.kind_code = np.array([kinds.index(k.value) for k in self.kind], dtype=np.int64)
        self._lift: np.ndarray | None = None
        self.meeting = np.array([k is NodeKind.MEETING for k in self.kind], dtype=np.float64)
        self.themes = np.array([_mask(n.themes, themes) for n in nodes], dtype=np.uint64)
        self.theme_count = np.bitwise_count(self.themes).astype(np.float64)
        self.needs = np.array([_mask(n.needs, needs) for n in nodes], dtype=np.uint64)
        self.offers = np.array([_mask(n.offers, needs) for n in nodes], dtype=np.uint64)
        self.need_count = np.bitwise_count(self.needs).astype(np.float64)
        signatures: dict[tuple[str, ...], int] = {}
        self.signature = np.array(
            [signatures.setdefault(tuple(sorted(n.areas)), len(signatures)) for n in nodes], dtype=np.int64
        )
        self.signatures = list(signatures)
        self._fits: dict[int, np.ndarray] = {}  # per signature: its area fit with every signature
        # free capacity: the unknown half for a partner that declares none, NaN until asked for one that does
        self.capacity = np.array(
            [UNKNOWN_CAPACITY if n.capacity is None else math.nan for n in nodes], dtype=np.float64
        )

    def kind_lift(self, adjacency: Adjacency) -> np.ndarray:
        """How much likelier than average a tie between each two kinds is in this graph (1: as likely)."""
        if self._lift is None:
            size = int(self.kind_code.max(initial=0)) + 1
            counts = np.bincount(self.kind_code, minlength=size).astype(np.float64)
            m = adjacency.matrix.tocoo()
            ties = np.zeros((size, size))
            np.add.at(ties, (self.kind_code[m.row], self.kind_code[m.col]), 1.0)
            pairs = np.outer(counts, counts) - np.diag(counts)  # ordered pairs of two different nodes
            density = np.divide(ties, pairs, out=np.zeros_like(ties), where=pairs > 0)
            overall = ties.sum() / max(pairs.sum(), 1.0)
            self._lift = density / overall if overall > 0 else np.ones_like(density)
        return self._lift

    def area_fit(self, i: int, columns: np.ndarray) -> np.ndarray:
        mine = int(self.signature[i])
        fits = self._fits.get(mine)
        if fits is None:
            me = self.signatures[mine]
            fits = self._fits[mine] = np.array(
                [mutual_area_fit(self.areas, me, theirs).value for theirs in self.signatures], dtype=np.float64
            )
        return fits[self.signature[columns]]


class Snapshot:
    """The graph a ranker scores on: ties as a sparse matrix, node profiles, and how warm each tie is."""

    adjacency: Adjacency
    profiles: Profiles
    local: dict[tuple[str, str], np.ndarray]
    _ties: Ties | None = None

    def node(self, node_id: str) -> Node:
        raise NotImplementedError

    @property
    def ties(self) -> Ties:
        """How warm every tie is, beside the adjacency's entries: made once, when first asked for."""
        found = self._ties
        if found is None:  # two threads may both make it: the same arrays, the last one kept
            found = self._ties = self._warmth()
        return found

    def _warmth(self) -> Ties:
        raise NotImplementedError

    def tie(self, u: str, v: str) -> tuple[float, float]:
        """(strength, recency) of the tie between adjacent ``u`` and ``v``."""
        a = self.adjacency
        entry = a.entry(a.index[u], a.index[v])
        return float(self.ties.strength[entry]), float(self.ties.recency[entry])

    def _capacity(self, node: Node) -> float:
        raise NotImplementedError

    def capacity(self, columns: np.ndarray) -> np.ndarray:
        values = self.profiles.capacity
        for j in columns[np.isnan(values[columns])].tolist():
            values[j] = self._capacity(self.node(self.adjacency.nodes[j]))
        return values[columns]


@dataclass(frozen=True, slots=True)
class Ties:
    """How warm each tie of an adjacency is, one value per entry of its matrix (both directions, in
    the order of ``matrix.data``): the tie's strength and its recency (``warmth``)."""

    strength: np.ndarray
    recency: np.ndarray


def warmth(
    adjacency: Adjacency, u: np.ndarray, v: np.ndarray, strength: np.ndarray, recent: np.ndarray, digits: int | None
) -> Ties:
    """The tie rule, for every tie of ``adjacency`` at once: of the relations joining two nodes (their
    ends ``u`` and ``v`` as positions, each with its ``strength`` and recency, ``recent``, in the order given),
    the tie has the strongest one's strength and the warmest one's recency (warmth: strength times
    recency; of equally warm ones, the first). A tie without a relation given: strength unknown,
    recency 1. With ``digits``, both rounded as ``round`` rounds them (as ``View.tie`` shows a tie).
    """
    n = len(adjacency.nodes)
    key = np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v)
    order = np.lexsort((-(strength * recent), key))  # per tie, the warmest first (a stable sort: then the first)
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    tied, warmest = key[starts], recent[order][starts]
    strongest = np.maximum.reduceat(strength[order], starts) if len(key) else np.zeros(0)
    if digits is not None:
        strongest, warmest = rounded(strongest, digits), rounded(warmest, digits)
    m = adjacency.matrix
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(m.indptr))
    wanted = np.minimum(rows, m.indices) * n + np.maximum(rows, m.indices)
    if not len(tied):
        return Ties(np.full(len(wanted), UNKNOWN_STRENGTH), np.ones(len(wanted)))
    at = np.minimum(np.searchsorted(tied, wanted), len(tied) - 1)
    found = tied[at] == wanted
    return Ties(np.where(found, strongest[at], UNKNOWN_STRENGTH), np.where(found, warmest[at], 1.0))


def local_index(nodes: Sequence[Node], areas: Mapping[str, Area]) -> dict[tuple[str, str], np.ndarray]:
    """Stakeholders by (wijk, theme), as positions in ``nodes`` (the adjacency's order), for finding
    those who share a theme nearby without a scan."""
    index: dict[tuple[str, str], list[int]] = {}
    for j, node in enumerate(nodes):
        for wijk in districts(areas, node):
            for theme in node.themes:
                index.setdefault((wijk, theme), []).append(j)
    return {key: np.array(found, dtype=np.int64) for key, found in index.items()}


def districts(areas: Mapping[str, Area], node: Node) -> set[str]:
    """The wijken a stakeholder names or lies in (the code itself above wijk level)."""
    return {district(code, areas) or code for code in node.areas}


@dataclass
class Scoring(Snapshot):
    """The graph as one view shows it: what scoring needs, made once per graph version and viewer."""

    view: View
    adjacency: Adjacency
    profiles: Profiles
    local: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (wijk, theme) -> positions
    memo: dict[object, Any] = field(default_factory=dict)  # what callers derive from it once (who may be suggested)
    _ties: Ties | None = None
    _nodes: Sequence[Node] = ()  # the view's nodes in the adjacency's order

    @property
    def graph(self) -> nx.Graph:
        return self.view.graph

    def node(self, node_id: str) -> Node:
        at = self.adjacency.index.get(node_id)
        return self.view.node(node_id) if at is None else self._nodes[at]  # type: ignore[return-value]

    def _capacity(self, node: Node) -> float:
        return free_capacity(self.view, node)


def make_scoring(view: View) -> Scoring:
    """Everything scoring needs for one view: its ties as a sparse matrix and how warm each is (as
    ``View.tie`` has it, from one scan of the relations it shows), and who works where."""
    order = sorted(view.nodes)  # the same order in every process: ties break alike
    shown = view.relation_arrays({node: i for i, node in enumerate(order)})
    between = shown.source != shown.target
    u, v, strength, since, until = (column[between] for column in shown)
    strength[np.isnan(strength)] = UNKNOWN_STRENGTH
    adjacency = Adjacency.of_positions(order, u, v)
    nodes: list[Node] = [view.node(n) for n in adjacency.nodes]  # type: ignore[misc]
    ties = warmth(adjacency, u, v, strength, each(recency, since, until, view.day), TIE_DIGITS)
    return Scoring(
        view, adjacency, Profiles(nodes, view.areas), local_index(nodes, view.areas), _ties=ties, _nodes=nodes
    )


@dataclass(frozen=True, slots=True)
class Fact:
    """One relation as history sees it: its ends, kind, strength (None: unknown) and dates (ordinals; 0: open)."""

    source: str
    target: str
    kind: RelationKind
    strength: float | None
    since: int
    until: int


class History(Snapshot):
    """The graph as it stood on ``day``: the ties that held then among the stakeholders there then;
    with ``ever``, every tie and stakeholder given, ended or not (as a view on no particular day
    shows them), recency still measured on ``day``."""

    def __init__(
        self,
        nodes: Mapping[str, Node],
        areas: Mapping[str, Area],
        facts: Sequence[Fact],
        day: int,
        ever: bool = False,
    ):
        self.day = day
        present = {
            n: node
            for n, node in nodes.items()
            if ever
            or node.kind is not NodeKind.INITIATIVE
            or holds(node.started.toordinal() if node.started else 0, node.ended.toordinal() if node.ended else 0, day)
        }
        self._nodes = present
        held: dict[tuple[str, str], list[Fact]] = {}
        for fact in facts:
            if fact.source in present and fact.target in present and (ever or holds(fact.since, fact.until, day)):
                key = (fact.source, fact.target) if fact.source < fact.target else (fact.target, fact.source)
                held.setdefault(key, []).append(fact)
        self._held = held
        self.adjacency = Adjacency.of_ties(present, held)
        ordered = [present[n] for n in self.adjacency.nodes]
        self.profiles = Profiles(ordered, areas)
        self.local = local_index(ordered, areas)

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def tied(self, u: str, v: str) -> bool:
        return ((u, v) if u < v else (v, u)) in self._held

    def _warmth(self) -> Ties:
        index = self.adjacency.index
        facts = [f for held in self._held.values() for f in held]
        u = np.fromiter((index[f.source] for f in facts), dtype=np.int64, count=len(facts))
        v = np.fromiter((index[f.target] for f in facts), dtype=np.int64, count=len(facts))
        strength = np.fromiter(
            (UNKNOWN_STRENGTH if f.strength is None else f.strength for f in facts), dtype=np.float64, count=len(facts)
        )
        since = np.fromiter((f.since for f in facts), dtype=np.int64, count=len(facts))
        until = np.fromiter((f.until for f in facts), dtype=np.int64, count=len(facts))
        return warmth(self.adjacency, u, v, strength, each(recency, since, until, self.day), None)

    def _capacity(self, node: Node) -> float:
        if not node.capacity:
            return 0.0 if node.capacity == 0 else UNKNOWN_CAPACITY
        running = 0
        for j in self.adjacency.neighbours(node.id).tolist():
            other = self._nodes[self.adjacency.nodes[j]]
            if other.kind is NodeKind.INITIATIVE and other.status in RUNNING:
                key = (node.id, other.id) if node.id < other.id else (other.id, node.id)
                running += any(f.kind in WORK_WITH for f in self._held.get(key, []))
        return max(0.0, 1.0 - running / node.capacity)


_EVERY = frozenset(FEATURES)
_THROUGH_CONTACTS = [COLUMN[name] for name in ("common_neighbours", "adamic_adar", "resource_allocation", "meetings")]


def cheap(snapshot: Snapshot, source: str, columns: np.ndarray, wanted: frozenset[str] | None = None) -> np.ndarray:
    """The features of ``source`` with each candidate (positions in the adjacency), raw; the
    ``WALKED`` columns are left 0 (``walk`` fills them), and so are the content features, PageRank
    and capacity when not ``wanted`` (None: all; the counts over shared contacts and preferential
    attachment are always there: what is walked depends on them)."""
    a, p = snapshot.adjacency, snapshot.profiles
    wanted = _EVERY if wanted is None else wanted
    i = a.index[source]
    rows = np.zeros((len(columns), len(FEATURES)))
    if not len(columns):
        return rows
    first = a.neighbours(source)
    if len(first):
        ranked = "pagerank" in wanted
        weights = [np.ones(len(first)), a.inverse_log_degree[first], a.inverse_degree[first], p.meeting[first]]
        if ranked:  # and where a walk from the source stands after two steps
            weights.append(a.second_step(i))
        summed = a.reach(i) @ np.column_stack(weights)  # one product for all: each column summed as alone
        rows[:, _THROUGH_CONTACTS] = summed[columns, :4]
        if ranked:
            steps = PPR_STEPS_SMALL if len(a.nodes) <= SMALL_GRAPH else PPR_STEPS  # as ``pool`` ranks them
            rows[:, COLUMN["pagerank"]] = a.pagerank_at(i, columns, steps, second=summed[:, 4])
    if "jaccard" in wanted:
        common = rows[:, COLUMN["common_neighbours"]]
        union = a.degree[i] + a.degree[columns] - common
        rows[:, COLUMN["jaccard"]] = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    rows[:, COLUMN["preferential_attachment"]] = a.degree[i] * a.degree[columns]
    if "kinds" in wanted:
        rows[:, COLUMN["kinds"]] = p.kind_lift(a)[p.kind_code[i], p.kind_code[columns]]
    if p.theme_count[i] and "themes" in wanted:
        rows[:, COLUMN["themes"]] = np.bitwise_count(p.themes[columns] & p.themes[i]) / p.theme_count[i]
    if "area" in wanted or "popular_nearby" in wanted:
        rows[:, COLUMN["area"]] = p.area_fit(i, columns)
        rows[:, COLUMN["popular_nearby"]] = rows[:, COLUMN["area"]] * a.degree[columns]
    if "needs" in wanted:
        rows[:, COLUMN["needs"]] = _needs(p, i, columns)
    if "capacity" in wanted:
        rows[:, COLUMN["capacity"]] = snapshot.capacity(columns)
    return rows


def _needs(p: Profiles, i: int, columns: np.ndarray) -> np.ndarray:
    """``evidence.needs_fit`` of the side that names needs against the other's offers."""
    if p.need_count[i]:
        return np.bitwise_count(p.needs[i] & p.offers[columns]) / p.need_count[i]
    theirs = p.need_count[columns]
    met = np.bitwise_count(p.needs[columns] & p.offers[i]).astype(np.float64)
    return np.where(theirs > 0, met / np.maximum(theirs, 1), NO_NEEDS)


@dataclass(frozen=True, slots=True)
class Walked:
    """What the shared contacts of one pair say: the ``WALKED`` features, and who they are."""

    strength: float  # sum over shared contacts of strength(source, c) * strength(c, target) / degree(c)
    recency: float  # the most, over shared contacts, of the lesser recency of the two ties through one
    contacts: tuple[str, ...]  # best connected first
    strong: int  # contacts with a strong tie to both


def walk(snapshot: Snapshot, source: str, target: str) -> Walked:
    """``walks`` for one pair."""
    return walks(snapshot, source, np.array([snapshot.adjacency.index[target]], dtype=np.int64))[0]


class Walks:
    """Tie strength and recency over the shared contacts of ``source`` and each of ``targets``
    (positions in the adjacency), as arrays in the targets' order, and who the contacts are.

    The shared contacts of all targets are found in one pass over their rows, and both ties through
    each are read from ``Snapshot.ties`` beside the rows' entries: no tie is looked up by name.
    """

    def __init__(self, snapshot: Snapshot, source: str, targets: np.ndarray):
        a, ties = snapshot.adjacency, snapshot.ties
        i = a.index[source]
        owner, entry = a.entries_of(targets)
        contact = a.matrix.indices[entry].astype(np.int64)
        shared = a.among(contact, a.neighbours_at(i))
        owner, entry, contact = owner[shared], entry[shared], contact[shared]
        start = a.matrix.indptr[i]  # the source's own entries, in the order of its contacts
        at = start + np.searchsorted(a.matrix.indices[start : a.matrix.indptr[i + 1]], contact)
        # per target, the best connected contacts first (then by position): one sort of one key
        fewer = (a.most_ties - a.degree[contact]).astype(np.int64)
        order = np.argsort((owner * (a.most_ties + 1) + fewer) * len(a.nodes) + contact)
        owner, entry, contact, at = owner[order], entry[order], contact[order], at[order]
        first, second = ties.strength[at], ties.strength[entry]
        # summed in that order, contact by contact, as a walk over them adds up
        self.strength = np.bincount(owner, weights=first * second * a.inverse_degree[contact], minlength=len(targets))
        self.strong = np.bincount(owner, weights=np.minimum(first, second) >= STRONG, minlength=len(targets))
        self.recency = np.zeros(len(targets))
        np.maximum.at(self.recency, owner, np.minimum(ties.recency[at], ties.recency[entry]))
        self.bounds = np.searchsorted(owner, np.arange(len(targets) + 1))  # each target's contacts
        self._contact, self._nodes = contact, a.nodes

    def __len__(self) -> int:
        return len(self.strength)

    def contacts(self, t: int) -> tuple[str, ...]:
        """The shared contacts with the ``t``-th target, best connected first."""
        nodes = self._nodes
        return tuple(nodes[j] for j in self._contact[self.bounds[t] : self.bounds[t + 1]].tolist())

    def __getitem__(self, t: int) -> Walked:
        return Walked(float(self.strength[t]), float(self.recency[t]), self.contacts(t), int(self.strong[t]))


def walks(snapshot: Snapshot, source: str, targets: np.ndarray) -> Walks:
    """``Walks`` of ``source`` with each of ``targets`` (positions in the adjacency)."""
    return Walks(snapshot, source, targets)


SMALL_GRAPH = 2_000  # on a graph this small, link prediction ranks every node (``pool(everyone=True)``)


def pool(
    snapshot: Snapshot,
    source: str,
    allowed: np.ndarray | None = None,
    everyone: bool = False,
    excluded: Iterable[str] = (),
) -> np.ndarray:
    """The candidates of ``source``, as sorted positions in the adjacency: two steps away, or sharing
    a theme in the same wijk; not itself, not tied to it, not ``excluded``, and ``allowed`` (a mask
    over positions; None: any). With ``everyone``, on a graph of at most ``SMALL_GRAPH`` nodes: every
    node not tied to it (as link prediction studies rank them)."""
    a = snapshot.adjacency
    i = a.index[source]
    if everyone and len(a.nodes) <= SMALL_GRAPH:
        found = np.ones(len(a.nodes), dtype=bool)
    else:
        found = a.two_hop_mask(i)
        node = snapshot.node(source)
        for wijk in districts(snapshot.profiles.areas, node):
            for theme in node.themes:
                local = snapshot.local.get((wijk, theme))
                if local is not None:
                    found[local] = True
    found[i] = False
    found[a.neighbours(source)] = False
    if allowed is not None:
        found &= allowed
    found[[a.index[n] for n in excluded if n in a.index]] = False
    return np.flatnonzero(found)


def positions(snapshot: Snapshot, ids: Iterable[str]) -> np.ndarray:
    index = snapshot.adjacency.index
    return np.array([index[n] for n in ids], dtype=np.int64)


def today(snapshot: Snapshot) -> date:
    """The day recency is measured on (for a ``History``, its cut-off)."""
    if isinstance(snapshot, History):
        return date.fromordinal(snapshot.day)
    return date.fromordinal(snapshot.view.day)  # type: ignore[attr-defined]


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """The area under the precision-recall curve, stepwise at each distinct score (as scikit-learn's
    ``average_precision_score``, without its input checks: it is called once per source and method).

    >>> average_precision(np.array([0.9, 0.8, 0.7, 0.1]), np.array([True, False, True, False]))
    0.8333333333333333
    """
    positives = int(labels.sum())
    if not positives:
        return 0.0
    order = np.argsort(-scores, kind="mergesort")
    ordered, hits = scores[order], labels[order].astype(np.float64)
    last = np.r_[np.flatnonzero(np.diff(ordered)), len(ordered) - 1]  # the last position of each distinct score
    tp = np.cumsum(hits)[last]
    precision = tp / (last + 1)
    recall = tp / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
