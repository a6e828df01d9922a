"""Network evidence that two stakeholders should meet: link prediction over the visible graph.

The classic neighbourhood scores (common neighbours, Adamic-Adar, resource allocation,
preferential attachment; Liben-Nowell & Kleinberg 2007, Zhou, Lü & Zhang 2009) and a
personalized PageRank from one stakeholder (Haveliwala 2002) with its walks cut at three steps,
computed with sparse matrices: one row of ``A @ D @ A`` scores every candidate of a source at once, where networkx's
link-prediction functions loop over pairs in Python. ``Adjacency`` is built once per graph
version and viewer (about a second at 100k nodes and 1M relations) and cached with the network.

>>> import networkx as nx
>>> adjacency = Adjacency.of_graph(nx.Graph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c")]))
>>> scores = adjacency.neighbourhood_scores("a", ["c"])
>>> scores["common_neighbours"].tolist(), round(float(scores["adamic_adar"][0]), 3)
([2.0], 2.885)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

PPR_ALPHA = 0.15  # the walk stops one step in seven
PPR_STEPS = 3  # the walk's steps: every route to a candidate two steps away, and one step on from it
PPR_STEPS_SMALL = 20  # on a graph small enough to rank every node: far nodes too (error below (1 - alpha)^20 = 4%)


class Adjacency:
    """The visible graph as a symmetric sparse 0/1 matrix, with node positions and degrees."""

    def __init__(self, nodes: list[str], matrix: sp.csr_matrix):
        self.nodes = nodes
        self.index = {node: i for i, node in enumerate(nodes)}
        if not matrix.has_sorted_indices:  # each row's ends in order: a tie is found by bisection (``entry``)
            matrix.sort_indices()
        self.matrix = matrix
        self._around: tuple[int, sp.csr_matrix, sp.csc_matrix] | None = None
        self.degree = np.asarray(matrix.sum(axis=1)).ravel()
        self.most_ties = int(self.degree.max(initial=0))
        with np.errstate(divide="ignore"):
            self.inverse_log_degree = np.where(self.degree > 1, 1.0 / np.log(np.maximum(self.degree, 2)), 0.0)
            self.inverse_degree = np.where(self.degree > 0, 1.0 / np.maximum(self.degree, 1), 0.0)

    @classmethod
    def of_ties(cls, nodes: Iterable[str], ties: Iterable[tuple[str, str]]) -> Adjacency:
        """From the ties (each once) among ``nodes``, e.g. ``View.edges_among``."""
        order = sorted(nodes)  # the same order in every process: ties break alike
        index = {node: i for i, node in enumerate(order)}
        rows: list[int] = []
        cols: list[int] = []
        for u, v in ties:
            i, j = index[u], index[v]
            rows += (i, j)
            cols += (j, i)
        matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(order), len(order)))
        matrix.data[:] = 1.0  # several ties between one pair are one
        return cls(order, matrix)

    @classmethod
    def of_positions(cls, nodes: list[str], u: np.ndarray, v: np.ndarray) -> Adjacency:
        """From ties given by their ends' positions in ``nodes`` (sorted, as ``of_ties`` orders them),
        in either direction, any number of times each: ``of_ties`` for ties read as arrays."""
        rows, cols = np.concatenate([u, v]), np.concatenate([v, u])
        matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(nodes)))
        matrix.data[:] = 1.0  # several ties between one pair are one
        return cls(nodes, matrix)

    @classmethod
    def of_graph(cls, graph: nx.Graph) -> Adjacency:
        nodes = list(graph)
        index = {node: i for i, node in enumerate(nodes)}
        rows: list[int] = []
        cols: list[int] = []
        for u, neighbours in graph.adjacency():
            i = index[u]
            for v in neighbours:
                rows.append(i)
                cols.append(index[v])
        data = np.ones(len(rows), dtype=np.float64)
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(nodes), len(nodes)))
        return cls(nodes, matrix)

    def neighbours(self, node: str) -> np.ndarray:
        return self.neighbours_at(self.index[node])

    def neighbours_at(self, i: int) -> np.ndarray:
        """``neighbours`` by position, sorted."""
        return self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]

    def two_hop(self, node: str) -> list[str]:
        """Nodes two steps from ``node`` that are not already its neighbours."""
        return [self.nodes[j] for j in self.two_hop_at(self.index[node]).tolist()]

    def two_hop_at(self, i: int) -> np.ndarray:
        """``two_hop`` by positions, sorted."""
        return np.flatnonzero(self.two_hop_mask(i))

    def two_hop_mask(self, i: int) -> np.ndarray:
        """``two_hop`` as a mask over all positions (marking beats merging: a city's two-hop
        neighbourhood is thousands of nodes, each reached many times over)."""
        found = np.zeros(self.matrix.shape[0], dtype=bool)
        found[self.around(i).indices] = True
        found[self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]] = False
        found[i] = False
        return found

    def around(self, i: int) -> sp.csr_matrix:
        """The rows of the neighbours of position ``i``: who each of them knows. The last one asked
        for is kept, since a source's candidates, its features and its PageRank each ask for it."""
        return self._rows_around(i)[1]

    def reach(self, i: int) -> sp.csc_matrix:
        """``around(i)`` transposed, kept with it: a product with it sums over the contacts of ``i``
        into every node they know."""
        return self._rows_around(i)[2]

    def _rows_around(self, i: int) -> tuple[int, sp.csr_matrix, sp.csc_matrix]:
        last = self._around  # one read: another thread may replace it meanwhile
        if last is not None and last[0] == i:
            return last
        rows = self.matrix[self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]]
        found = self._around = (i, rows, rows.T)
        return found

    def neighbourhood_scores(self, source: str, candidates: Sequence[str]) -> dict[str, np.ndarray]:
        """Common neighbours, Adamic-Adar, resource allocation and preferential attachment of
        ``source`` with each candidate, as arrays in the candidates' order."""
        i = self.index[source]
        columns = np.array([self.index[c] for c in candidates], dtype=np.int64)
        first = self.neighbours(source)
        reach = self.around(i)
        scores = {}
        for name, weight in (
            ("common_neighbours", np.ones(len(first))),
            ("adamic_adar", self.inverse_log_degree[first]),
            ("resource_allocation", self.inverse_degree[first]),
        ):
            summed = _dense(reach.T @ weight) if len(first) else np.zeros(self.matrix.shape[0])
            scores[name] = summed[columns]
        scores["preferential_attachment"] = self.degree[i] * self.degree[columns]
        return scores

    def pagerank_at(
        self, source: int, columns: np.ndarray, steps: int = PPR_STEPS, second: np.ndarray | None = None
    ) -> np.ndarray:
        """Personalized PageRank from ``source`` (a position), its walks cut at ``steps`` (at least 2)
        steps: for each of ``columns``, the chance that a walk from the source which stops with
        probability ``PPR_ALPHA`` at every step stops there within ``steps`` steps.

        The walk is followed step by step over the rows of the nodes it can stand on, and its last
        step only into ``columns``, each over its own row: three steps reach every candidate two
        steps away by every route through the source's contacts and theirs, exactly, without
        cutting a neighbourhood out of the matrix. Each step is a product with the rows it reads;
        ``second``, where the walk stands after two steps, when the caller has it: the rows of the
        source's contacts times what each passes on (``second_step``), a product the neighbourhood
        scores make too.
        """
        inverse = self.inverse_degree
        rank = PPR_ALPHA * (columns == source)  # it stops where it starts
        first = self.among(columns, self.neighbours_at(source))  # one step: at each contact alike
        rank += PPR_ALPHA * (1 - PPR_ALPHA) ** 1 * np.where(first, inverse[source], 0.0)
        at = self.reach(source) @ self.second_step(source) if second is None else second
        support = self.around(source).indices  # where it may stand after two steps
        rank += PPR_ALPHA * (1 - PPR_ALPHA) ** 2 * at[columns]
        for step in range(3, steps):
            support = np.flatnonzero(at)  # where this step starts from
            at = self.matrix[support].T @ (at[support] * inverse[support])
            rank += PPR_ALPHA * (1 - PPR_ALPHA) ** step * at[columns]
        if steps > 3:
            support = np.flatnonzero(at)
        passed = np.zeros(len(at))  # what each node passes on at the last step (nothing where the walk is not)
        passed[support] = at[support] * inverse[support]
        return rank + PPR_ALPHA * (1 - PPR_ALPHA) ** steps * self.row_sums(columns, passed)  # type: ignore[no-any-return]

    @staticmethod
    def among(columns: np.ndarray, ordered: np.ndarray) -> np.ndarray:
        """Which of ``columns`` are in ``ordered`` (positions, sorted: a row's ends), as a mask."""
        if not len(ordered):
            return np.zeros(len(columns), dtype=bool)
        return ordered[np.minimum(np.searchsorted(ordered, columns), len(ordered) - 1)] == columns  # type: ignore[no-any-return]

    def second_step(self, i: int) -> np.ndarray:
        """What each contact of position ``i`` passes on to each of its own contacts at the second
        step of a walk from ``i``: the chance the walk stands on it after one step, over its degree."""
        return self.inverse_degree[i] * self.inverse_degree[self.neighbours_at(i)]  # type: ignore[no-any-return]

    def entries_of(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ties of each of ``columns`` (positions) as two flat arrays: which of ``columns`` (its
        place in them), and the tie's entry in the matrix's arrays (``indices`` holds its other end;
        what is kept beside them, e.g. ``features.Ties``, its warmth); a gather, no new matrix."""
        m = self.matrix
        starts = m.indptr[columns]
        lengths = m.indptr[columns + 1] - starts
        owner = np.repeat(np.arange(len(columns)), lengths)
        ends = np.cumsum(lengths)
        within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
        return owner, np.repeat(starts, lengths) + within

    def entry(self, i: int, j: int) -> int:
        """The place in the matrix's arrays of the tie between positions ``i`` and ``j`` (adjacent)."""
        m = self.matrix
        start, end = m.indptr[i], m.indptr[i + 1]
        at = int(start + np.searchsorted(m.indices[start:end], j))
        if at == end or m.indices[at] != j:
            raise KeyError((self.nodes[i], self.nodes[j]))
        return at

    def row_sums(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """For each of ``columns``, the sum of ``values`` (one per position) over its neighbours."""
        return self.matrix[columns] @ values  # type: ignore[no-any-return]


def _dense(vector: Any) -> np.ndarray:
    """A flat float array from a sparse row or a dense array."""
    return np.asarray(vector.todense() if sp.issparse(vector) else vector, dtype=np.float64).ravel()
