"""Offline evaluation of the recommender against the plain link-prediction baselines.

Two protocols hide relations and ask every method to find the hidden pairs again from the rest:
``random`` hides a seeded random 10% of the relations; ``time`` hides the 10% with the latest
``since`` dates, and measures everything as of the cut-off (a view with ``active_on`` the
cut-off: what held then, recency and load measured then), so the past predicts the future,
which is what a broker needs. A graph none of whose relations has a ``since`` date (the classic
networks) has no time to split by: ``unfit`` says so, ``split`` refuses it, and the command runs
the random protocol alone there.

The recommender is what graphsvc would serve on the graph that is left: a ``ranker.Model``
learned from that graph's own history (a second cut inside it, never the hidden pairs; cut the
way the protocol cuts, so it learns the question the protocol asks: which ties are missing, or
which form next), or the plain baseline it falls back to; it ranks its own candidate pool, as
in production, and places everyone else below. ``recommender + verdicts`` is the same after a simulated broker reviewed
the top 5 of other stakeholders' lists (accepting the hidden true pairs, rejecting the rest).
The baselines rank the same full candidate set per stakeholder: its hidden partners, every node
two steps away (the hard negatives), the recommender's pool, and ``RANDOM_NEGATIVES`` other
nodes drawn at random (all of them on a small graph). Besides the classic scores: Jaccard,
``edgebank`` (Poursafaei et al. 2022: a pair whose tie ended before the cut-off is predicted to
be tied again) and ``area_themes`` (area fit plus theme fit, content alone).

Per stakeholder with a hidden partner: AUC against all candidates and against the hard
negatives only, average precision, precision@k and recall@k (k = 5, 10, 20), averaged over
stakeholders; and AUC and AP pooled over all pairs. ``evaluate_seeds`` repeats a protocol over
several seeds and reports the mean and standard deviation.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..domain import Relation, ValidationError
from ..domain.document import batch_from_document
from ..engine import Role, View, Viewer, view_in_memory
from .features import COLUMN, Scoring, average_precision, cheap, make_scoring, positions
from .ranker import CUTS, KEEP, Model, Verdict, history_examples, history_of, learn, totals
from .recommend import candidates

KS = (5, 10, 20)
BASELINES = (
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "preferential_attachment",
    "edgebank",
    "area_themes",
)
METHODS = ("recommender", "recommender_verdicts", *BASELINES)
PROTOCOLS = CUTS  # each protocol asks what the recommender learns to answer from a cut of that kind
EVERYONE = Viewer(Role.ADMIN)  # the evaluation ranks pairs; what may be shown is not its question
RANDOM_NEGATIVES = 1000
REVIEWED_TOP = 5  # suggestions per stakeholder the simulated broker reviews
COLUMNS = ("auc", "auc_hard", "ap", *(f"p@{k}" for k in KS), *(f"r@{k}" for k in KS), "pooled_auc", "pooled_ap")


@dataclass(frozen=True)
class Scores:
    auc: float  # per source, against every candidate, averaged
    auc_hard: float  # per source, against the candidates two steps away only
    average_precision: float
    precision: dict[int, float]
    recall: dict[int, float]
    pooled_auc: float
    pooled_ap: float
    ranks: bool = True  # it scored some stakeholder's candidates differently (else its figures are chance's)

    def row(self) -> dict[str, float]:
        return {
            "auc": self.auc,
            "auc_hard": self.auc_hard,
            "ap": self.average_precision,
            **{f"p@{k}": v for k, v in self.precision.items()},
            **{f"r@{k}": v for k, v in self.recall.items()},
            "pooled_auc": self.pooled_auc,
            "pooled_ap": self.pooled_ap,
        }


@dataclass
class Run:
    """One protocol on one seed: every method's scores, and the models the recommender used."""

    protocol: str
    seed: int
    scores: dict[str, Scores]
    model: Model
    verdict_model: Model
    info: dict[str, Any] = field(default_factory=dict)


NO_DATES = "the time protocol needs relations with a 'since' date, and none of these has one: use the random protocol"


