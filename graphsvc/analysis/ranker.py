"""A ranker learned per graph from the graph's own history, that is never worse than the best plain baseline.

**The model.** A candidate's score is a weighted sum of its ``features``, each squashed to
0..1 (``log(1 + x / scale) / log(1 + top / scale)``, at most 1, with the scale the median of the
feature among the graph's candidates where it is not 0 and top its 99.9th percentile),
with weights that are at least 0 and add up to 1; so the parts of every explanation add up to
the score, as the explanation promises. The weights are a logistic regression's (scikit-learn)
on the squashed features, refitted without the features it weighs below 0 until none is:
a feature that counts against a pair is a feature that stands in for another, and would make
the parts of an explanation say the opposite of what they mean.

**Learning from history** (``learn``): features from the ties that held on a cut-off day
(``features.History``), labels from the pairs tied after it: the latest tenth of the dated
relations, or, where the dates do not say when ties formed, a seeded random tenth. The cut
is the question the model learns to answer (``split_history``): by time, which ties form next
(what the API serves); at random, which ties are missing from the records (``graphsvc
recommend --cut random``, and ``graphsvc evaluate``'s random protocol). A model learned for
one question ranks worse on the other: by time it leans on area fit, since new ties are
mostly local; at random on shared contacts. Brokers'
verdicts are labels too: an accepted pair is a positive example, a rejected one a negative
one, each weighing ``VERDICT_WEIGHT`` times an ordinary pair; its features are the present
ones, as the broker saw them.

**Never worse than a baseline.** The sources are split in two; the model is fitted on one half
and both it and every plain baseline (``features.BASELINES``) rank the other half's whole
candidate pools (``validate``; the model as a list ranks them, walking the shared contacts of
the ``KEEP`` best only). Judged on a sample of the candidates instead, a model that puts area
fit first looked better than it ranks: the many candidates nearby crowd the top of a whole
list. Beside the model, blends of it with the best baseline (``BLENDS``: a quarter, half or
three quarters of the weight moved to that baseline's feature, so the parts still add up) are
judged alike: on the big cities the model and the shared contacts miss different ties.

**Clearly ahead, or Adamic-Adar** (``clearly_best``). Of the model, the blends and the
baselines, the best by mean average precision on the history ranks (of equal ones, a baseline:
where the model does not beat the best baseline, that baseline ranks), if it is clearly ahead of
Adamic-Adar; else Adamic-Adar ranks (``ROBUST``: the strongest plain score on social and
collaboration networks in Liben-Nowell & Kleinberg's comparison, 2007). A history of a few
hundred stakeholders, or of a few dozen ties on a small network, can put one ranker ahead of
another by a pair or two; clearly ahead is ahead by more than ``NOISE`` standard errors of the
lead (``lead``: the differences in average precision are paired, as every ranker ranks the same
stakeholders, and a stakeholder judged on several cuts of a small history counts once). With
``NOISE`` one this is the one-standard-error rule of model selection (Breiman et al. 1984;
Hastie, Tibshirani & Friedman 2009, section 7.10): the simpler choice stands unless the other is
ahead by more than the error of the comparison. Two standard errors were tried: they sent three
of the four runs of a 20,000-stakeholder city back to Adamic-Adar, whose held-out average
precision there was 0.098 where the model's had been 0.113. A baseline that ranks (a model with
weight 1 on it) says so in every suggestion (``RANKED_BY_*``); ``graphsvc evaluate --json``
shows every ranker's lead over Adamic-Adar and its standard error (``lead_over_adamic_adar``).

**In the background** (``Trainer``): the API serves with the last model (or the hand-set
``DEFAULT`` weights before the first one is learned) while a thread learns the next, when the
graph has changed by ``REFIT_SHARE`` of its ties since; on a graph of more than
``PROCESS_NODES`` nodes the thread gathers the ``Lesson`` and a worker process learns from it.
"""

from __future__ import annotations

import logging
import math
import pickle
import random
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from ..domain import Node, RelationKind
from ..gcpause import paused_gc
from .features import (
    BASELINES,
    COLUMN,
    FEATURES,
    WALKED,
    Fact,
    History,
    Scoring,
    Snapshot,
    Walked,
    Walks,
    average_precision,
    cheap,
    pool,
    positions,
    walks,
)
from .worker import Stopped, Worker

log = logging.getLogger(__name__)

# squashed by a scale; meetings by halving; the rest are shares already
SCALED = (*BASELINES, "pagerank", "kinds", "strength", "popular_nearby")
DEFAULT_SCALES = {
    "common_neighbours": 2.0,
    "adamic_adar": 1.0,
    "resource_allocation": 0.1,
    "jaccard": 0.05,
    "preferential_attachment": 100.0,
    "pagerank": 0.01,
    "kinds": 1.0,
    "strength": 0.05,
    "popular_nearby": 10.0,
}
TOP = 20.0  # before a model is learned, a feature counts fully at 20 times its scale
_MEETINGS = COLUMN["meetings"]


