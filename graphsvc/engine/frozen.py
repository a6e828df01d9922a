"""A frozen view: one caller's view of one graph version, copied so that any thread may read it.

A ``View`` keeps its set of visible nodes for its version, but reads ties from the live
projection, which writes change where they are applied (the API's event loop). A computation
that runs elsewhere for seconds (the global measures, in a background thread) reads a
``FrozenView`` instead: made by ``Engine.frozen`` where changes are applied, between two of them,
it holds the view's node set and a copy of the node table and of the relation columns of that
version. The copy is made by C-level copies of whole containers (a few milliseconds for 100k
nodes and 1M relations), so that the loop is held briefly; everything else (which ties the view
shows among which nodes) is worked out from the copy by the reader, in its own thread.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Mapping

from ..domain import Area, Node, NodeKind
from ..domain.timeline import holds
from .view import Memo, View


class FrozenView(Memo):
    """What ``view`` showed at its version, readable from any thread and never changed.

    It answers the parts of the ``View`` vocabulary the global measures use: ``nodes``, ``node``,
    ``kind``, ``edges_among`` and ``remember``, exactly as the view answered them at its version,
    and the ties among many nodes as igraph takes them (``tie_array``).
    Make it where changes are applied (``Engine.frozen``): the copy is of the projection as it
    stands, and the view must be of the same version.
    """

    def __init__(self, view: View):
        p = view._p
        if p.version != view.version:
            raise ValueError(f"a view of version {view.version} cannot be frozen at version {p.version}")
        self.viewer, self.active_on, self.relation_kinds = view.viewer, view.active_on, view.relation_kinds
        self.version = view.version
        self.key: Hashable = view.key
        self.nodes: frozenset[str] = view.nodes  # immutable already
        self._codes, self._on = view._codes, view._on
        # The copies: the node table (each entry's dict is replaced, never changed, by a write) and the
        # columns. The ends are copied into tuples: of str only, the collector stops tracking them the
        # first time it looks, rather than walking a million-item list at every collection.
        self._table = p.graph._node.copy()
        self._kind, self._since, self._until = p.kind[:], p.since[:], p.until[:]
        self._source, self._target = tuple(p.source), tuple(p.target)
        super().__init__()

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def node(self, node_id: str) -> Node | Area | None:
        """A node of the view's network (a stakeholder or meeting) as it was, else None."""
        if node_id not in self.nodes:
            return None
        obj: Node | Area = self._table[node_id]["obj"]
        return obj

    def kind(self, node_id: str) -> NodeKind:
        """The kind of a node in the view's network."""
        kind: NodeKind = self._table[node_id]["kind"]
        return kind

    def edges_among(self, nodes: Iterable[str]) -> list[tuple[str, str]]:
        """The ties the view showed among ``nodes``, each once as (u, v) with u < v, sorted (as ``View.edges_among``)."""
        members = sorted(self.nodes.intersection(nodes))
        flat = self.tie_array({n: i for i, n in enumerate(members)})
        return [(members[i], members[j]) for i, j in zip(flat[::2], flat[1::2], strict=True)]

    def tie_array(self, number: Mapping[str, int]) -> array:
        """The ties the view showed among the nodes ``number`` numbers 0..n-1 (those the view showed),
        as one flat array i0, j0, i1, j1, ... with i < j, each tie once, sorted: igraph's input.

        A tie is shown when at least one relation between its ends is (of the view's kinds, holding on
        its day). Made of ints in arrays, not a tuple per tie: a million tuples alive at once would
        have the garbage collector walk them again and again, holding the GIL (and the API) for
        seconds at city scale.
        """
        shown = self.nodes
        codes, on = self._codes, self._on
        kind, since, until, source, target = self._kind, self._since, self._until, self._source, self._target
        n = len(number)
        lower, higher, count = array("i"), array("i"), array("i", [0]) * n
        for rel_id, code in enumerate(kind):
            if code < 0 or (codes is not None and code not in codes):
                continue
            if on is not None and not holds(since[rel_id], until[rel_id], on):
                continue
            u, v = source[rel_id], target[rel_id]
            if u not in shown or v not in shown:
                continue
            i, j = number.get(u), number.get(v)  # type: ignore[arg-type]  # shown: not None
            if i is None or j is None or i == j:
                continue
            if i > j:
                i, j = j, i
            lower.append(i)
            higher.append(j)
            count[i] += 1
        # A counting sort by the lower end, then each node's few higher ends sorted and made unique.
        start, total = array("i", [0]) * (n + 1), 0
        for i in range(n):
            start[i] = total
            total += count[i]
        start[n] = total
        place, bucket = array("i", start), array("i", [0]) * total
        for i, j in zip(lower, higher, strict=True):
            bucket[place[i]] = j
            place[i] += 1
        flat = array("i")
        for i in range(n):
            if start[i] < start[i + 1]:
                for j in sorted(set(bucket[start[i] : start[i + 1]])):
                    flat.append(i)
                    flat.append(j)
        return flat
