"""Offline evaluation of the recommender against the plain link-prediction baselines.

Two protocols hide relations and ask every method to find them again from the rest:
``random`` hides a seeded random 10% of the relations; ``time`` hides the 10% with the latest
``since`` dates, so the past predicts the future, which is what a broker needs. Every method
ranks the same candidates for the same stakeholders (the recommender's candidate pool: two
steps away, or sharing a theme in the same wijk), and a hidden pair outside that pool counts
as missed by all. Reported, as in Liben-Nowell & Kleinberg (2007) and Lichtenwalter et al.
(2010): AUC, average precision (honest when true pairs are rare), and precision@k and
recall@k for k = 5, 10, 20, averaged over the stakeholders with a hidden pair.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ..domain import Relation
from ..domain.document import batch_from_document
from ..engine import Role, View, Viewer, view_in_memory
from .recommend import DEFAULT_WEIGHTS, Scoring, Weights, candidates, make_scoring, score

KS = (5, 10, 20)
METHODS = ("recommender", "common_neighbours", "adamic_adar", "resource_allocation", "preferential_attachment")
PROTOCOLS = ("random", "time")
EVERYONE = Viewer(Role.ADMIN)  # the evaluation ranks pairs; what may be shown is not its question


@dataclass(frozen=True)
class Scores:
    auc: float
    average_precision: float
    precision: dict[int, float]
    recall: dict[int, float]

    def row(self) -> dict[str, float]:
        return {
            "auc": self.auc,
            "ap": self.average_precision,
            **{f"p@{k}": v for k, v in self.precision.items()},
            **{f"r@{k}": v for k, v in self.recall.items()},
        }


def split(relations: list[Relation], protocol: str, seed: int, fraction: float = 0.1) -> tuple[list, list]:
    """(kept, hidden): a seeded random share, or the latest by ``since`` (undated ones count as oldest)."""
    count = max(1, int(len(relations) * fraction))
    if protocol == "random":
        order = list(range(len(relations)))
        random.Random(seed).shuffle(order)
    elif protocol == "time":
        order = sorted(range(len(relations)), key=lambda i: (relations[i].since or "", i), reverse=True)
    else:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    hidden_ids = set(order[:count])
    kept = [r for i, r in enumerate(relations) if i not in hidden_ids]
    return kept, [relations[i] for i in sorted(hidden_ids)]


def training_view(doc: Mapping[str, Any], kept: list[Relation]) -> View:
    """A view of the document's nodes and the kept relations, held in memory."""
    return view_in_memory(batch_from_document(doc), kept, EVERYONE)


def evaluate(
    doc: Mapping[str, Any],
    protocol: str = "random",
    seed: int = 1,
    max_sources: int = 300,
    weights: Weights = DEFAULT_WEIGHTS,
) -> dict[str, Scores]:
    """Scores of the recommender and each baseline under one protocol, on one document."""
    relations = batch_from_document(doc).relations
    kept, hidden = split(relations, protocol, seed)
    context = make_scoring(training_view(doc, kept))
    truth = _hidden_pairs(context, hidden)
    sources = sorted(truth)
    if len(sources) > max_sources:
        sources = sorted(random.Random(seed).sample(sources, max_sources))
    rankings: dict[str, list[tuple[list[float], list[bool], int]]] = {m: [] for m in METHODS}
    for source in sources:
        pool = candidates(context, source, policy=None)
        labels = [c in truth[source] for c in pool]
        for method, values in _method_scores(context, source, pool, weights).items():
            rankings[method].append((values, labels, len(truth[source])))
    return {method: _scores(found) for method, found in rankings.items()}


def _hidden_pairs(context: Scoring, hidden: list[Relation]) -> dict[str, set[str]]:
    """For each stakeholder, the hidden partners it is not also linked to in what was kept."""
    graph = context.graph
    truth: dict[str, set[str]] = {}
    for rel in hidden:
        u, v = rel.source, rel.target
        if u in graph and v in graph and not graph.has_edge(u, v) and u != v:
            truth.setdefault(u, set()).add(v)
            truth.setdefault(v, set()).add(u)
    return truth


def _method_scores(context: Scoring, source: str, pool: list[str], weights: Weights) -> dict[str, list[float]]:
    if not pool:
        return {m: [] for m in METHODS}
    network = context.adjacency.neighbourhood_scores(source, pool)
    found = {name: network[name].tolist() for name in METHODS[1:]}
    found["recommender"] = [s.total for s in score(context, source, pool, weights)]
    return found


def _scores(rankings: list[tuple[list[float], list[bool], int]]) -> Scores:
    all_scores: list[float] = []
    all_labels: list[bool] = []
    precision = {k: 0.0 for k in KS}
    recall = {k: 0.0 for k in KS}
    for values, labels, positives in rankings:
        missed = positives - sum(labels)  # hidden partners outside the pool: ranked last by every method
        all_scores += [*values, *([-1.0] * missed)]
        all_labels += [*labels, *([True] * missed)]
        order = np.argsort(-np.asarray(values), kind="stable") if values else np.array([], dtype=int)
        for k in KS:
            hits = sum(labels[i] for i in order[:k])
            precision[k] += hits / k
            recall[k] += hits / positives if positives else 0.0
    n = max(1, len(rankings))
    labels_array = np.asarray(all_labels)
    both = labels_array.any() and not labels_array.all()
    return Scores(
        auc=float(roc_auc_score(labels_array, all_scores)) if both else float("nan"),
        average_precision=float(average_precision_score(labels_array, all_scores)) if labels_array.any() else 0.0,
        precision={k: v / n for k, v in precision.items()},
        recall={k: v / n for k, v in recall.items()},
    )


def table(results: Mapping[str, Mapping[str, Scores]], fmt: Callable[[float], str] = "{:.3f}".format) -> str:
    """A Markdown table: one row per protocol and method."""
    columns = ["auc", "ap", *(f"p@{k}" for k in KS), *(f"r@{k}" for k in KS)]
    lines = ["| protocol | method | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for protocol, by_method in results.items():
        for method, scores in by_method.items():
            row = scores.row()
            lines.append(f"| {protocol} | {method} | " + " | ".join(fmt(row[c]) for c in columns) + " |")
    return "\n".join(lines)
