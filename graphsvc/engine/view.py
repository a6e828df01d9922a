"""The caller's view: the one place that decides what a caller may see of the graph, and the only way to it.

A ``View`` is one viewer's view of one graph version, optionally as it stood on a day and over
some relation kinds. The engine makes one per (version, viewer, day, relation kinds) and shares
it between requests until a write supersedes the version (``Engine.view``). On making it, the view
decides once which nodes the viewer may see and which node pairs it hides all ties of, and keeps
the answers in sets; every read after that is a set lookup. Resolvers and algorithms read the
graph only through its methods: nothing outside ``engine/`` touches networkx or the projection.

What a viewer may not see is never in the graph a question is answered on (a path through a
hidden resident is never found, rather than found and removed), and a hidden node is answered
exactly like a missing one. Who is asking is a ``Viewer``: a role (public, broker, editor,
admin) and the municipalities its token covers.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import chain
from types import MappingProxyType
from typing import Any, NamedTuple, overload

import networkx as nx
import numpy as np
from rapidfuzz import fuzz, process, utils

from ..domain import Area, Node, NodeKind, NotFoundError, RelationKind, Review, Theme, Visibility
from ..domain.areas import within
from ..domain.kinds import RELATION_BY_CODE, RELATION_CODES, STAKEHOLDER_KINDS
from ..domain.records import fold, search_text
from ..domain.timeline import NO_DATE, holds, ordinal, recency
from .projection import Projection, name_order, places, shown

PLACES_PATCHED_MOST = 8  # writes whose moves a ``Places`` stacks before it is made into one dict again
SIMILAR_ENOUGH = 0.8  # how alike two names must be (0..1) for one record to look like a duplicate of the other
UNKNOWN_STRENGTH = 0.5  # the strength of a tie nobody rated: neither weak nor strong
TIE_DIGITS = 4  # a tie's strength and recency are shown rounded to this many digits
STRENGTH_DIGITS = 4  # and a relation's strength
# On an equal match, a search lists partners and organisations before initiatives and residents.
KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            NodeKind.WIJKPARTNER,
            NodeKind.ORGANISATION,
            NodeKind.MUNICIPALITY_ROLE,
            NodeKind.INITIATIVE,
            NodeKind.MEETING,
            NodeKind.RESIDENT,
        )
    )
}


def match_rank(words: list[str], name: str, text: str) -> int:
    """How well folded query ``words`` match a stakeholder, given its folded name and its folded name
    and tags (``search_text``): 0 the exact name, 1 a name that begins with them, 2 name words that
    begin with each of them (any order), 3 the same over name and tags, 4 anywhere in the name or tags.

    >>> node = Node("g", NodeKind.MUNICIPALITY_ROLE, "Gebiedswethouder gebied Borculo", tags=("wethouder",))
    >>> [match_rank(fold(q).split(), fold(node.name), search_text(node)) for q in ("gebiedswethouder gebied borculo",
    ...  "GEBIEDSWETHOUDER", "borculo gebiedswethouder", "wethouder", "ebied")]
    [0, 1, 2, 3, 4]
    """
    query = " ".join(words)
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    # " w" in " a b c": some word begins with w (query words hold no spaces)
    if all(" " + w in " " + " ".join(name.split()) for w in words):
        return 2
    spaced = " " + " ".join(text.split())
    return 3 if all(" " + w in spaced for w in words) else 4


class Ranked(Sequence[Node]):
    """What a search by text found, best match first (``match_rank``, then ``KIND_ORDER``, then name
    order), ranked only as far as it is read: a page of the first ten of 70,000 names that begin with
    the text needs those that begin with it, in kind order, not the rank of every one.

    ``words``: the folded query's; ``hits``: the places in ``index`` (the view's name order) found,
    ascending.
    """

    def __init__(self, words: list[str], hits: list[int], index: SearchIndex):
        self._words, self._hits, self._index = words, hits, index
        self._best: list[int] = []  # the best places, in order; all of them once ``_all``
        self._all = False

    def __len__(self) -> int:
        return len(self._hits)

    @overload
    def __getitem__(self, at: int) -> Node: ...
    @overload
    def __getitem__(self, at: slice) -> list[Node]: ...
    def __getitem__(self, at: int | slice) -> Node | list[Node]:
        if isinstance(at, slice):
            _, stop, step = at.indices(len(self))
            best = self._ranked(stop if step > 0 else len(self))
            return [self._index.nodes[i] for i in best[at]]
        return self._index.nodes[self._ranked(at + 1 if at >= 0 else len(self))[at]]

    def __iter__(self) -> Iterator[Node]:
        return iter(self[: len(self)])

    def _ranked(self, wanted: int) -> list[int]:
        if self._all or len(self._best) >= wanted:
            return self._best
        names, kinds, query = self._index.names, self._index.kinds, " ".join(self._words)
        begin = [i for i in self._hits if names[i].startswith(query)]  # ranks 0 and 1: every one before the rest
        if wanted <= len(begin):
            exact = [i for i in begin if names[i] == query]
            exact.sort(key=kinds.__getitem__)  # stable: then by name
            begin.sort(key=kinds.__getitem__)
            self._best = exact + [i for i in begin if names[i] != query] if exact else begin
            self._all = len(begin) == len(self._hits)
            return self._best
        texts, words = self._index.texts, self._words
        self._best = sorted(self._hits, key=lambda i: (match_rank(words, names[i], texts[i]), kinds[i]))
        self._all = True
        return self._best


class Places(Mapping[str, int]):
    """Where each node stands in a list in name order (``View._by_name``): one dict, made once, then,
    after each write, the earlier places moved past the few nodes taken out and put in, so that a
    write makes no dict of every stakeholder anew; after ``PLACES_PATCHED_MOST`` writes, one dict again.

    ``touched``: the nodes written since ``earlier``; ``put``: the places of those in ``nodes``.

    >>> a, b, c, d = (Node(key, NodeKind.ORGANISATION, key) for key in "abcd")
    >>> earlier = Places([a, b, d])
    >>> now = Places([a, c, d], earlier, touched={"b", "c"}, put={"c": 1})
    >>> dict(now), now["d"], "b" in now
    ({'a': 0, 'c': 1, 'd': 2}, 2, False)
    """

    _earlier: Places | dict[str, int]
    _moves: int  # writes since the dict was made

    def __init__(
        self,
        nodes: list[Node],
        earlier: Places | None = None,
        touched: set[str] | None = None,
        put: dict[str, int] | None = None,
    ):
        self._nodes = nodes
        if earlier is None or earlier._moves >= PLACES_PATCHED_MOST:
            self._earlier = {node.id: i for i, node in enumerate(nodes)}
            self._touched: set[str] = set()
            self._taken: list[int] = []
            self._put: dict[str, int] = {}
            self._put_places: list[int] = []
            self._moves = 0
            return
        self._earlier, self._touched, self._moves = earlier, touched or set(), earlier._moves + 1
        self._taken = sorted(earlier[n] for n in self._touched if n in earlier)
        self._put = put or {}
        self._put_places = sorted(self._put.values())

    def __getitem__(self, node_id: str) -> int:
        if node_id in self._put:
            return self._put[node_id]
        if node_id in self._touched:
            raise KeyError(node_id)
        place = self._earlier[node_id]
        place -= bisect.bisect_left(self._taken, place)
        for put in self._put_places:  # where the written nodes stand now, ascending
            if put > place:
                break
            place += 1
        return place

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._put or (node_id not in self._touched and node_id in self._earlier)

    def __iter__(self) -> Iterator[str]:
        return (node.id for node in self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


@dataclass(frozen=True)
class SearchIndex:
    """The view's stakeholders in name order (``View._by_name``), and per place what a search reads."""

    nodes: list[Node]
    rank: Places  # each node's place in ``nodes``
    names: list[str]  # folded name
    texts: list[str]  # folded name and tags (a resident known by name only: the name)
    kinds: list[int]  # KIND_ORDER

    def patched(
        self, nodes: list[Node], rank: Places, touched: set[str], entry: Callable[[Node], tuple[str, str, int]]
    ) -> SearchIndex:
        """This index for ``nodes`` (``rank``: each one's place), which differ from its own only at the
        ``touched`` nodes: those taken out, then put in at their new places in ascending order, where
        each lands where it belongs."""
        names, texts, kinds = self.names.copy(), self.texts.copy(), self.kinds.copy()
        for place in sorted((self.rank[n] for n in touched if n in self.rank), reverse=True):
            del names[place], texts[place], kinds[place]
        for place in sorted(rank[n] for n in touched if n in rank):
            name, text, kind = entry(nodes[place])
            names.insert(place, name)
            texts.insert(place, text)
            kinds.insert(place, kind)
        return SearchIndex(nodes, rank, names, texts, kinds)