def unfit(relations: Sequence[Relation], protocol: str) -> str | None:
    """Why ``protocol`` cannot split these relations, or None if it can. Time needs some dates:
    without them the latest relations would be the last in the file, whose order is not time's."""
    if protocol == "time" and not any(r.since for r in relations):
        return NO_DATES
    return None


def split(relations: list[Relation], protocol: str, seed: int, fraction: float = 0.1) -> tuple[list, list]:
    """(kept, hidden): a seeded random share, or the latest by ``since`` (undated ones count as oldest).
    Raises ``ValidationError`` for a protocol the relations are ``unfit`` for."""
    if reason := unfit(relations, protocol):
        raise ValidationError(reason, field="protocol")
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


def cutoff_of(kept: list[Relation], protocol: str) -> date | None:
    """The day the time protocol measures on: the latest ``since`` kept (None: random, or nothing dated)."""
    if protocol != "time":
        return None
    dated = [r.since for r in kept if r.since]
    return date.fromisoformat(max(dated)) if dated else None


def training_view(doc: Mapping[str, Any], kept: list[Relation], active_on: date | None = None) -> View:
    """A view of the document's nodes and the kept relations, held in memory, as of ``active_on``."""
    return view_in_memory(batch_from_document(doc), kept, EVERYONE, active_on)