def _squashed(raw: np.ndarray, scale: Any, full: Any) -> np.ndarray:
    """``log(1 + x / scale) / log(1 + top / scale)``, at most 1 (``full``: the divisor)."""
    return np.minimum(1.0, np.log1p(raw / scale) / full)  # type: ignore[no-any-return]


SOURCES = 400  # sources whose candidates a model learns from
NEGATIVES = 100  # candidates without a later tie kept per source (all positives are kept)
KEEP = 200  # candidates of a source whose shared contacts a list walks, at the least
BLENDS = (0.25, 0.5, 0.75)  # the shares of the best baseline in the blends judged beside the model
VERDICT_WEIGHT = 5.0
REFIT_SHARE = 0.05  # refit when the ties changed by this share since the model was learned
HISTORY_SHARE = 0.1  # the latest tenth of the relations are the future a model learns to predict
RANKERS = ("MODEL", "DEFAULT", *BASELINES)


@dataclass(frozen=True)
class Model:
    """How to rank: a weight (>= 0, together 1) and a scale per feature, and what chose them."""

    ranker: str  # MODEL (learned), DEFAULT (hand-set, before one is learned) or the baseline it fell back to
    weights: Mapping[str, float]
    scales: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SCALES))
    tops: Mapping[str, float] = field(default_factory=dict)  # where a feature counts fully (default: TOP scales)
    report: Mapping[str, Any] = field(default_factory=dict)  # how it was learned: protocol, counts, validation

    def values(self, rows: np.ndarray, weighed: bool = False) -> np.ndarray:
        """Raw feature rows squashed to 0..1, column by column (the scaled ones in one go); with
        ``weighed``, only the features the model weighs, the others 0 (they add nothing to a score)."""
        scaled, scale, full, plain, meetings = self._squashing(weighed)
        found = np.zeros_like(rows) if weighed else rows.copy()
        found[:, scaled] = _squashed(rows[:, scaled], scale, full)
        if weighed:
            found[:, plain] = rows[:, plain]
        if meetings:
            found[:, _MEETINGS] = self.squash("meetings", rows[:, _MEETINGS])
        return found

    def squash(self, name: str, raw: np.ndarray) -> np.ndarray:
        """One feature's raw values squashed to 0..1 (the shares are 0..1 already)."""
        if name == "meetings":
            return 1 - 0.5**raw  # type: ignore[no-any-return]
        if name not in SCALED:
            return raw
        _, scale, full, _, _ = self._squashing(False)
        k = SCALED.index(name)
        return _squashed(raw, scale[k], full[k])

    def _squashing(self, weighed: bool) -> tuple[list[int], np.ndarray, np.ndarray, list[int], bool]:
        """How ``values`` squashes (all features, or the weighed ones): the scaled columns with their
        scales and divisors, the other columns taken as they are, and whether meetings are squashed."""
        return self._weighed if weighed else self._every

    @cached_property
    def _every(self) -> tuple[list[int], np.ndarray, np.ndarray, list[int], bool]:
        return self._squashing_of(FEATURES)

    @cached_property
    def _weighed(self) -> tuple[list[int], np.ndarray, np.ndarray, list[int], bool]:
        return self._squashing_of(tuple(name for name in FEATURES if self.weights.get(name, 0.0) > 0))

    def _squashing_of(self, names: Sequence[str]) -> tuple[list[int], np.ndarray, np.ndarray, list[int], bool]:
        scaled = [name for name in SCALED if name in names]
        scales = [self.scales[name] for name in scaled]
        tops = [max(self.tops.get(name, TOP * scale), scale) for name, scale in zip(scaled, scales, strict=True)]
        full = [np.log1p(top / scale) for top, scale in zip(tops, scales, strict=True)]
        plain = [COLUMN[name] for name in names if name not in SCALED and name != "meetings"]
        return [COLUMN[name] for name in scaled], np.array(scales), np.array(full), plain, "meetings" in names

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES])

    def totals(self, values: np.ndarray) -> np.ndarray:
        """The score of each row of squashed ``values``: row by row, so that a candidate scores to
        the last digit alike whichever other rows are scored with it (a matrix product need not)."""
        return (values * self.vector).sum(axis=1)  # type: ignore[no-any-return]

    def items(self) -> list[tuple[str, float]]:
        """The parts an explanation shows: the features it weighs, in ``FEATURES`` order."""
        return [(name, self.weights[name]) for name in FEATURES if self.weights.get(name, 0.0) > 0]


DEFAULT = Model(
    "DEFAULT",
    {
        "adamic_adar": 0.25,
        "pagerank": 0.25,
        "themes": 0.10,
        "area": 0.20,
        "needs": 0.05,
        "meetings": 0.05,
        "recency": 0.05,
        "capacity": 0.05,
    },
)


def baseline(name: str, report: Mapping[str, Any] | None = None) -> Model:
    """Ranking by one plain score alone (any squash keeps its order)."""
    return Model(name, {name: 1.0}, report=dict(report or {}))


