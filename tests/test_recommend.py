"""The recommender, its batch command and its offline evaluation, on real graphs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

from graphsvc.analysis.evaluation import BASELINES, METHODS, evaluate, split
from graphsvc.analysis.ranker import RANKERS
from graphsvc.analysis.recommend import recommend, recommend_many, scoring_for
from graphsvc.domain.document import batch_from_document
from graphsvc.engine import Engine
from graphsvc.interchange.classic import NETWORKS, classic_document

from .test_cli import run


def test_suggestions_leave_out_linked_rejected_and_private(demo_engine: Engine):
    view = demo_engine.view()
    context = scoring_for(view)
    suggestions = recommend(context, "oke-nu", first=20)
    assert suggestions
    for s in suggestions:
        assert not demo_engine.view().adjacent("oke-nu", s.target)
        target = view.stakeholder(s.target)
        assert target is not None and (target.kind.value != "RESIDENT" or target.visibility.value == "PUBLIC")
    rejected = frozenset({("oke-nu", suggestions[0].target)})
    assert suggestions[0].target not in {s.target for s in recommend(context, "oke-nu", first=20, rejected=rejected)}


def test_the_introduction_path_is_a_shortest_one_through_the_best_connected_shared_contact(city_engine: Engine):
    view = city_engine.view()
    context = scoring_for(view)
    sources = [n.id for n in view.search(area="WK099900")][:40]
    found = [s for lists in recommend_many(context, sources, top=3).values() for s in lists]
    shared = [s for s in found if s.common_contacts]
    assert shared
    for s in found:
        if s.common_contacts:
            assert s.path == (s.source, s.common_contacts[0], s.target) and s.linker == s.common_contacts[0]
            assert view.adjacent(s.source, s.linker) and view.adjacent(s.linker, s.target)
        elif s.path:
            assert len(s.path) == nx.shortest_path_length(context.graph, s.source, s.target) + 1 > 3


def test_lists_for_an_area_do_not_send_everyone_to_one_hub(city_engine: Engine):
    view = city_engine.view()
    context = scoring_for(view)
    sources = [n.id for n in view.search(area="WK099900")]
    lists = recommend_many(context, sources, top=3, per_partner=3)
    given: dict[str, int] = {}
    for found in lists.values():
        assert len(found) <= 3
        for s in found:
            given[s.target] = given.get(s.target, 0) + 1
    for target, count in given.items():
        node = view.stakeholder(target)
        assert count <= max(3, node.capacity or 0), target


def test_time_split_hides_the_latest_relations(small_city: dict):
    relations = batch_from_document(small_city).relations
    kept, hidden = split(relations, "time", seed=1)
    assert len(hidden) == len(relations) // 10
    assert min(r.since or "" for r in hidden) >= max(r.since or "" for r in kept)


def test_the_recommender_is_level_with_the_best_baseline_on_a_synthetic_city(small_city: dict):
    for protocol in ("random", "time"):
        run = evaluate(small_city, protocol, seed=1)
        assert set(run.scores) == set(METHODS)
        best = max(run.scores[m].average_precision for m in BASELINES)
        assert run.scores["recommender"].average_precision >= 0.8 * best, protocol
        for found in run.scores.values():
            assert 0 <= found.average_precision <= 1 and 0 <= found.precision[10] <= 1
            assert 0 <= found.auc <= 1 and 0 <= found.pooled_ap <= 1


def test_real_networks_go_through_the_import_format():
    for name in NETWORKS:
        batch = batch_from_document(classic_document(name))
        assert batch.nodes and batch.relations
        run = evaluate(classic_document(name), "random", seed=1)
        assert run.scores["recommender"].recall[20] > 0, name
        assert run.model.ranker in RANKERS


def test_recommend_and_evaluate_commands(tmp_path: Path):
    from graphsvc.resources import seed_path

    store = str(tmp_path / "g.sqlite")
    assert run("import", "--quiet", "--store", store, str(seed_path())).returncode == 0
    out = tmp_path / "wk.csv"
    done = run("recommend", "--quiet", "--store", store, "--area", "WK034403", "--top", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert rows and all(float(r["score"]) > 0 and r["explanation"] for r in rows)
    as_json = tmp_path / "wk.json"
    missing = run(
        "recommend",
        "--store",
        store,
        "--area",
        "WK034403",
        "--cut",
        "random",
        "--format",
        "json",
        "--out",
        str(as_json),
    )
    assert missing.returncode == 0 and "from a random cut of the history" in missing.stderr, missing.stderr
    assert json.loads(as_json.read_text())[0]["parts"]
    evaluated = run("evaluate", "--network", "florentine", "--json")  # no dates: no time protocol
    assert evaluated.returncode == 0 and set(json.loads(evaluated.stdout)) == {"random", "skipped"}
    table = run("evaluate", "--network", "karate", "--seeds", "1,2", "--protocol", "random", "--quiet")
    assert table.returncode == 0 and "| random | recommender |" in table.stdout and "±" in table.stdout
    unknown = run("recommend", "--store", store, "--area", "WK99", "--out", str(out))
    assert unknown.returncode == 2 and "no area with code WK99" in unknown.stderr
