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
from collections.abc import Hashable, Iterable, KeysView, Mapping

import numpy as np

from ..domain import Area, Node, NodeKind
from .projection import places, shown
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
        self.nodes: KeysView[str] = view.nodes  # never changed
        self._codes, self._on = view._codes, view._on
        # The copies: the node table (each entry's dict is replaced, never changed, by a write), the
        # nodes' numbers and the columns (arrays of ints: nothing for the collector to walk).
        self._table = p.graph._node.copy()
        self._numbers, self._numbered = p.numbers.copy(), len(p.ids)
        self._columns = (p.kind[:], p.since[:], p.until[:], p.source[:], p.target[:])
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
        members = sorted(self.nodes & nodes)
        flat = self.tie_array({n: i for i, n in enumerate(members)})
        return [(members[i], members[j]) for i, j in zip(flat[::2], flat[1::2], strict=True)]

    def tie_array(self, number: Mapping[str, int]) -> array:
        """The ties the view showed among the nodes ``number`` numbers 0..n-1 (those the view showed),
        as one flat array i0, j0, i1, j1, ... with i < j, each tie once, sorted: igraph's input.

        A tie is shown when at least one relation between its ends is (of the view's kinds, holding on
        its day). Worked out over whole columns (``projection.shown``): the reader runs in a thread of
        the API's process, where a step in Python per relation would take half of the event loop's
        time for seconds.
        """
        placed = places(self._numbers, self._numbered, number)
        kept = shown(self._columns, self._codes, self._on, placed >= 0)
        i, j = (placed[np.frombuffer(c, dtype=np.int32)[kept]] for c in self._columns[3:])
        lower, higher = np.minimum(i, j), np.maximum(i, j)
        n = max(len(number), 1)
        ties = np.sort((lower * n + higher)[lower != higher])  # by the lower end, then the higher
        ties = ties[np.diff(ties, prepend=-1) != 0]  # each once (``np.unique`` hashes first: slower)
        flat = np.empty(2 * len(ties), dtype=np.int32)
        flat[0::2], flat[1::2] = np.divmod(ties, n)
        return array("i", flat.tobytes())
