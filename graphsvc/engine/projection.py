"""The in-memory projection: the whole graph as a networkx ``Graph``, kept in step with the store.

Representation, chosen to fit a city of 100k nodes and 1M relations in well under 600 bytes
per relation (measured in ``bench/import_rebuild.py``):

* ``graph`` is an undirected ``nx.Graph``: connection questions do not care which way a tie
  points. Each node carries ``{"kind": NodeKind, "obj": Node | Area}`` (a dict replaced, never
  changed, when the node changes; ``Node`` and ``Area`` are immutable); each edge carries a
  ``EdgeData``: the read-only mapping ``{"r": id}`` or ``{"r": (id, id, ...)}`` when several relations
  join the same pair, in a slotted object a quarter of a dict's size (a million of them in a city).
* Relation fields the algorithms need live in columns indexed by relation id (ids are dense,
  numbered by the store): ``kind`` (code), ``strength`` (NaN when unknown), ``since``/``until``
  (date ordinals, 0 when open) and ``source``/``target``: the ends as node numbers (``numbers``:
  every node's, given when it is first put and never reused; ``ids``: back to its id), so that a
  scan over a million relations (``shown``) is whole-column arithmetic, not a dict lookup per end.
  Direction, role and note are read from these or from the store when asked.

The representation stays inside ``engine/``: resolvers and algorithms read the graph only
through a ``View`` (``engine.view``), which hides what the caller may not see.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping, Set
from datetime import date

import networkx as nx
import numpy as np
from sortedcontainers import SortedList

from ..domain import Area, Node, NodeKind, Relation, Review, Theme, ValidationError
from ..domain.areas import containers
from ..domain.kinds import RELATION_CODES, STAKEHOLDER_KINDS
from ..domain.model import relation_ids
from ..domain.records import fold, search_text
from ..domain.timeline import NO_DATE, each, holds
from ..gcpause import paused_gc
from ..store.protocol import Edge

NO_END = -1  # the ends of an id without a relation

# How far past the highest known relation id a new id may lie: ids are dense (numbered by the
# store), and the columns are indexed by id.
ID_HEADROOM = 1_000_000


def check_ids(relations: list[Relation], known: int) -> None:
    """Refuse relation ids far above the ``known`` ones: a projection's columns are indexed by id,
    so one id of a billion would make every later rebuild allocate a billion places."""
    highest = max(filter(None, relation_ids(relations)), default=0)
    limit = known + len(relations) + ID_HEADROOM
    if highest > limit:
        raise ValidationError(f"relation ids are dense: at most {limit} here, got {highest}", field="id")


_CODE = {kind.value: code for kind, code in RELATION_CODES.items()}


def edge_of(rel: Relation, rel_id: int | None = None) -> Edge:
    """A relation as the store's ``Edge`` (with ``rel_id`` when the relation has none yet)."""
    return (rel_id or rel.id, rel.kind, rel.source, rel.target, rel.since, rel.until, rel.strength, rel.confirmed)  # type: ignore[return-value]


def _ordinal(day: str | date | None) -> int:
    if day is None:
        return NO_DATE
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.toordinal()


class EdgeData(Mapping[str, "int | tuple[int, ...]"]):
    """The data of one edge of the projection's graph, as networkx reads edge data: a mapping with
    the one key ``"r"``, the id of the relation that joins the pair or the ids of those that do.

    >>> data = EdgeData(7)
    >>> data["r"], data.get("weight", 1), dict(data)
    (7, 1, {'r': 7})
    """

    __slots__ = ("r",)

    def __init__(self, r: int | tuple[int, ...]):
        self.r = r

    def __getitem__(self, key: str) -> int | tuple[int, ...]:
        if key != "r":
            raise KeyError(key)
        return self.r

    def __iter__(self) -> Iterator[str]:
        return iter(("r",))

    def __len__(self) -> int:
        return 1

    def copy(self) -> dict[str, int | tuple[int, ...]]:
        """A plain dict of the same data (what networkx's ``Graph.copy`` asks of edge data)."""
        return {"r": self.r}