# -- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scored:
    """A candidate's evidence and total, before it is put into words."""

    source: str
    target: str
    total: float
    row: np.ndarray  # squashed features, 0..1, in ``FEATURES`` order (those the model does not weigh: 0)
    contacts: tuple[str, ...]
    strong: int = 0  # shared contacts with a strong tie to both

    @property
    def values(self) -> dict[str, float]:
        return {name: float(self.row[k]) for k, name in enumerate(FEATURES)}


def totals(
    snapshot: Snapshot,
    source: str,
    columns: np.ndarray,
    model: Model,
    keep: int | None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, Walked]]:
    """Scores of ``source`` with each candidate: the cheap features for all (``rows`` when
    already computed), the ``WALKED`` ones for the ``keep`` best by the rest (all when None).
    Returns (totals, values, walked) where ``walked`` maps a row number to its ``Walked``."""
    rows, values, scores = _cheap_scores(snapshot, source, columns, model, rows)
    picked = _walkable(rows, scores, keep, keep is None and not _walked_weight(model))
    found = _walk_into(snapshot, source, columns, picked, model, rows, values, scores)
    return scores, values, {k: found[n] for n, k in enumerate(picked.tolist())}


def _walkable(rows: np.ndarray, scores: np.ndarray, keep: int | None, none: bool = False) -> np.ndarray:
    """The row numbers (ascending) whose shared contacts are walked: the ``keep`` best by ``scores``
    (all when None; none with ``none``) that have a shared contact."""
    chosen = np.arange(len(scores))
    if keep is not None and len(scores) > keep:
        chosen = _best(scores, keep)
    elif none:
        chosen = chosen[:0]  # nothing to walk for: no contacts asked, no weight on them
    return _shared(rows, chosen)


def _best(scores: np.ndarray, keep: int) -> np.ndarray:
    """The row numbers of the ``keep`` best ``scores`` (fewer than all), in no order."""
    return np.argpartition(-scores, keep - 1)[:keep]