def comparable(name: str) -> str:
    """A name as names are compared for likeness: folded, with punctuation as spaces.

    >>> comparable("Buurtteam Overvecht-Noord"), comparable("Oké Nu!")
    ('buurtteam overvecht noord', 'oke nu')
    """
    return utils.default_process(fold(name))


class Role(StrEnum):
    PUBLIC = "PUBLIC"
    BROKER = "BROKER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"


class Permission(StrEnum):
    """What a role may do besides reading what its view shows."""

    ASK = "ASK"  # connection questions, measures and suggestions
    WRITE = "WRITE"  # create, change, link, review, import new records
    ADMINISTER = "ADMINISTER"  # tokens, erasure, objections, the audit log, imports that replace records


PERMISSIONS = {
    Role.PUBLIC: frozenset(),
    Role.BROKER: frozenset({Permission.ASK}),
    Role.EDITOR: frozenset({Permission.ASK, Permission.WRITE}),
    Role.ADMIN: frozenset(Permission),
}
# Residents each role sees in the network (with their ties), and those it knows only by name.
SEES_RESIDENTS = {
    Role.PUBLIC: frozenset(),
    Role.BROKER: frozenset({Visibility.PUBLIC, Visibility.BROKERS}),
    Role.EDITOR: frozenset(Visibility),
    Role.ADMIN: frozenset(Visibility),
}
NAMES_RESIDENTS = {Role.PUBLIC: frozenset({Visibility.PUBLIC})}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a role, and the municipalities (CBS GM codes) its token covers (None: all)."""

    role: Role = Role.BROKER
    municipalities: frozenset[str] | None = None
    # How the audit log names it: a token's display prefix, or the command line. Not compared: what a
    # viewer sees is decided by role and municipalities, so every token of one role and scope shares
    # one view per graph version (and one set of cached measures), not one per token.
    label: str = field(default="", compare=False)

    def may(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]

    def in_scope(self, areas: Iterable[str]) -> bool:
        """Whether something naming ``areas`` lies in the viewer's municipalities."""
        scope = self.municipalities
        return scope is None or any(within(code, gm) for code in areas for gm in scope)

    def may_see(self, node: Node) -> bool:
        """Whether the node is in the viewer's network: in scope and, for a resident, visible to its role."""
        if node.kind is NodeKind.RESIDENT and (node.objected or node.visibility not in SEES_RESIDENTS[self.role]):
            return False
        return self.in_scope(node.areas)

    def knows_name_of(self, node: Node) -> bool:
        """Whether the viewer may see the node's display name although it is not in its network."""
        return (
            node.kind is NodeKind.RESIDENT
            and not node.objected
            and node.visibility in NAMES_RESIDENTS.get(self.role, frozenset())
            and self.in_scope(node.areas)
        )

    @property
    def sees_contact_details(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)