def evaluate(
    doc: Mapping[str, Any],
    protocol: str = "random",
    seed: int = 1,
    max_sources: int = 300,
    reviewed_sources: int = 100,
) -> Run:
    """Scores of the recommender and each baseline under one protocol and seed, on one document."""
    relations = batch_from_document(doc).relations
    kept, hidden = split(relations, protocol, seed)
    cutoff = cutoff_of(kept, protocol)
    view = training_view(doc, kept, cutoff)
    context = make_scoring(view)
    truth = _hidden_pairs(context, hidden)
    ended = _ended_pairs(context, kept, cutoff)
    rng = random.Random(seed)
    everyone = sorted(truth)
    rng.shuffle(everyone)
    reviewing = min(reviewed_sources, len(everyone) // 3)  # the simulated broker reviews others' lists
    reviewers = sorted(everyone[:reviewing])
    sources = sorted(everyone[reviewing : reviewing + max_sources])
    folds, how = history_of(context, seed, cut=protocol)  # the question the protocol asks: next, or missing
    history = history_examples(folds, seed)
    model = learn(folds, seed=seed, report={"protocol": how}, history=history)
    verdicts = _simulated_verdicts(context, reviewers, truth, model)
    verdict_model = learn(folds, context, verdicts, seed, {"protocol": how}, history)
    rankings: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {m: [] for m in METHODS}
    for source in sources:
        found = _method_scores(context, source, truth[source], ended, model, verdict_model, rng)
        labels, hard = found.pop("labels"), found.pop("hard")
        for method, values in found.items():
            rankings[method].append((values, labels.astype(bool), hard.astype(bool)))
    info = {
        "cutoff": cutoff.isoformat() if cutoff else None,
        "sources": len(sources),
        "hidden_pairs": sum(len(v) for v in truth.values()) // 2,
        "verdicts": len(verdicts),
        "accepted": sum(v.accepted for v in verdicts),
    }
    scores = {method: _scores(found, random.Random(seed)) for method, found in rankings.items()}
    return Run(protocol, seed, scores, model, verdict_model, info)


def _hidden_pairs(context: Scoring, hidden: list[Relation]) -> dict[str, set[str]]:
    """For each stakeholder, the hidden partners it is not also linked to in what was kept."""
    a = context.adjacency
    truth: dict[str, set[str]] = {}
    for rel in hidden:
        u, v = rel.source, rel.target
        if u in a.index and v in a.index and u != v and a.index[v] not in set(a.neighbours(u).tolist()):
            truth.setdefault(u, set()).add(v)
            truth.setdefault(v, set()).add(u)
    return truth


def _ended_pairs(context: Scoring, kept: list[Relation], cutoff: date | None) -> set[tuple[str, str]]:
    """Pairs tied before the cut-off by a relation that had ended by then (EdgeBank's memory)."""
    if cutoff is None:
        return set()
    day = cutoff.isoformat()
    index = context.adjacency.index
    return {
        (r.source, r.target) if r.source < r.target else (r.target, r.source)
        for r in kept
        if r.until and r.until < day and r.source in index and r.target in index
    }


def _simulated_verdicts(
    context: Scoring, reviewers: Sequence[str], truth: Mapping[str, set[str]], model: Model
) -> list[Verdict]:
    """A broker who reviews the top of each reviewer's list: accepts hidden true pairs, rejects the rest."""
    verdicts = []
    for source in reviewers:
        pool = candidates(context, source, policy=None)
        if not pool:
            continue
        scores, _, _ = totals(context, source, positions(context, pool), model, KEEP)
        for k in np.argsort(-scores, kind="stable")[:REVIEWED_TOP].tolist():
            verdicts.append(Verdict(source, pool[k], pool[k] in truth[source]))
    return verdicts


def _method_scores(
    context: Scoring,
    source: str,
    partners: set[str],
    ended: set[tuple[str, str]],
    model: Model,
    verdict_model: Model,
    rng: random.Random,
) -> dict[str, np.ndarray]:
    a = context.adjacency
    pool = set(candidates(context, source, policy=None))
    hard = set(a.two_hop(source))
    linked = set(a.neighbours(source).tolist()) | {a.index[source]}
    others = len(a.nodes) - len(linked)
    if others <= RANDOM_NEGATIVES + len(pool) + len(hard):
        drawn = {n for j, n in enumerate(a.nodes) if j not in linked}
    else:
        drawn = set()
        while len(drawn) < RANDOM_NEGATIVES:
            j = rng.randrange(len(a.nodes))
            if j not in linked:
                drawn.add(a.nodes[j])
    ids = sorted(pool | hard | partners | drawn)
    columns = positions(context, ids)
    rows = cheap(context, source, columns)
    in_pool = np.array([n in pool for n in ids])
    found: dict[str, np.ndarray] = {
        "labels": np.array([n in partners for n in ids]),
        "hard": np.array([n in hard for n in ids]),
    }
    for name, chosen in (("recommender", model), ("recommender_verdicts", verdict_model)):
        scores, _, _ = totals(context, source, columns, chosen, KEEP, rows)
        found[name] = np.where(in_pool, scores, -1.0)  # outside its pool: below every candidate it ranks
    for name in BASELINES[:5]:
        found[name] = rows[:, COLUMN[name]]
    found["edgebank"] = np.array([float(((source, n) if source < n else (n, source)) in ended) for n in ids])
    found["area_themes"] = rows[:, COLUMN["area"]] + rows[:, COLUMN["themes"]]
    return found


def _auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    ranks = rankdata(scores)  # ties share the average rank: a tie counts half
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _scores(rankings: list[tuple[np.ndarray, np.ndarray, np.ndarray]], rng: random.Random) -> Scores:
    aucs, hard_aucs, aps = [], [], []
    precision = {k: 0.0 for k in KS}
    recall = {k: 0.0 for k in KS}
    pooled_scores, pooled_labels = [], []
    ranks = False
    for values, labels, hard in rankings:
        ranks = ranks or (bool(len(values)) and values.min() < values.max())
        positives = int(labels.sum())
        auc = _auc(values, labels)
        if auc is not None:
            aucs.append(auc)
        hard_auc = _auc(values[labels | hard], labels[labels | hard])
        if hard_auc is not None:
            hard_aucs.append(hard_auc)
        aps.append(average_precision(values, labels))
        tie_break = np.random.default_rng(rng.randrange(2**32)).random(len(values))
        order = np.lexsort((tie_break, -values))  # ties in random order: no method gains from the id order
        for k in KS:
            hits = int(labels[order[:k]].sum())
            precision[k] += hits / k
            recall[k] += hits / positives
        pooled_scores.append(values)
        pooled_labels.append(labels)
    n = max(1, len(rankings))
    both_scores = np.concatenate(pooled_scores) if pooled_scores else np.zeros(0)
    both_labels = np.concatenate(pooled_labels) if pooled_labels else np.zeros(0, dtype=bool)
    mixed = both_labels.any() and not both_labels.all()
    return Scores(
        auc=float(np.mean(aucs)) if aucs else float("nan"),
        auc_hard=float(np.mean(hard_aucs)) if hard_aucs else float("nan"),
        average_precision=float(np.mean(aps)) if aps else 0.0,
        precision={k: v / n for k, v in precision.items()},
        recall={k: v / n for k, v in recall.items()},
        pooled_auc=(_auc(both_scores, both_labels) or float("nan")) if mixed else float("nan"),
        pooled_ap=average_precision(both_scores, both_labels),
        ranks=ranks,
    )


def evaluate_seeds(
    doc: Mapping[str, Any],
    protocol: str,
    seeds: Sequence[int] = (1, 2, 3),
    max_sources: int = 300,
    progress: Callable[[Run], object] = lambda run: None,
) -> list[Run]:
    """``evaluate`` once per seed."""
    runs = []
    for seed in seeds:
        run = evaluate(doc, protocol, seed, max_sources)
        progress(run)
        runs.append(run)
    return runs


def summary(runs: Sequence[Run]) -> dict[str, dict[str, tuple[float, float]]]:
    """Per method and column: (mean, standard deviation) over the runs."""
    found: dict[str, dict[str, tuple[float, float]]] = {}
    for method in METHODS:
        rows = [run.scores[method].row() for run in runs]
        found[method] = {}
        for column in COLUMNS:
            values = [r[column] for r in rows if r[column] == r[column]]  # NaN: no negatives or no positives
            mean = statistics.fmean(values) if values else float("nan")
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            found[method][column] = (mean, sd)
    return found


def ranking(runs: Sequence[Run]) -> list[str]:
    """The baselines that rank: that scored some stakeholder's candidates differently in some run.
    One that scores every candidate alike (EdgeBank where no tie had ended by the cut-off,
    area+themes on a graph without content) ranks nothing: its AUC is 0.5 by construction and its
    AP and P@k are what a random order gets, so it is chance, not a best baseline to be level with."""
    return [m for m in BASELINES if any(run.scores[m].ranks for run in runs)] or list(BASELINES)


def best_baseline(
    summarised: Mapping[str, Mapping[str, tuple[float, float]]], column: str, among: Sequence[str] = BASELINES
) -> str:
    """The baseline (of ``among``: those that rank, ``ranking``) with the best mean in ``column``."""
    return max(among, key=lambda m: summarised[m][column][0])


def table(
    results: Mapping[str, Sequence[Run]], columns: Sequence[str] = COLUMNS, skipped: Mapping[str, str] | None = None
) -> str:
    """A Markdown table: one row per protocol and method, mean ± standard deviation over the seeds;
    the best baseline of each column (of those that rank) is marked with *, and each protocol's rankers
    are listed under it, then each protocol ``skipped`` (protocol: why) that did not run."""
    lines = ["| protocol | method | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    notes = []
    for protocol, runs in results.items():
        summarised = summary(runs)
        among = ranking(runs)
        best = {c: best_baseline(summarised, c, among) for c in columns}
        for method in METHODS:
            cells = []
            for c in columns:
                mean, sd = summarised[method][c]
                mark = "*" if best[c] == method else ""
                cells.append(f"{mean:.3f}±{sd:.3f}{mark}" if len(runs) > 1 else f"{mean:.3f}{mark}")
            name = method if method in among or method not in BASELINES else f"{method} (every candidate alike)"
            lines.append(f"| {protocol} | {name} | " + " | ".join(cells) + " |")
        rankers = ", ".join(f"seed {r.seed}: {r.model.ranker}/{r.verdict_model.ranker}" for r in runs)
        notes.append(f"{protocol}: ranker (without/with verdicts) {rankers}")
        for run in runs:
            weights = ", ".join(f"{k} {v:.2f}" for k, v in sorted(run.model.weights.items(), key=lambda kv: -kv[1]))
            notes.append(
                f"{protocol} seed {run.seed}: {weights}; validation AP {run.model.report.get('validation_ap')}; "
                f"{run.info['hidden_pairs']} hidden pairs, {run.info['sources']} sources, "
                f"{run.info['accepted']}/{run.info['verdicts']} verdicts accepted"
            )
    notes += [f"{protocol}: not run: {reason}" for protocol, reason in (skipped or {}).items()]
    return "\n".join([*lines, "", *notes])