def _shared(rows: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Those of ``chosen`` (row numbers) with a shared contact, ascending: the others have nothing to walk."""
    return np.sort(chosen[rows[chosen, COLUMN["common_neighbours"]] > 0])


def _cheap_scores(
    snapshot: Snapshot, source: str, columns: np.ndarray, model: Model, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, values, scores) of every candidate before any is walked (its ``WALKED`` features 0)."""
    wanted = frozenset(name for name, weight in model.weights.items() if weight > 0)
    rows = cheap(snapshot, source, columns, wanted) if rows is None else rows.copy()
    values = model.values(rows, weighed=True)
    return rows, values, model.totals(values)


def _walked_weight(model: Model) -> float:
    """The most the ``WALKED`` features can add to a score (each is squashed to at most 1)."""
    return sum(model.weights.get(name, 0.0) for name in WALKED)


def _walk_into(
    snapshot: Snapshot,
    source: str,
    columns: np.ndarray,
    picked: np.ndarray,
    model: Model,
    rows: np.ndarray,
    values: np.ndarray,
    scores: np.ndarray,
) -> Walks:
    """Walks the shared contacts of the ``picked`` candidates (row numbers, ascending) and scores
    them again with what the walks found, in place; returns the ``Walks``, in ``picked``'s order."""
    found = walks(snapshot, source, columns[picked])
    if len(picked):
        rows[picked, COLUMN["strength"]] = found.strength
        rows[picked, COLUMN["recency"]] = found.recency
        for name in WALKED:  # only these changed
            values[picked, COLUMN[name]] = model.squash(name, rows[picked, COLUMN[name]])
        scores[picked] = model.totals(values[picked])
    return found


def _scored(snapshot: Snapshot, source: str, column: int, total: float, row: np.ndarray, w: Walked | None) -> Scored:
    target = snapshot.adjacency.nodes[column]
    return Scored(source, target, total, row, w.contacts if w else (), w.strong if w else 0)


def score(snapshot: Snapshot, source: str, columns: np.ndarray, model: Model, keep: int | None = None) -> list[Scored]:
    """The candidates of ``source`` (positions in the adjacency) scored, the ``keep`` best (all
    when None) with their shared contacts."""
    if not len(columns):
        return []
    scores, values, walked = totals(snapshot, source, columns, model, keep)
    order = np.argsort(-scores, kind="stable")
    if keep is not None:
        order = order[:keep]
    kept = values[order]  # a copy: the rows kept must not hold every candidate's
    return [
        _scored(snapshot, source, int(columns[k]), float(scores[k]), kept[n], walked.get(k))
        for n, k in enumerate(order.tolist())
    ]


class Ranking:
    """``score(snapshot, source, columns, model, keep)``, one candidate at a time, best first; a
    list for a whole area takes the first few of most stakeholders' rankings, seldom all ``keep``,
    so a candidate's shared contacts are named only when it is taken.

    ``skip``, a mask over the adjacency's positions that the caller may grow while it reads,
    marks candidates it will pass over whatever they score (partners suggested as often as a
    list allows): they are left out and do not count towards ``keep``.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        source: str,
        columns: np.ndarray,
        model: Model,
        keep: int,
        skip: np.ndarray | None = None,
    ):
        rows, values, scores = _cheap_scores(snapshot, source, columns, model)
        chosen = _best(scores, keep) if len(columns) > keep else np.arange(len(columns))
        picked = _shared(rows, chosen)
        if len(columns) > keep:  # none below the keep-th score can reach the top: keep no more than may
            near = np.flatnonzero(scores >= scores[chosen].min())
            walked = np.zeros(len(columns), dtype=bool)
            walked[picked] = True
            columns, rows, values, scores, walked = columns[near], rows[near], values[near], scores[near], walked[near]
            picked = np.flatnonzero(walked)
        self.walks = _walk_into(snapshot, source, columns, picked, model, rows, values, scores)
        self.walked = {k: n for n, k in enumerate(picked.tolist())}  # row number -> its place in the walks
        self.snapshot, self.source, self.columns, self.values, self.scores = snapshot, source, columns, values, scores
        self.order = np.lexsort((np.arange(len(scores)), -scores)).tolist()  # best first; of equal ones, the first
        self.next = 0
        self.left = keep
        self.skip = skip

    def __iter__(self) -> Ranking:
        return self

    def __next__(self) -> Scored:
        while self.left and self.next < len(self.order):
            k = self.order[self.next]
            self.next += 1
            if self.skip is None or not self.skip[self.columns[k]]:
                self.left -= 1
                n = self.walked.get(k)
                return _scored(
                    self.snapshot,
                    self.source,
                    int(self.columns[k]),
                    float(self.scores[k]),
                    self.values[k].copy(),
                    None if n is None else self.walks[n],
                )
        raise StopIteration


# -- learning --------------------------------------------------------------------------------
@dataclass
class Examples:
    """Raw feature rows, labels (1: tied later, or accepted), weights, and the source of each row."""

    rows: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    sources: dict[int, str] = field(default_factory=dict)  # each group's source (of the history's pairs)

    def add(self, rows: np.ndarray, labels: np.ndarray, weight: float, group: int, source: str | None = None) -> None:
        self.rows.append(rows)
        self.labels.append(labels)
        self.weights.append(np.full(len(labels), weight))
        self.groups.append(np.full(len(labels), group))
        if source is not None:
            self.sources[group] = source

    def add_all(self, other: Examples, offset: int) -> None:
        self.rows += other.rows
        self.labels += other.labels
        self.weights += other.weights
        self.groups += [g + offset for g in other.groups]
        self.sources.update({g + offset: source for g, source in other.sources.items()})

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not self.rows:
            empty = np.zeros((0, len(FEATURES)))
            return empty, np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
        return (
            np.vstack(self.rows),
            np.concatenate(self.labels),
            np.concatenate(self.weights),
            np.concatenate(self.groups),
        )


def _walked_rows(snapshot: Snapshot, source: str, columns: np.ndarray) -> np.ndarray:
    rows = cheap(snapshot, source, columns)
    chosen = np.flatnonzero(rows[:, COLUMN["common_neighbours"]] > 0)  # no shared contact: 0 and 0
    found = walks(snapshot, source, columns[chosen])
    rows[chosen, COLUMN["strength"]], rows[chosen, COLUMN["recency"]] = found.strength, found.recency
    return rows


def examples(past: Snapshot, future: Mapping[str, set[str]], sources: Sequence[str], rng: random.Random) -> Examples:
    """For each source: its candidates in ``past`` that were tied later, and ``NEGATIVES`` that were not."""
    found = Examples()
    for g, source in enumerate(sources):
        candidates = pool(past, source, everyone=True)
        later = np.isin(candidates, positions(past, future.get(source, ())))
        positive = candidates[later].tolist()
        if not positive:
            continue
        negative = candidates[~later].tolist()
        if len(negative) > NEGATIVES:
            negative = rng.sample(negative, NEGATIVES)
        columns = np.array([*positive, *negative], dtype=np.int64)
        labels = np.zeros(len(columns))
        labels[: len(positive)] = 1
        found.add(_walked_rows(past, source, columns), labels, 1.0, g, source)
    return found


@dataclass(frozen=True)
class Verdict:
    source: str
    target: str
    accepted: bool


def verdict_examples(present: Snapshot, verdicts: Iterable[Verdict]) -> Examples:
    """Brokers' verdicts as labelled pairs, with the features the pair has now."""
    found = Examples()
    index = present.adjacency.index
    by_source: dict[str, list[Verdict]] = {}
    for v in verdicts:
        if v.source in index and v.target in index and v.source != v.target:
            by_source.setdefault(v.source, []).append(v)
    for source, given in sorted(by_source.items()):
        rows = _walked_rows(present, source, positions(present, [v.target for v in given]))
        found.add(rows, np.array([1.0 if v.accepted else 0.0 for v in given]), VERDICT_WEIGHT, -1)
    return found


def scales_of(rows: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
    """Each scaled feature's median and 99.9th percentile among the candidates where it is not 0
    (the defaults where it always is)."""
    scales, tops = {}, {}
    for name in SCALED:
        column = rows[:, COLUMN[name]]
        positive = column[column > 0]
        scales[name] = float(np.median(positive)) if len(positive) else DEFAULT_SCALES[name]
        tops[name] = float(np.quantile(positive, 0.999)) if len(positive) else TOP * scales[name]
    return scales, tops


def fit(values: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> dict[str, float] | None:
    """Non-negative weights that add up to 1, from a logistic regression on squashed features
    (refitted without the features it weighs below 0 until none is); None if none is left."""
    if labels.min(initial=1) == labels.max(initial=0):
        return None
    kept = [k for k in range(len(FEATURES)) if values[:, k].std() > 0]
    while kept:
        model = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=100)
        with threadpool_limits(1):  # a small problem: threads cost more than they give, on a shared machine
            model.fit(values[:, kept], labels, sample_weight=weights)
        coef = model.coef_[0]
        if coef.min() >= 0:
            total = float(coef.sum())
            if total <= 0:
                return None
            return {FEATURES[k]: round(float(c) / total, 6) for k, c in zip(kept, coef, strict=True) if c > 0}
        kept = [k for k, c in zip(kept, coef, strict=True) if c > 0]  # all that count against at once: few refits
    return None


Fold = tuple[Snapshot, Mapping[str, set[str]]]  # a past, and the pairs tied after it


def validate(
    folds: Sequence[Fold], held: Iterable[tuple[int, str]], models: Mapping[str, Model]
) -> tuple[list[str], dict[str, np.ndarray]]:
    """Average precision of each model and of every baseline on each held-out source (fold number,
    source) that was tied later: each ranks the source's whole candidate pool in its past, a model
    as a list does (``totals``, walking the ``KEEP`` best), against the pairs tied after it.
    Returns the sources judged, in order, and each ranker's average precisions in that order."""
    judged: list[str] = []
    found: dict[str, list[float]] = {name: [] for name in (*models, *BASELINES)}
    for f, source in held:
        past, future = folds[f]
        columns = pool(past, source, everyone=True)
        labels = np.isin(columns, positions(past, future.get(source, ())))
        if not labels.any():
            continue
        judged.append(source)
        rows = cheap(past, source, columns)
        for name, model in models.items():
            found[name].append(average_precision(totals(past, source, columns, model, KEEP, rows)[0], labels))
        for name in BASELINES:
            found[name].append(average_precision(rows[:, COLUMN[name]], labels))
    return judged, {name: np.array(aps) for name, aps in found.items()}


ROBUST = "adamic_adar"  # what ranks unless the history shows clearly better (Liben-Nowell & Kleinberg 2007)
NOISE = 1.0  # clearly: ahead by more than this many standard errors of the lead (the one-standard-error rule)


def lead(aps: np.ndarray, over: np.ndarray, sources: Sequence[str]) -> tuple[float, float]:
    """How far one ranker is ahead of another by average precision on the history, and the standard
    error of that: the mean and standard error of the per-stakeholder differences (a stakeholder
    judged on several cuts of a small history counts once, with its differences averaged: its
    cuts are not independent of each other)."""
    _, which = np.unique(np.array(sources, dtype=object), return_inverse=True)
    per = np.bincount(which, aps - over) / np.bincount(which)
    if len(per) < 2:
        return (float(per.mean()) if len(per) else 0.0), math.inf
    return float(per.mean()), float(per.std(ddof=1) / math.sqrt(len(per)))


def mean_ap(aps: np.ndarray) -> float:
    return float(aps.mean()) if len(aps) else 0.0


def clearly_best(aps: Mapping[str, np.ndarray], sources: Sequence[str]) -> str:
    """The best ranker by mean average precision on the history (``aps``: on each of the ``sources``
    judged; of equal ones, a baseline: the simpler) if it is clearly ahead of ``ROBUST``, by more
    than ``NOISE`` standard errors of its ``lead``; else ``ROBUST``."""
    best = max(sorted(aps, key=lambda name: name not in BASELINES), key=lambda name: mean_ap(aps[name]))
    ahead, error = lead(aps[best], aps[ROBUST], sources)
    return best if ahead > max(0.0, NOISE * error) else ROBUST


def blend_name(share: float) -> str:
    """How validation names the model with ``share`` of the best baseline blended in."""
    return f"model+{share:g}" if share else "model"


def blended(weights: Mapping[str, float], name: str, share: float) -> dict[str, float]:
    """``weights`` taking ``1 - share`` of the score, the feature ``name`` the rest (still together 1)."""
    found = {k: v * (1 - share) for k, v in weights.items()}
    found[name] = found.get(name, 0.0) + share
    return {k: round(v, 6) for k, v in found.items() if v > 0}


def history_examples(folds: Sequence[Fold], seed: int = 1) -> Examples:
    """The labelled pairs of every fold: ``SOURCES`` sources in all, each with its own group."""
    rng = random.Random(seed)
    history = Examples()
    for f, (past, future) in enumerate(folds):
        sources = sorted(s for s in future if s in past.adjacency.index)
        share = max(1, SOURCES // len(folds))
        if len(sources) > share:
            sources = sorted(rng.sample(sources, share))
        history.add_all(examples(past, future, sources, rng), offset=f * FOLD_GROUPS)
    return history


FOLD_GROUPS = SOURCES + 1  # the groups of fold f are f * FOLD_GROUPS and up


def learn(
    folds: Sequence[Fold],
    present: Snapshot | None = None,
    verdicts: Sequence[Verdict] = (),
    seed: int = 1,
    report: Mapping[str, Any] | None = None,
    history: Examples | None = None,
    reviewed: Examples | None = None,
) -> Model:
    """A model learned from each past and the ties formed after it (``history``: their labelled
    pairs when already made), and from the verdicts (with ``present``'s features; ``reviewed``: their
    labelled pairs when already made), a blend of it, or a baseline: whichever ``clearly_best`` chooses."""
    began = time.perf_counter()
    if history is None:
        history = history_examples(folds, seed)
    rows, labels, weights, groups = history.arrays()
    info: dict[str, Any] = {**(report or {}), "folds": len(folds), "sources": len(set(groups.tolist()))}
    info["pairs"] = len(labels)
    info["positives"] = int(labels.sum())
    if not len(labels) or not labels.any():
        info["seconds"] = round(time.perf_counter() - began, 2)
        return baseline(ROBUST, report={**info, "why": "no later ties to learn from"})
    scales, tops = scales_of(rows)
    squash = Model("MODEL", {}, scales, tops)
    values = squash.values(rows)
    halves = groups % 2
    train, held = halves == 0, halves == 1
    fitted = fit(values[train], labels[train], weights[train])
    held_out = sorted({(g // FOLD_GROUPS, history.sources[g]) for g in groups[held].tolist() if g in history.sources})
    judged, aps = validate(folds, held_out, {"model": Model("MODEL", fitted or {}, scales, tops)})
    best = max(BASELINES, key=lambda name: mean_ap(aps[name]))
    if fitted is None:
        del aps["model"]
    else:  # the model leaning on the best baseline: where either misses, the other may not
        mixed = {blend_name(b): Model("MODEL", blended(fitted, best, b), scales, tops) for b in BLENDS}
        aps.update({name: found for name, found in validate(folds, held_out, mixed)[1].items() if name in mixed})
    chosen = clearly_best(aps, judged)
    info["validation_ap"] = {name: round(mean_ap(found), 4) for name, found in aps.items()}
    info["lead_over_" + ROBUST] = {
        name: [round(x, 4) for x in lead(found, aps[ROBUST], judged)] for name, found in aps.items() if name != ROBUST
    }
    extra = (
        reviewed if reviewed is not None else verdict_examples(present, verdicts) if present is not None else Examples()
    )
    info["verdicts"] = sum(len(found) for found in extra.labels)
    if fitted is None or chosen in BASELINES:
        info["seconds"] = round(time.perf_counter() - began, 2)
        why = "clearly ahead of " + ROBUST if chosen != ROBUST else "nothing was clearly ahead of it"
        return baseline(chosen, {**info, "why": why + " on the graph's history"})
    share = next((b for b in BLENDS if blend_name(b) == chosen), 0.0)
    info["blend"] = {best: share} if share else {}
    if extra.rows:
        more_rows, more_labels, more_weights, _ = extra.arrays()
        values = np.vstack([values, squash.values(more_rows)])
        labels = np.concatenate([labels, more_labels])
        weights = np.concatenate([weights, more_weights])
    final = blended(fit(values, labels, weights) or fitted, best, share)
    info["seconds"] = round(time.perf_counter() - began, 2)
    return Model("MODEL", final, scales, tops, info)


# -- the graph's own history ----------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    """The relations a view shows, as columns (ends as places in ``nodes``, kinds as places in
    ``RelationKind``, strength NaN where unknown, dates as ordinals), ordered by their ends' places,
    then by id: the graph's past in a form that travels to a worker process whole."""

    nodes: Sequence[str]
    source: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    strength: np.ndarray
    since: np.ndarray
    until: np.ndarray

    def facts(self) -> list[Fact]:
        nodes, kinds = self.nodes, list(RelationKind)
        columns = (self.source, self.target, self.kind, self.strength, self.since, self.until)
        return [
            Fact(nodes[u], nodes[v], kinds[k], None if math.isnan(w) else w, a, b)
            for u, v, k, w, a, b in zip(*(c.tolist() for c in columns), strict=True)
        ]


def record_of(scoring: Scoring) -> Record:
    """Every relation the view shows between stakeholders and meetings (``View.relation_rows``)."""
    index = scoring.adjacency.index
    code = {kind: k for k, kind in enumerate(RelationKind)}
    rows = [row for row in scoring.view.relation_rows() if row[1] != row[2]]
    n = len(rows)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=n)
    sources = np.fromiter((index[row[1]] for row in rows), dtype=np.int64, count=n)
    targets = np.fromiter((index[row[2]] for row in rows), dtype=np.int64, count=n)
    order = np.lexsort((ids, np.maximum(sources, targets), np.minimum(sources, targets)))
    return Record(
        scoring.adjacency.nodes,
        sources[order],
        targets[order],
        np.fromiter((code[row[3]] for row in rows), dtype=np.int8, count=n)[order],
        np.fromiter((math.nan if row[4] is None else row[4] for row in rows), dtype=np.float64, count=n)[order],
        np.fromiter((row[5] for row in rows), dtype=np.int64, count=n)[order],
        np.fromiter((row[6] for row in rows), dtype=np.int64, count=n)[order],
    )


SMALL_HISTORY = 5_000  # a graph with fewer relations learns from several cuts of its history


CUTS = ("random", "time")  # the questions a history can be cut to ask: which ties are missing, which form next


def split_history(
    nodes: Mapping[str, Node],
    areas: Mapping[str, Any],
    facts: Sequence[Fact],
    day: int,
    seed: int = 1,
    cut: str = "time",
    ever: bool = False,
) -> tuple[list[Fold], str]:
    """Pasts a model learns from, each with the pairs tied after it, and how they were cut ('time' or 'random').

    With ``cut`` 'time' (which ties form next), by time when most relations are dated: the
    cut-off is the day before which nine tenths of them began; the future is the pairs first
    tied after it. With ``cut`` 'random' (which ties are missing from the records), or where the
    dates do not say when ties formed, a seeded random tenth of the pairs is the future, and the
    past the rest, on ``day`` (with ``ever``, every tie, ended or not, as a view on no particular
    day shows the graph: the past then looks like the present the model will rank). A small graph (fewer than ``SMALL_HISTORY`` relations) is cut
    several times (at eight and seven tenths too; ten random tenths), so that there are enough
    later ties to learn from and to judge the model by.
    """
    if cut not in CUTS:
        raise ValueError(f"unknown cut {cut!r}; expected one of {', '.join(CUTS)}")
    small = len(facts) < SMALL_HISTORY
    dated = sorted(f.since for f in facts if f.since)
    if cut == "time" and len(dated) >= 0.5 * len(facts) and len(set(dated)) >= 10:
        shares = (0.9, 0.8, 0.7) if small else (0.9,)
        return [_time_fold(nodes, areas, facts, dated[int(len(dated) * share)] - 1) for share in shares], "time"
    pairs = sorted({(f.source, f.target) if f.source < f.target else (f.target, f.source) for f in facts})
    return [_random_fold(nodes, areas, facts, pairs, day, seed + k, ever) for k in range(10 if small else 1)], "random"


def _time_fold(nodes: Mapping[str, Node], areas: Mapping[str, Any], facts: Sequence[Fact], cutoff: int) -> Fold:
    past = History(nodes, areas, facts, cutoff)
    future: dict[str, set[str]] = {}
    a = past.adjacency
    for f in facts:
        new = f.since > cutoff and f.source != f.target and f.source in a.index and f.target in a.index
        if new and not past.tied(f.source, f.target):
            future.setdefault(f.source, set()).add(f.target)
            future.setdefault(f.target, set()).add(f.source)
    return past, future


def _random_fold(
    nodes: Mapping[str, Node],
    areas: Mapping[str, Any],
    facts: Sequence[Fact],
    pairs: Sequence[tuple[str, str]],
    day: int,
    seed: int,
    ever: bool,
) -> Fold:
    hidden = set(random.Random(seed).sample(pairs, max(1, int(len(pairs) * HISTORY_SHARE)))) if pairs else set()
    kept = [f for f in facts if ((f.source, f.target) if f.source < f.target else (f.target, f.source)) not in hidden]
    past = History(nodes, areas, kept, day, ever)
    future: dict[str, set[str]] = {}
    for u, v in hidden:
        if u in past.adjacency.index and v in past.adjacency.index:
            future.setdefault(u, set()).add(v)
            future.setdefault(v, set()).add(u)
    return past, future


def history_of(scoring: Scoring, seed: int = 1, cut: str = "time") -> tuple[list[Fold], str]:
    """The view's graph cut in past and future (``split_history``), from the relations it shows."""
    return lesson_of(scoring, seed, cut).folds()


def verdicts_of(scoring: Scoring) -> list[Verdict]:
    return [Verdict(r.source, r.target, r.verdict == "ACCEPTED") for r in scoring.view.reviews()]


@dataclass(frozen=True)
class Lesson:
    """All that learning needs of a view, none of it the view: made where the view is, learned from
    anywhere (``learn_lesson``), e.g. in a worker process."""

    nodes: Mapping[str, Node]
    areas: Mapping[str, Any]
    record: Record
    day: int
    ever: bool  # the view shows every tie, ended or not (no particular day)
    reviewed: Examples  # the brokers' verdicts as labelled pairs, with the features they have now
    seed: int = 1
    cut: str = "time"

    def folds(self) -> tuple[list[Fold], str]:
        """The history cut in past and future as ``cut`` asks (``split_history``)."""
        with paused_gc():  # a fact per relation, and the pasts made of them: millions of objects, no cycles
            facts = self.record.facts()
            return split_history(self.nodes, self.areas, facts, self.day, self.seed, self.cut, ever=self.ever)


def lesson_of(scoring: Scoring, seed: int = 1, cut: str = "time") -> Lesson:
    view = scoring.view
    nodes = {n: scoring.node(n) for n in scoring.adjacency.nodes}
    reviewed = verdict_examples(scoring, verdicts_of(scoring))
    return Lesson(nodes, dict(view.areas), record_of(scoring), view.day, view.active_on is None, reviewed, seed, cut)


def learn_lesson(lesson: Lesson) -> Model:
    """A model learned from the history in ``lesson``, cut as it asks (``split_history``), and its verdicts."""
    folds, protocol = lesson.folds()
    return learn(folds, seed=lesson.seed, report={"protocol": protocol}, reviewed=lesson.reviewed)


def learn_from(scoring: Scoring, seed: int = 1, cut: str = "time") -> Model:
    """A model for the view's graph, learned from its own history cut as ``cut`` asks (``split_history``)
    and the verdicts on it."""
    began = time.perf_counter()
    model = learn_lesson(lesson_of(scoring, seed, cut))
    return replace(model, report={**model.report, "seconds_total": round(time.perf_counter() - began, 2)})


PROCESS_NODES = 20_000  # the API learns the ranker of a bigger graph in a worker process
NODES_PER_PART = 5_000  # nodes pickled at a time for the worker process


def _learn_parts(lesson: Lesson, parts: Sequence[bytes]) -> Model:
    """``learn_lesson`` in the worker process, the lesson's nodes sent in pickled parts."""
    nodes: dict[str, Node] = {}
    for part in parts:
        nodes.update(pickle.loads(part))
    return learn_lesson(replace(lesson, nodes=nodes))


class Trainer:
    """Keeps one graph's model: learned in a background thread, refitted when the graph changed enough.

    The thread makes the lesson (``lesson_of``: the relations as columns, the verdicts' pairs); a
    graph of more than ``process_nodes`` nodes (None: none) then learns in a worker process, so that
    the seconds of fitting and judging hold neither the GIL of the requests answered meanwhile nor,
    on a machine with cores to spare, their core. ``close`` ends it (the app's lifespan does), also
    in the middle of learning."""

    def __init__(self, background: bool = True, process_nodes: int | None = None):
        self.model: Model | None = None
        self.background = background
        self.process_nodes = process_nodes
        self._ties = 0  # how many ties the graph had when the model (or the one being learned) was made
        self._learned = 0  # ... and before that: restored when learning fails
        self._busy: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._worker: Worker | None = None

    def model_for(self, scoring: Scoring) -> Model:
        """The model to rank with now: the last one learned (``DEFAULT`` before the first); starts
        learning the next when there is none yet or the ties changed by ``REFIT_SHARE``."""
        ties = int(scoring.adjacency.matrix.nnz)
        with self._lock:
            stale = self.model is None or abs(ties - self._ties) > REFIT_SHARE * max(self._ties, 1)
            idle = self._busy is None or not self._busy.is_alive()
            if stale and idle and not self._stop.is_set():
                self._learned, self._ties = self._ties, ties
                if self.background:
                    self._busy = threading.Thread(target=self._learn, args=(scoring,), daemon=True, name="ranker")
                    self._busy.start()
                else:
                    self._learn(scoring)
        return self.model or DEFAULT

    def close(self) -> None:
        """Learn no more: a learning under way in a worker process is ended, the last model kept."""
        with self._lock:
            self._stop.set()
            worker = self._worker
        if worker is not None:
            worker.end()

    def _learn(self, scoring: Scoring) -> None:
        began = time.perf_counter()
        try:
            if self.process_nodes is not None and len(scoring.adjacency.nodes) > self.process_nodes:
                model = self._in_worker(lesson_of(scoring))
            else:
                model = learn_from(scoring)
        except Exception as error:  # keep the last model; the next request tries again
            self._ties = self._learned
            if isinstance(error, Stopped):
                log.info("learning the suggestion ranker was stopped")
            elif isinstance(error, RuntimeError):  # the graph changed size under us: a write landed
                log.info("learning the suggestion ranker was cut short by a write")
            else:
                log.exception("learning the suggestion ranker failed")
            return
        self.model = replace(model, report={**model.report, "seconds_total": round(time.perf_counter() - began, 2)})
        log.info("suggestion ranker: %s, learned in %.1f s", model.ranker, self.model.report["seconds_total"])

    def _in_worker(self, lesson: Lesson) -> Model:
        # The nodes go pickled in parts: pickling a city's nodes in one call holds the GIL, and with
        # it every request, for a second; the rest of the lesson is arrays, copied whole at once.
        nodes = list(lesson.nodes.items())
        parts = [pickle.dumps(dict(nodes[k : k + NODES_PER_PART])) for k in range(0, len(nodes), NODES_PER_PART)]
        with self._lock:
            if self._stop.is_set():
                raise Stopped
            worker = self._worker = Worker("graphsvc-ranker")
        try:
            return worker.call(self._stop, _learn_parts, replace(lesson, nodes={}), parts)  # type: ignore[no-any-return]
        finally:
            with self._lock:
                self._worker = None
            worker.end()
            worker.close()

    def wait(self, timeout: float | None = None) -> Model | None:
        busy = self._busy
        if busy is not None:
            busy.join(timeout)
        return self.model