def shown(
    columns: tuple[array, array, array, array, array], codes: Set[int] | None, on: int | None, tied: np.ndarray
) -> np.ndarray:
    """Which relations a view shows, as a mask over relation ids: ``View``'s rule (``_shows`` and
    ``_tied``) over whole columns, for a scan of every relation without a Python step each.

    ``columns``: ``kind``, ``since``, ``until``, ``source``, ``target`` (a projection's, or copies);
    ``codes``: the view's relation kinds (None: all); ``on``: its day (None: whatever the dates);
    ``tied``: whose ties it shows, a mask over node numbers with one place more, for ``NO_END``.
    """
    kind, since, until, source, target = (np.frombuffer(c, dtype=c.typecode) for c in columns)
    mask = (kind >= 0) if codes is None else np.isin(kind, list(codes))
    if on is not None and len(kind):
        mask &= each(holds, since, until, on).astype(bool)
    return mask & tied[source] & tied[target]  # type: ignore[no-any-return]


def places(numbers: Mapping[str, int], size: int, number: Mapping[str, int]) -> np.ndarray:
    """Per node number of a projection (``numbers``: id -> number, ``size`` of them), the node's place
    in ``number`` (-1: not in it), with one place more, -1, for ``NO_END``: to read the ends of whole
    relation columns as places in ``number``."""
    placed = np.full(size + 1, -1, dtype=np.int64)
    placed[np.fromiter(map(numbers.__getitem__, number), np.int64, len(number))] = np.fromiter(
        number.values(), np.int64, len(number)
    )
    placed[-1] = -1  # the place of ``NO_END``
    return placed


def name_order(node: Node) -> tuple[str, str]:
    """Where a stakeholder stands in name order: by name ignoring case, then by id."""
    return (node.name.casefold(), node.id)