BROKER = Viewer(Role.BROKER)
PUBLIC = Viewer(Role.PUBLIC)


def _day(day: int) -> date | None:
    return None if day == NO_DATE else date.fromordinal(day)


PATCHED_MOST = 1_000  # nodes written since an earlier view up to which its answers are patched, not made anew


class Basis(NamedTuple):
    """What a view of a later version starts from instead of the whole graph: an earlier view's
    network, residents known by name and answers that read the nodes only (``Memo.remember`` without
    ties), and the nodes written since (``touched``)."""

    members: dict[str, None]  # the earlier view's network (``View._members``)
    outside: dict[str, None]  # and the projection's other nodes (``View._outside``)
    named: dict[str, Node]
    touched: set[str]
    untied: Mapping[Hashable, Untied] = MappingProxyType({})  # answers that read the nodes only (``Memo``)


class RelationFacts(NamedTuple):
    """What the projection knows of one relation (role, note and provenance are in the store)."""

    id: int
    kind: RelationKind
    source: str
    target: str
    strength: float | None  # None when unknown
    since: date | None
    until: date | None
    confirmed: date | None  # the day it was last confirmed true (None: never)


def rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(value, digits)`` of each value (Python's, exact; asked once per distinct value)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.array([round(x, digits) for x in distinct.tolist()], dtype=np.float64)[inverse]


class RelationArrays(NamedTuple):
    """Relations a view shows as columns (``View.relation_arrays``), one entry per relation."""

    source: np.ndarray  # the ends, as places in the numbering asked for
    target: np.ndarray
    strength: np.ndarray  # as ``relation`` shows it (NaN: unknown)
    since: np.ndarray  # ordinals (``timeline.NO_DATE``: none)
    until: np.ndarray


@dataclass(frozen=True, slots=True)
class Tie:
    """What joins two adjacent nodes in a view: the visible relations and how warm they are."""

    relation_ids: tuple[int, ...]
    strength: float  # the strongest visible relation's strength (unknown: 0.5)
    recency: float  # the recency of the warmest relation, 0..1 (``timeline.recency``)

    @property
    def warmth(self) -> float:
        return self.strength * self.recency


class Memo:
    """Answers derived once from an immutable graph and kept with it (a view, a frozen view)."""

    def __init__(self, earlier: Mapping[Hashable, Untied] | None = None, touched: set[str] | None = None) -> None:
        self.memo: dict[Hashable, Any] = {}
        self.untied: set[Hashable] = set()  # keys of answers that read the nodes only, not the ties
        self._earlier = earlier or {}  # earlier versions' such answers, and the nodes written since
        self._touched = touched or set()
        self._memo_lock = threading.RLock()

    def handed_on(self) -> dict[Hashable, Untied]:
        """The answers that read the nodes only, for the next version's view: those made here, and
        the earlier ones this graph did not need (with the nodes written since they were made)."""
        handed = {key: Untied(self.memo[key], frozenset()) for key in self.untied}
        for key, earlier in self._earlier.items():
            touched = earlier.touched | self._touched
            if key not in handed and len(touched) <= PATCHED_MOST:
                handed[key] = Untied(earlier.answer, frozenset(touched))
        return handed

    def remember(
        self,
        key: Hashable,
        make: Callable[[], Any],
        ties: bool = True,
        patch: Callable[[Any, set[str]], Any] | None = None,
    ) -> Any:
        """``make()``, computed once and kept with this graph: freed with it when a write supersedes it.

        Without ``ties`` (the answer reads the nodes only), a later version's view starts from it
        (``Basis.untied``): as it is when only ties were written since, ``patch(earlier, touched)``
        when a few nodes were (up to ``PATCHED_MOST``), ``make()`` otherwise."""
        found = self.memo.get(key)
        if found is None:
            with self._memo_lock:
                found = self.memo.get(key)
                if found is None:
                    found = self.memo[key] = self._made(key, make, patch)
                    if not ties:
                        self.untied.add(key)
        return found

    def _made(self, key: Hashable, make: Callable[[], Any], patch: Callable[[Any, set[str]], Any] | None) -> Any:
        earlier = self._earlier.get(key)
        if earlier is None:
            return make()
        touched = self._touched | earlier.touched
        if not touched:
            return earlier.answer
        if patch is not None and len(touched) <= PATCHED_MOST:
            return patch(earlier.answer, touched)
        return make()


class Untied(NamedTuple):
    """An answer that reads the nodes only, handed to a later version's view, and the nodes written
    between its version and the version of the view that hands it on (besides ``Basis.touched``)."""

    answer: Any
    touched: frozenset[str]


class View(Memo):
    """What one viewer may see of one graph version, on ``active_on`` (None: any day) and over
    ``relation_kinds`` (None: all). Made by ``Engine.view``; read through its methods.

    The network (``nodes``, ``neighbours``, ``graph``, ...) holds the stakeholders and meetings:
    areas are answered by ``node`` and ``areas`` but are not in it (every resident of a buurt two
    hops apart would make every path meaningless).
    """

    def __init__(
        self,
        projection: Projection,
        viewer: Viewer = BROKER,
        active_on: date | None = None,
        relation_kinds: frozenset[RelationKind] | None = None,
        basis: Basis | None = None,
    ):
        self._p = projection
        self.viewer = viewer
        self.active_on = active_on
        self.relation_kinds = relation_kinds
        self.version = projection.version
        self.day = (active_on or date.today()).toordinal()  # the day recency is measured on
        self._on = active_on.toordinal() if active_on else None  # the day visibility is decided on
        self._codes = frozenset(RELATION_CODES[k] for k in relation_kinds) if relation_kinds else None
        super().__init__(basis.untied if basis else None, set(basis.touched) if basis else None)
        if basis is None:
            self._members = dict.fromkeys(self._network_of(projection.graph._node))
            self._outside = dict.fromkeys(projection.graph._node.keys() - self._members.keys())
            # residents the viewer knows by display name only: never in the network, never with their ties
            self._named: dict[str, Node] = self._known_by_name(projection.graph._node)
        else:  # the same rule, asked again only of the nodes written since the basis was taken
            touched = basis.touched
            table = projection.graph._node
            self._members, self._outside = basis.members.copy(), basis.outside.copy()  # copied tables, not walks
            self._named = basis.named.copy()
            for n in touched:
                for held in (self._members, self._outside, self._named):
                    held.pop(n, None)
            self._members.update(dict.fromkeys(self._network_of(touched)))
            self._outside.update(dict.fromkeys(n for n in touched if n in table and n not in self._members))
            self._named.update(self._known_by_name(touched))
        # The network, and the projection's nodes outside it (areas, hidden ones: for ``reach``), as
        # the keys of dicts of strings, which the garbage collector does not track: a frozenset of a
        # city's ids would be walked by every full collection (milliseconds each).
        self.nodes: KeysView[str] = self._members.keys()
        self._areas = (
            projection.areas
            if viewer.municipalities is None
            else {code: area for code, area in projection.areas.items() if viewer.in_scope([code])}
        )
        self._hidden = self._hidden_pairs()
        self._graph: nx.Graph | None = None

    @property
    def key(self) -> Hashable:
        """What decides this view's contents besides the graph: viewer, day and relation kinds."""
        return (self.viewer, self.active_on, self._codes)

    @property
    def basis(self) -> Basis:
        """What the view of the next graph version (same viewer, day and kinds) can start from."""
        return Basis(self._members, self._outside, self._named, set(), self.handed_on())

    # -- the rule ------------------------------------------------------------------------------
    def _network_of(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` in the view's network: the stakeholders and meetings it may see."""
        table = self._p.graph._node
        return {
            n
            for n in ids
            if (attrs := table.get(n)) is not None and attrs["kind"] is not NodeKind.AREA and self._sees(attrs["obj"])
        }

    def _known_by_name(self, ids: Iterable[str]) -> dict[str, Node]:
        """Those of ``ids`` that are residents the viewer knows by display name only, as it knows them."""
        if self.viewer.role not in NAMES_RESIDENTS:
            return {}
        table = self._p.graph._node
        return {
            n: Node(n, NodeKind.RESIDENT, attrs["obj"].name, visibility=attrs["obj"].visibility)
            for n in ids
            if (attrs := table.get(n)) is not None
            and attrs["kind"] is NodeKind.RESIDENT
            and self.viewer.knows_name_of(attrs["obj"])
        }

    def _sees(self, obj: Node | Area) -> bool:
        """Whether the viewer may see this node (areas in its scope; meetings and stakeholders by ``Viewer``)."""
        if isinstance(obj, Area):
            return self.viewer.in_scope([obj.code])
        if not self.viewer.may_see(obj):
            return False
        if self._on is not None and obj.kind is NodeKind.INITIATIVE:
            return holds(ordinal(obj.started), ordinal(obj.ended), self._on)
        return True

    def _shows(self, rel_id: int) -> bool:
        """Whether the relation passes the view's kinds and day (its ends are decided by ``_sees``)."""
        p = self._p
        if self._codes is not None and p.kind[rel_id] not in self._codes:
            return False
        return self._on is None or holds(p.since[rel_id], p.until[rel_id], self._on)

    def _hidden_pairs(self) -> frozenset[tuple[str, str]]:
        """Adjacent node pairs all of whose relations the view hides (only with a day or relation kinds)."""
        if self._on is None and self._codes is None:
            return frozenset()
        p = self._p
        pairs: list[tuple[str, str]] = []
        for rel_id in p.relation_ids():
            if self._shows(rel_id):
                continue
            u, v = p.ends(rel_id)
            if not any(self._shows(r) for r in p.edge_relations(u, v)):
                pairs += ((u, v), (v, u))
        return frozenset(pairs)

    # -- nodes ---------------------------------------------------------------------------------
    def node(self, node_id: str) -> Node | Area | None:
        """The node or area, or None when it does not exist or the viewer may not see it (a resident
        the viewer knows by name only comes with nothing but the name)."""
        attrs = self._p.graph._node.get(node_id)
        if attrs is None:
            return None
        obj: Node | Area = attrs["obj"]
        if node_id in self.nodes:  # the view's network: the nodes it sees
            return obj
        if isinstance(obj, Area):
            return obj if self._sees(obj) else None
        named = self._named.get(node_id)
        return named if named is not None and self.viewer.knows_name_of(obj) else None

    def residents_named(self, strings: Iterable[str]) -> set[str]:
        """The residents this view shows (in its network, or by name only) that ``strings`` name, by
        key or by name: what the audit log records of an answer. Looked up in the projection's index
        of residents' names, kept up to date by every write (no index made per version)."""
        names, nodes = self._p.resident_names, self._p.graph._node
        named = set(strings)
        for text in names.keys() & named:
            named.update(names[text])
        found = self._named.keys() & named
        found.update(n for n in (self.nodes & named) if nodes[n]["kind"] is NodeKind.RESIDENT)
        return found

    def _tied(self, node_id: str) -> bool:
        """Whether the view shows the node's ties: a node of its network or an area in scope (a
        resident known by name only comes without ties)."""
        return node_id in self.nodes or node_id in self._areas

    def stakeholder(self, node_id: str) -> Node | None:
        obj = self.node(node_id)
        return obj if isinstance(obj, Node) and obj.kind in STAKEHOLDER_KINDS else None

    def require(self, node_id: str, field: str = "id") -> str:
        """``node_id`` if it is a stakeholder or meeting the viewer may see, else ``NotFoundError``
        (a hidden node is answered exactly like a missing one)."""
        if node_id not in self.nodes:
            raise NotFoundError(f"no stakeholder or meeting with id '{node_id}'", field=field)
        return node_id

    def kind(self, node_id: str) -> NodeKind:
        """The kind of a node in the view's network."""
        kind: NodeKind = self._p.graph._node[node_id]["kind"]
        return kind

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    # -- ties ----------------------------------------------------------------------------------
    def _adjacent(self, node_id: str) -> Mapping[str, Any]:
        return self._p.graph._adj.get(node_id, {})

    def neighbours(self, node_id: str) -> set[str]:
        """The nodes tied to ``node_id`` by a tie the view shows (none for a node it does not show)."""
        if node_id not in self.nodes:
            return set()
        found = self.nodes & self._adjacent(node_id).keys()
        if self._hidden:
            found = {v for v in found if (node_id, v) not in self._hidden}
        return found

    def neighbours_in(self, node_id: str, among: set[str] | frozenset[str]) -> list[str]:
        """The neighbours of ``node_id`` in ``among``, at the cost of the smaller of the two."""
        if node_id not in self.nodes:
            return []
        near = self._adjacent(node_id).keys() & among  # a dict view's & walks the smaller side
        return [v for v in near if v in self.nodes and (node_id, v) not in self._hidden]

    def reach(self, frontier: Iterable[str], avoid: frozenset[str] = frozenset()) -> set[str]:
        """Every node one tie away from ``frontier`` (not through the nodes in ``avoid``): one step of
        a breadth-first search, in set algebra at C speed when the view hides no ties."""
        adj, nodes = self._p.graph._adj, self.nodes
        if not self._hidden:
            reached: set[str] = set().union(*(adj[u].keys() for u in frontier if u not in avoid and u in nodes))
            return reached.difference(self._outside)  # a set minus a dict: C speed, with the hashes it holds
        return {v for u in frontier if u not in avoid for v in self.neighbours(u)}

    def adjacent(self, u: str, v: str) -> bool:
        """Whether ``u`` and ``v`` are joined by a tie the view shows."""
        return u in self.nodes and v in self.nodes and v in self._adjacent(u) and (u, v) not in self._hidden

    def edges_among(self, nodes: Iterable[str]) -> list[tuple[str, str]]:
        """The ties the view shows among ``nodes``, each once as (u, v) with u < v, sorted.

        Each node's adjacency or the node set is scanned, whichever is smaller, so a hub in the
        set costs the set's size, not its degree.
        """
        return sorted(self._pairs_among(nodes))

    def _pairs_among(self, nodes: Iterable[str]) -> Iterator[tuple[str, str]]:
        """``edges_among`` in no order."""
        among, hidden = self.nodes & nodes, self._hidden
        for u in among:
            around = self._adjacent(u)
            near = among.intersection(around) if len(around) > len(among) else around
            for v in near:
                if u < v and v in among and not (hidden and (u, v) in hidden):
                    yield u, v

    def relations(self, u: str, v: str, kinds: frozenset[RelationKind] | None = None) -> list[int]:
        """Ids of the relations the view shows between ``u`` and ``v`` (of ``kinds``; all when None)."""
        if not self.adjacent(u, v):
            return []
        p = self._p
        codes = None if kinds is None else {RELATION_CODES[k] for k in kinds}
        return [r for r in p.edge_relations(u, v) if self._shows(r) and (codes is None or p.kind[r] in codes)]

    def relations_of(
        self, node_id: str, kinds: frozenset[RelationKind] | None = None, direction: str = "BOTH"
    ) -> list[RelationFacts]:
        """The relations of a node the view shows, to ends it shows (areas too), ordered by id."""
        found = self._relation_ids_of(node_id, kinds, direction)
        return [facts for facts in map(self.relation, sorted(found)) if facts is not None]

    def relation_ids_around(self, nodes: Iterable[str], kinds: frozenset[RelationKind] | None = None) -> list[int]:
        """Ids of the relations the view shows with an end among ``nodes`` (``relations_of`` each), once
        each, by id: for scans over many relations that read ``ends`` and ``days`` before any ``relation``."""
        found: set[int] = set()
        for node_id in nodes:
            found.update(self._relation_ids_of(node_id, kinds))
        return sorted(found)

    def relation_rows(self) -> Iterator[tuple[int, str, str, RelationKind, float | None, int, int]]:
        """Every relation the view shows between two nodes of its network, by id, as (id, source,
        target, kind, strength (None: unknown), since, until), the days as ordinals (``timeline.NO_DATE``:
        none): ``relation`` for a scan over all of them (a model's history), without an object each."""
        p = self._p
        nodes, shows = self.nodes, self._shows
        for rel_id in p.relation_ids():
            source, target = p.ends(rel_id)
            if source in nodes and target in nodes and shows(rel_id):
                strength = p.strength[rel_id]
                kind = RELATION_BY_CODE[p.kind[rel_id]]
                known = None if math.isnan(strength) else round(strength, STRENGTH_DIGITS)
                yield rel_id, source, target, kind, known, p.since[rel_id], p.until[rel_id]

    def relation_arrays(self, number: Mapping[str, int]) -> RelationArrays:
        """``relation_rows`` over whole columns (``projection.shown``), without a Python step per
        relation: the relations the view shows between two nodes of its network that ``number``
        numbers 0..n-1, by id, their ends as those numbers (a relation of a node to itself too)."""
        p = self._p
        placed = places(p.numbers, len(p.ids), {n: i for n, i in number.items() if n in self.nodes})
        kept = shown((p.kind, p.since, p.until, p.source, p.target), self._codes, self._on, placed >= 0)
        source, target = (placed[np.frombuffer(c, dtype=np.int32)[kept]] for c in (p.source, p.target))
        strength = np.frombuffer(p.strength, dtype=np.float32)[kept].astype(np.float64)
        known = ~np.isnan(strength)
        strength[known] = rounded(strength[known], STRENGTH_DIGITS)
        since, until = (np.frombuffer(c, dtype=np.int32)[kept].astype(np.int64) for c in (p.since, p.until))
        return RelationArrays(source, target, strength, since, until)

    def ends(self, rel_id: int) -> tuple[str, str]:
        """(source, target) of a relation the view shows (an id from ``relation_ids_around``)."""
        return self._p.ends(rel_id)

    def days(self, rel_id: int) -> tuple[int, int, int]:
        """(since, until, confirmed) of a relation the view shows, as ordinals (``timeline.NO_DATE``: none)."""
        p = self._p
        return p.since[rel_id], p.until[rel_id], p.confirmed[rel_id]

    def _relation_ids_of(
        self, node_id: str, kinds: frozenset[RelationKind] | None = None, direction: str = "BOTH"
    ) -> list[int]:
        if not self._tied(node_id):
            return []
        p = self._p
        codes = None if kinds is None else {RELATION_CODES[k] for k in kinds}
        number = p.numbers.get(node_id)  # the node's number, as the ends column holds it
        found = []
        for neighbour in self._adjacent(node_id):
            if not self._tied(neighbour):
                continue
            for rel_id in p.edge_relations(node_id, neighbour):
                if codes is not None and p.kind[rel_id] not in codes:
                    continue
                outgoing = p.source[rel_id] == number
                if (direction == "OUT" and not outgoing) or (direction == "IN" and outgoing):
                    continue
                if self._shows(rel_id):
                    found.append(rel_id)
        return found

    def relation(self, rel_id: int) -> RelationFacts | None:
        """The relation, or None when it does not exist or the view hides it or one of its ends."""
        p = self._p
        if not 0 <= rel_id < len(p.kind) or p.kind[rel_id] < 0 or not self._shows(rel_id):
            return None
        source, target = p.ends(rel_id)
        if not self._tied(source) or not self._tied(target):
            return None
        return self._facts(rel_id, source, target)

    def relations_among(self, nodes: Iterable[str]) -> list[RelationFacts]:
        """The relations the view shows among ``nodes`` (both ends in them), by id: ``relation`` of
        each of ``relations(u, v)`` over ``edges_among``, without asking again what those decided."""
        p, shows = self._p, self._shows
        found = sorted(r for u, v in self._pairs_among(nodes) for r in p.edge_relations(u, v) if shows(r))
        return [self._facts(r, *p.ends(r)) for r in found]

    def _facts(self, rel_id: int, source: str, target: str) -> RelationFacts:
        p = self._p
        strength = p.strength[rel_id]
        return RelationFacts(
            rel_id,
            RELATION_BY_CODE[p.kind[rel_id]],
            source,
            target,
            None if math.isnan(strength) else round(strength, STRENGTH_DIGITS),
            _day(p.since[rel_id]),
            _day(p.until[rel_id]),
            _day(p.confirmed[rel_id]),
        )

    def relation_count(self) -> int:
        """How many relations the view shows (counted once per view)."""
        return self.remember("relation count", self._count_relations)  # type: ignore[no-any-return]

    def _count_relations(self) -> int:
        p = self._p
        everything = len(self.nodes) + len(self._areas) == p.graph.number_of_nodes()
        if everything and self._on is None and self._codes is None:
            return p.relation_count  # the view hides nothing
        tied = np.zeros(len(p.ids) + 1, dtype=bool)
        tied[[p.numbers.get(n, -1) for n in chain(self.nodes, self._areas)]] = True  # -1: gone since
        tied[-1] = False
        return int(shown((p.kind, p.since, p.until, p.source, p.target), self._codes, self._on, tied).sum())

    # -- how warm a tie is ---------------------------------------------------------------------
    def recency(self, rel_id: int) -> float:
        """``timeline.recency`` of a relation on the view's day (its ``active_on``, or today)."""
        return recency(self._p.since[rel_id], self._p.until[rel_id], self.day)

    def _strength(self, rel_id: int) -> float:
        value = self._p.strength[rel_id]
        return UNKNOWN_STRENGTH if math.isnan(value) else value

    def tie(self, u: str, v: str) -> Tie:
        """The visible relations between adjacent ``u`` and ``v`` and their warmth."""
        ids = tuple(self.relations(u, v))
        measured = [(self._strength(r), self.recency(r)) for r in ids]
        if not measured:
            return Tie(ids, UNKNOWN_STRENGTH, 1.0)
        warmest = max(measured, key=lambda m: m[0] * m[1])
        return Tie(ids, round(max(s for s, _ in measured), TIE_DIGITS), round(warmest[1], TIE_DIGITS))

    def weigh(self, u: str, v: str) -> tuple[float, float]:
        """(strength, warmth) of the tie between adjacent ``u`` and ``v``: ``tie`` without the object, for searches."""
        p = self._p
        strongest, warmest = -1.0, 0.0
        for rel_id in p.edge_relations(u, v):
            if not self._shows(rel_id):
                continue
            s = self._strength(rel_id)
            strongest, warmest = max(strongest, s), max(warmest, s * self.recency(rel_id))
        return (strongest, warmest) if strongest >= 0 else (UNKNOWN_STRENGTH, UNKNOWN_STRENGTH)

    # -- areas, themes, reviews ----------------------------------------------------------------
    @property
    def areas(self) -> Mapping[str, Area]:
        """The areas in the viewer's scope, by CBS code."""
        return MappingProxyType(self._areas)

    @property
    def themes(self) -> Mapping[str, Theme]:
        return MappingProxyType(self._p.themes)

    def reviewed(self, u: str, v: str) -> Review | None:
        """A broker's verdict on the pair, whichever way round it was given (both ends visible)."""
        if u not in self.nodes or v not in self.nodes:
            return None
        return self._p.reviewed(u, v)

    def reviews(self) -> list[Review]:
        """The verdicts on pairs the viewer can see both ends of."""
        return [r for (u, v), r in self._p.reviews.items() if u in self.nodes and v in self.nodes]

    # -- finding stakeholders ------------------------------------------------------------------
    def search(
        self,
        text: str | None = None,
        kinds: frozenset[NodeKind] | None = None,
        themes: Iterable[str] | None = None,
        area: str | None = None,
    ) -> Sequence[Node]:
        """Visible stakeholders matching every filter given: by name (ignoring case), or with ``text``
        best match first (``Ranked``: ranked as far as it is read).

        ``text``: every word of it in the name or tags, ignoring case and accents, ranked by
        ``match_rank`` (the exact name, then a name that begins with it, then names whose words begin
        with its words in any order, then tags, then anywhere), organisations and partners before
        residents on an equal match; ``themes``: any of them; ``area``: a code it names lies in or
        under it (``areas.within``). Answered from indexes made once per view: the stakeholders in
        name order with what a search reads of each (``SearchIndex``) and, per area code, those in or
        under it.
        """
        by_name, _ = self._by_name()
        places: Iterable[int] | None = None
        if area is not None:
            places = self._ranks_in([area])
        words = fold(text).split() if text else []
        if words:
            texts = self._search_index().texts
            rarest, *others = sorted(words, key=len, reverse=True)  # the longest word leaves the fewest to check
            hits = [i for i, known in enumerate(texts) if rarest in known]
            for word in others:
                hits = [i for i in hits if word in texts[i]]
            places = hits if places is None else sorted(set(hits).intersection(places))
        wanted = set(themes or ())
        found = [
            i
            for i in (range(len(by_name)) if places is None else places)
            if (kinds is None or by_name[i].kind in kinds) and (not wanted or not wanted.isdisjoint(by_name[i].themes))
        ]
        if words:
            return Ranked(words, found, self._search_index())
        return [by_name[i] for i in found]

    def _search_index(self) -> SearchIndex:
        """What a search reads of each stakeholder, in name order (patched, after a write, where
        nodes were written, as ``_by_name`` is)."""

        def make() -> SearchIndex:
            by_name, rank = self._by_name()
            entries = [self._searched_as(node) for node in by_name]
            return SearchIndex(by_name, rank, [e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries])

        def patch(earlier: SearchIndex, touched: set[str]) -> SearchIndex:
            return earlier.patched(*self._by_name(), touched, self._searched_as)

        return self.remember("search index", make, ties=False, patch=patch)  # type: ignore[no-any-return]

    def _searched_as(self, node: Node) -> tuple[str, str, int]:
        """A stakeholder's folded name, folded name and tags, and kind order, as a search reads them."""
        text = search_text(node) if node.id in self._named else self._p.search[node.id]
        return self._p.folded_names[node.id], text, KIND_ORDER[node.kind]

    def similar(
        self,
        name: str,
        areas: Iterable[str] | None = None,
        kinds: frozenset[NodeKind] | None = None,
        first: int = 5,
        cutoff: float = SIMILAR_ENOUGH,
    ) -> list[tuple[Node, float]]:
        """Stakeholders of the view's network in or under any of ``areas`` (None: anywhere) whose name
        is like ``name``, with how alike (0..1, at least ``cutoff``), most alike first: possible
        duplicates of a record about to be made.

        Names are compared folded (``records.fold``) and as wholes, in any word order (rapidfuzz's
        ``token_sort_ratio``): "Buurtteam Overvecht Noord" is "Buurtteam Overvecht-Noord", but not
        "Buurtteam Overvecht-Zuid". The names of the stakeholders in the areas (of ``kinds``) are
        made comparable once per view, from its index by area, and rapidfuzz compares a query with
        100k of them in C.
        """
        if first <= 0 or not comparable(name).strip():
            return []
        nodes, names = self._comparable_in(None if areas is None else tuple(sorted(set(areas))), kinds)
        found = process.extract(
            comparable(name), names, scorer=fuzz.token_sort_ratio, limit=first, score_cutoff=cutoff * 100
        )
        return [(nodes[i], round(score / 100, 4)) for _, score, i in found]

    def _comparable_in(
        self, areas: tuple[str, ...] | None, kinds: frozenset[NodeKind] | None
    ) -> tuple[list[Node], list[str]]:
        def make() -> tuple[list[Node], list[str]]:
            by_name, _ = self._by_name()
            ranks = range(len(by_name)) if areas is None else self._ranks_in(areas)
            nodes = [
                node
                for node in map(by_name.__getitem__, ranks)
                if node.id in self.nodes and (kinds is None or node.kind in kinds)
            ]
            return nodes, [comparable(node.name) for node in nodes]

        return self.remember(("comparable names", areas, kinds), make, ties=False)  # type: ignore[no-any-return]

    def meetings(self, area: str | None = None) -> list[Node]:
        """The meetings the viewer may see (in or under ``area``, when given), newest first."""

        def make() -> list[Node]:
            nodes = self._p.graph._node
            found = [nodes[n]["obj"] for n in self.nodes if nodes[n]["kind"] is NodeKind.MEETING]
            found.sort(key=lambda m: (m.name.casefold(), m.id))
            found.sort(key=lambda m: m.started or date.min, reverse=True)  # stable: then by name
            return found

        every: list[Node] = self.remember("meetings", make)
        return every if area is None else [m for m in every if m.in_scope(area)]

    def _by_name(self) -> tuple[list[Node], Places]:
        """The stakeholders the view shows (residents known by name only too), in name order, and
        each one's place in it: read in the projection's name order, which every write keeps; after
        a write, the earlier version's with the written nodes put anew."""
        nodes, named = self._p.graph._node, self._named

        def make() -> list[Node]:
            return [
                named[n] if n in named else nodes[n]["obj"]
                for _, n in self._p.name_order
                if n in self.nodes or n in named
            ]

        def patch(earlier: tuple[list[Node], Places], touched: set[str]) -> tuple[list[Node], Places]:
            by_name, places = earlier[0].copy(), earlier[1]
            for place in sorted((places[n] for n in touched if n in places), reverse=True):
                del by_name[place]
            put = [
                named[n] if n in named else nodes[n]["obj"]
                for n in touched
                if n in named or (n in self.nodes and nodes[n]["kind"] in STAKEHOLDER_KINDS)
            ]
            for node in put:
                bisect.insort(by_name, node, key=name_order)
            where = {node.id: bisect.bisect_left(by_name, name_order(node), key=name_order) for node in put}
            return by_name, Places(by_name, places, touched, where)

        def made() -> tuple[list[Node], Places]:
            by_name = make()
            return by_name, Places(by_name)

        return self.remember("by name", made, ties=False, patch=patch)  # type: ignore[no-any-return]

    def _ranks_in(self, areas: Iterable[str]) -> list[int]:
        """The places in name order (``_by_name``) of the stakeholders of the view's network in or
        under any of ``areas``."""
        _, rank = self._by_name()
        under = self._p.under
        return sorted({rank[n] for a in areas for n in under.get(a, ()) if n in self.nodes})

    # -- for algorithms ------------------------------------------------------------------------
    @property
    def graph(self) -> nx.Graph:
        """The view's network as a read-only networkx graph, for algorithms that take one (filtered
        by set lookups; node data is not part of the vocabulary: ask ``node``)."""
        if self._graph is None:
            hidden = self._hidden
            edges: Callable[..., bool] = (lambda u, v: (u, v) not in hidden) if hidden else nx.filters.no_filter
            self._graph = nx.subgraph_view(self._p.graph, filter_node=self.nodes.__contains__, filter_edge=edges)
        return self._graph
