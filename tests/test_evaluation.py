"""``graphsvc evaluate``'s protocols and table: what may be split by time, and which baseline the
recommender is held against."""

from __future__ import annotations

import pytest

from graphsvc.analysis.evaluation import best_baseline, evaluate, ranking, split, summary, table, unfit
from graphsvc.domain import ValidationError
from graphsvc.domain.document import batch_from_document
from graphsvc.interchange.classic import classic_document

from .networks import karate_document


def test_the_time_protocol_needs_dates_and_the_karate_club_has_none():
    karate = classic_document("karate")
    with pytest.raises(ValidationError) as refused:
        evaluate(karate, "time")
    assert refused.value.field == "protocol"
    assert "needs relations with a 'since' date" in str(refused.value) and "random protocol" in str(refused.value)
    relations = batch_from_document(karate).relations
    assert unfit(relations, "time") and unfit(relations, "random") is None
    assert evaluate(karate, "random").scores["recommender"].recall[20] > 0


def test_a_graph_with_some_dated_relations_is_split_by_its_dates():
    # Every other tie of the karate club dated, later down the file: the time protocol hides the
    # latest of them, the undated ones count as oldest.
    doc = karate_document()
    for i, relation in enumerate(doc["relations"][::2]):
        relation["since"] = f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}"
    relations = batch_from_document(doc).relations
    assert unfit(relations, "time") is None
    kept, hidden = split(relations, "time", seed=1)
    assert len(hidden) == len(relations) // 10 and all(r.since for r in hidden)
    assert min(r.since for r in hidden) > max(r.since or "" for r in kept)
    assert split(relations, "time", seed=2) == (kept, hidden)  # by date, not by seed


def test_a_baseline_that_scores_every_candidate_alike_is_chance_not_the_best_baseline():
    # The Florentine families: no tie has ended (EdgeBank scores every pair 0) and no family has
    # an area or a theme (area+themes too): both have AUC 0.5 by construction, ranking nothing.
    runs = [evaluate(classic_document("florentine"), "random", seed) for seed in (1, 2, 3)]
    assert all(run.scores["edgebank"].auc == 0.5 and not run.scores["edgebank"].ranks for run in runs)
    among = ranking(runs)
    assert "edgebank" not in among and "area_themes" not in among and "adamic_adar" in among
    summarised = summary(runs)
    assert best_baseline(summarised, "auc") == "edgebank"  # among every baseline, the constant would lead
    assert best_baseline(summarised, "auc", among) == "preferential_attachment"
    shown = table({"random": runs}, columns=("auc",))
    assert "| random | edgebank (every candidate alike) | 0.500±0.000 |" in shown
    assert "| random | preferential_attachment | 0.448±0.165* |" in shown