class Projection:
    """All nodes and relations in memory; mutated only by ``load``/``put_*``/``drop_*``."""

    def __init__(self) -> None:
        self.graph = nx.Graph()
        self.areas: dict[str, Area] = {}
        self.themes: dict[str, Theme] = {}
        self.search: dict[str, str] = {}  # node id -> folded name and tags
        self.folded_names: dict[str, str] = {}  # node id -> folded name
        # Kept current by every write, so that no view sorts or indexes the whole graph again:
        self.resident_names: dict[str, tuple[str, ...]] = {}  # a resident's name -> the residents with it
        self.name_order = SortedList()  # (folded-case name, id) of every stakeholder
        self.under: dict[str, set[str]] = {}  # an area code -> the stakeholders in or under it
        self.touched: set[str] = set()  # nodes written since ``take_touched`` was last asked
        self.kind = array("b")
        self.strength = array("f")
        self.since = array("i")
        self.until = array("i")
        self.confirmed = array("i")  # the day each relation was last confirmed (``NO_DATE``: never)
        self.source = array("i")  # node numbers (``NO_END``: no relation)
        self.target = array("i")
        self.numbers: dict[str, int] = {}  # node id -> its number, while the node exists
        self.ids: list[str] = []  # node number -> node id (a dropped node's number is not given again)
        self.relation_count = 0
        self.version = 0
        self.reviews: dict[tuple[str, str], Review] = {}  # (source, target) -> a broker's verdict

    # -- building ------------------------------------------------------------------------
    def load(
        self,
        areas: Iterable[Area],
        themes: Iterable[Theme],
        node_pages: Iterable[list[Node]],
        edge_pages: Iterable[list[Edge]],
        version: int,
        reviews: Iterable[Review] = (),
    ) -> None:
        """Build from a store's streams, page by page, with the collector off meanwhile."""
        with paused_gc(freeze=True):  # what it makes is long-lived: kept out of every later collection
            for theme in themes:
                self.themes[theme.key] = theme
            for area in areas:
                self.put_area(area)
            for nodes in node_pages:
                for node in nodes:
                    self.put_node(node)
            for edges in edge_pages:
                self._add_edges(edges)
            for review in reviews:
                self.put_review(review)
            self.version = version
            self.touched.clear()  # a new projection: no view starts from an older one

    def _grow(self, size: int) -> None:
        missing = size - len(self.kind)
        if missing > 0:
            self.kind.extend(array("b", [-1]) * missing)
            self.strength.extend(array("f", [math.nan]) * missing)
            self.since.extend(array("i", [NO_DATE]) * missing)
            self.until.extend(array("i", [NO_DATE]) * missing)
            self.confirmed.extend(array("i", [NO_DATE]) * missing)
            self.source.extend(array("i", [NO_END]) * missing)
            self.target.extend(array("i", [NO_END]) * missing)

    def _add_edges(self, edges: list[Edge]) -> None:
        """Add store edges (known to be valid) in bulk; the hot loop of a rebuild."""
        if not edges:
            return
        self._grow(max(edge[0] for edge in edges) + 1)
        adj = self.graph._adj  # direct access: add_edge per relation costs twice as much
        numbers, ids = self.numbers, self.ids
        kind, strength, since, until, confirmed = self.kind, self.strength, self.since, self.until, self.confirmed
        source, target = self.source, self.target
        days: dict[str | date | None, int] = {None: NO_DATE}  # a few thousand distinct days in a city
        added = 0
        for rel_id, rel_kind, u, v, start, end, weight, checked in edges:
            try:
                i, j = numbers[u], numbers[v]
            except KeyError:
                continue  # an end that is not (or no longer) a node
            u, v = ids[i], ids[j]  # the node keys themselves: one str object per node
            kind[rel_id] = _CODE[rel_kind]
            strength[rel_id] = math.nan if weight is None else weight
            since[rel_id] = days[start] if start in days else days.setdefault(start, _ordinal(start))
            until[rel_id] = days[end] if end in days else days.setdefault(end, _ordinal(end))
            confirmed[rel_id] = days[checked] if checked in days else days.setdefault(checked, _ordinal(checked))
            source[rel_id], target[rel_id] = i, j
            around_u = adj[u]
            data = around_u.get(v)
            if data is None:
                data = EdgeData(rel_id)
                around_u[v] = data
                adj[v][u] = data
            else:
                held = data.r
                data.r = (*held, rel_id) if isinstance(held, tuple) else (held, rel_id)
            added += 1
        self.relation_count += added

    # -- single changes --------------------------------------------------------------------
    def put_area(self, area: Area) -> None:
        code = sys.intern(area.code)
        self.touched.add(code)  # what a view derived from its nodes and areas is made again
        self.areas[code] = area
        self._put_attrs(code, NodeKind.AREA, area)

    def put_theme(self, theme: Theme) -> None:
        self.themes[theme.key] = theme

    def put_node(self, node: Node) -> None:
        node_id = sys.intern(node.id)
        self.touched.add(node_id)
        self._unindex(node_id)
        self._put_attrs(node_id, node.kind, node)
        folded = fold(node.name)
        text = search_text(node)
        self.search[node_id] = folded if text == folded else text  # one string where they are alike
        self.folded_names[node_id] = folded
        if node.kind in STAKEHOLDER_KINDS:
            order = name_order(node)
            self.name_order.add((folded, node_id) if order[0] == folded else order)
            for code in {c for named in node.areas for c in containers(named)}:
                self.under.setdefault(code, set()).add(node_id)
        if node.kind is NodeKind.RESIDENT:
            self.resident_names[node.name] = (*self.resident_names.get(node.name, ()), node_id)

    def take_touched(self) -> set[str]:
        """The nodes put or dropped since the last call (from now on, none)."""
        touched, self.touched = self.touched, set()
        return touched

    def _unindex(self, node_id: str) -> None:
        """Take the node as it is now out of the name order, the area index and the residents' names."""
        attrs = self.graph._node.get(node_id)
        if attrs is None or attrs["kind"] not in STAKEHOLDER_KINDS:
            return
        node: Node = attrs["obj"]
        self.name_order.discard(name_order(node))
        for code in {c for named in node.areas for c in containers(named)}:
            self.under.get(code, set()).discard(node_id)
        if node.kind is NodeKind.RESIDENT:
            named = tuple(n for n in self.resident_names.get(node.name, ()) if n != node_id)
            if named:
                self.resident_names[node.name] = named
            else:
                self.resident_names.pop(node.name, None)

    def _put_attrs(self, node_id: str, kind: NodeKind, obj: Node | Area) -> None:
        """Add a node, or give a known one a new attribute dict: an entry of the node table is replaced,
        never changed in place, so that a copy of the table (``FrozenView``) keeps what it copied."""
        if node_id in self.graph._node:
            self.graph._node[node_id] = {"kind": kind, "obj": obj}
        else:
            self.graph.add_node(node_id, kind=kind, obj=obj)
            self.numbers[node_id] = len(self.ids)
            self.ids.append(node_id)

    def put_review(self, review: Review) -> None:
        self.reviews[review.source, review.target] = review

    def reviewed(self, u: str, v: str) -> Review | None:
        """The verdict on the pair, whichever way round it was given."""
        return self.reviews.get((u, v)) or self.reviews.get((v, u))

    def put_relations(self, relations: Iterable[Relation]) -> None:
        """Project many committed relations at once (replacing any with the same id)."""
        edges = []
        for rel in relations:
            if rel.id is None:
                raise ValueError("a relation needs its store id before it is projected")
            if rel.id < len(self.kind) and self.kind[rel.id] >= 0:
                self.drop_relation(rel.id)
            edges.append(edge_of(rel))
        self._add_edges(edges)

    def check_ids(self, relations: list[Relation]) -> None:
        """Refuse relation ids far above the highest known one: the columns are indexed by id."""
        check_ids(relations, len(self.kind))

    def drop_relation(self, rel_id: int) -> None:
        if rel_id >= len(self.kind) or self.kind[rel_id] < 0:
            return
        u, v = self.ends(rel_id)
        data: EdgeData = self.graph._adj[u][v]
        held = data.r
        rest = tuple(r for r in held if r != rel_id) if isinstance(held, tuple) else ()
        if not rest:
            self.graph.remove_edge(u, v)
        else:
            data.r = rest if len(rest) > 1 else rest[0]
        self.kind[rel_id] = -1
        self.source[rel_id] = self.target[rel_id] = NO_END
        self.relation_count -= 1

    def drop_node(self, node_id: str) -> None:
        if node_id not in self.graph:
            return
        for neighbour in list(self.graph._adj[node_id]):
            for rel_id in self.edge_relations(node_id, neighbour):
                self.drop_relation(rel_id)
        self.touched.add(node_id)
        self._unindex(node_id)
        self.graph.remove_node(node_id)
        del self.numbers[node_id]
        self.search.pop(node_id, None)
        self.folded_names.pop(node_id, None)
        for pair in [pair for pair in self.reviews if node_id in pair]:
            del self.reviews[pair]

    # -- reading ---------------------------------------------------------------------------
    def obj(self, node_id: str) -> Node | Area | None:
        attrs = self.graph._node.get(node_id)
        return None if attrs is None else attrs["obj"]

    def ends(self, rel_id: int) -> tuple[str, str]:
        """(source, target) of a relation (("", "") where there is none)."""
        i, j = self.source[rel_id], self.target[rel_id]
        return ("", "") if i == NO_END else (self.ids[i], self.ids[j])

    def edge_relations(self, u: str, v: str) -> tuple[int, ...]:
        held = self.graph._adj[u][v].r
        return held if isinstance(held, tuple) else (held,)

    def relation_ids(self) -> Iterator[int]:
        return (i for i, code in enumerate(self.kind) if code >= 0)
