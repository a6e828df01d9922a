"""``graphsvc evaluate``'s table: which baseline the recommender is held against."""

from __future__ import annotations

from graphsvc.analysis.evaluation import best_baseline, evaluate, ranking, summary, table
from graphsvc.interchange.classic import classic_document


def test_a_baseline_that_scores_every_candidate_alike_is_chance_not_the_best_baseline():
    # The Florentine families: no tie has ended (EdgeBank scores every pair 0) and no family has
    # an area or a theme (area+themes too): both have AUC 0.5 by construction, ranking nothing.
    runs = [evaluate(classic_document("florentine"), "time", seed) for seed in (1, 2)]
    assert all(run.scores["edgebank"].auc == 0.5 and not run.scores["edgebank"].ranks for run in runs)
    among = ranking(runs)
    assert "edgebank" not in among and "area_themes" not in among and "adamic_adar" in among
    summarised = summary(runs)
    assert best_baseline(summarised, "auc") == "edgebank"  # among every baseline, the constant would lead
    assert best_baseline(summarised, "auc", among) == "preferential_attachment"
    shown = table({"time": runs}, columns=("auc",))
    assert "| time | edgebank (every candidate alike) | 0.500±0.000 |" in shown
    assert "| time | preferential_attachment | 0.477±0.000* |" in shown
