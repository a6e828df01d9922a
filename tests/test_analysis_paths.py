"""Connection paths and introducers on the demo city and a synthetic one, checked against networkx."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise

import networkx as nx
import pytest

from graphsvc.analysis import connection_paths, introducers
from graphsvc.domain import Batch, NotFoundError, Relation, RelationKind
from graphsvc.engine import Engine, Role, Viewer

from .engines import Engines

PRIVATE = {"res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"}


@pytest.fixture(scope="module")
def demo(module_engine_with: Engines, demo_doc: dict) -> Engine:
    return module_engine_with(demo_doc)


@pytest.fixture(scope="module")
def city(module_engine_with: Engines, small_city: dict) -> Engine:
    return module_engine_with(small_city)


def test_a_resident_reaches_dock_in_four_hops_over_visible_relations(demo: Engine):
    view = demo.view()
    paths = connection_paths(view, "res-overvecht-057", "dock-utrecht")
    assert len(paths) == 3
    assert {p.length for p in paths} == {4}
    assert nx.shortest_path_length(view.graph, "res-overvecht-057", "dock-utrecht") == 4
    for path in paths:
        assert path.nodes[0] == "res-overvecht-057" and path.nodes[-1] == "dock-utrecht"
        for hop, (u, v) in zip(path.hops, pairwise(path.nodes), strict=True):
            assert (hop.source, hop.target) == (u, v)
            assert set(hop.relation_ids) == set(view.relations(u, v)) and hop.relation_ids


def test_among_equal_lengths_the_strongest_ties_come_first(demo: Engine):
    paths = connection_paths(demo.view(), "res-overvecht-057", "dock-utrecht", first=10)
    strengths = [p.strength for p in paths if p.length == 4]
    assert len(strengths) >= 3 and strengths == sorted(strengths, reverse=True)
    assert all(p.weakest <= p.strength for p in paths)


def test_private_residents_are_never_on_a_path_and_cannot_be_asked_for(demo: Engine):
    view = demo.view()
    for source, target in [("res-overvecht-057", "dock-utrecht"), ("res-overvecht-005", "buurtteam-overvecht-noord")]:
        for weighted in (False, True):
            for path in connection_paths(view, source, target, first=10, weighted=weighted):
                assert PRIVATE.isdisjoint(path.nodes)
    with pytest.raises(NotFoundError) as hidden:
        connection_paths(view, "res-overvecht-006", "dock-utrecht")
    with pytest.raises(NotFoundError) as missing:
        connection_paths(view, "no-such-id", "dock-utrecht")
    assert str(hidden.value).replace("res-overvecht-006", "X") == str(missing.value).replace("no-such-id", "X")
    assert connection_paths(demo.view(Viewer(Role.EDITOR)), "res-overvecht-006", "dock-utrecht")


def test_a_path_through_a_private_resident_is_not_found(demo_engine: Engine):
    # two strangers whose only tie runs through a private resident
    demo_engine.import_document(
        {
            "stakeholders": [
                {"id": "lone-a", "kind": "ORGANISATION", "name": "A"},
                {"id": "lone-b", "kind": "ORGANISATION", "name": "B"},
            ],
            "relations": [
                {"kind": "KNOWS", "source": "lone-a", "target": "res-overvecht-006", "strength": 1},
                {"kind": "KNOWS", "source": "res-overvecht-006", "target": "lone-b", "strength": 1},
            ],
        }
    )
    assert connection_paths(demo_engine.view(), "lone-a", "lone-b") == ()
    assert introducers(demo_engine.view(), "lone-a", "lone-b") == ()
    editor = demo_engine.view(Viewer(Role.EDITOR))
    assert connection_paths(editor, "lone-a", "lone-b")[0].nodes == ("lone-a", "res-overvecht-006", "lone-b")


def test_paths_agree_with_networkx_on_a_synthetic_city(city: Engine):
    view = city.view()
    rng = random.Random(3)
    ids = sorted(view.graph)
    for _ in range(40):
        a, b = rng.sample(ids, 2)
        try:
            expected = nx.shortest_path_length(view.graph, a, b)
        except nx.NetworkXNoPath:
            expected = None
        paths = connection_paths(view, a, b, max_hops=4, first=3)
        if expected is None or expected > 4:
            assert paths == ()
            continue
        assert paths[0].length == expected
        assert [p.length for p in paths] == sorted(p.length for p in paths)
        assert len({p.nodes for p in paths}) == len(paths)
        for path in paths:
            assert nx.is_simple_path(view.graph, list(path.nodes))


def test_the_k_shortest_paths_are_those_yen_finds_on_the_whole_graph(city: Engine):
    view = city.view()
    rng = random.Random(5)
    ids = sorted(view.graph)
    checked = 0
    while checked < 10:
        a, b = rng.sample(ids, 2)
        ours = [p.length for p in connection_paths(view, a, b, max_hops=4, first=5)]
        if not ours:
            continue
        whole = nx.shortest_simple_paths(view.graph, a, b)
        lengths = [len(p) - 1 for _, p in zip(range(len(ours)), whole, strict=False)]
        assert ours == [n for n in lengths if n <= 4][: len(ours)]
        checked += 1


def test_warm_paths_prefer_strong_current_ties(engine_with: Engines):
    people = ["a", "cold", "w1", "w2", "b"]
    engine = engine_with(
        {
            "stakeholders": [{"id": p, "kind": "ORGANISATION", "name": p} for p in people],
            "relations": [
                {"kind": "KNOWS", "source": "a", "target": "cold", "strength": 0.1},
                {"kind": "KNOWS", "source": "cold", "target": "b", "strength": 0.1},
                {"kind": "KNOWS", "source": "a", "target": "w1", "strength": 1},
                {"kind": "KNOWS", "source": "w1", "target": "w2", "strength": 1},
                {"kind": "KNOWS", "source": "w2", "target": "b", "strength": 1},
            ],
        }
    )
    view = engine.view()
    assert connection_paths(view, "a", "b", first=1)[0].nodes == ("a", "cold", "b")
    warm = connection_paths(view, "a", "b", first=2, weighted=True)
    assert warm[0].nodes == ("a", "w1", "w2", "b") and warm[0].cost == 1.5
    assert warm[1].nodes == ("a", "cold", "b") and warm[1].cost == pytest.approx(1.9)
    assert connection_paths(view, "a", "b", max_hops=2, weighted=True)[0].nodes == ("a", "cold", "b")


def test_ended_ties_count_on_their_day_only(engine_with: Engines):
    engine = engine_with(
        {
            "stakeholders": [{"id": p, "kind": "ORGANISATION", "name": p} for p in "abc"],
            "relations": [
                {"kind": "KNOWS", "source": "a", "target": "b", "since": "2015-01-01", "until": "2019-12-31"},
                {"kind": "KNOWS", "source": "b", "target": "c", "since": "2015-01-01"},
            ],
        }
    )
    assert connection_paths(engine.view(active_on=date(2018, 6, 1)), "a", "c")[0].length == 2
    assert connection_paths(engine.view(active_on=date(2021, 6, 1)), "a", "c") == ()
    cooled = connection_paths(engine.view(), "a", "c")[0].hops[0]
    assert 0 < cooled.recency < 1, "an ended tie is still a path without a day, but a cooler one"


def test_a_write_gives_a_new_view(demo_engine: Engine):
    before = connection_paths(demo_engine.view(), "res-overvecht-057", "dock-utrecht")[0].length
    demo_engine.write(
        Batch(relations=[Relation(None, RelationKind.KNOWS, "res-overvecht-057", "dock-utrecht", strength=0.9)])
    )
    assert before == 4 and connection_paths(demo_engine.view(), "res-overvecht-057", "dock-utrecht")[0].length == 1


def test_introducers_sit_on_most_of_the_short_strong_paths(demo: Engine):
    found = introducers(demo.view(), "res-overvecht-057", "dock-utrecht")
    assert found and len(found) <= 5
    shares = [i.share for i in found]
    assert shares == sorted(shares, reverse=True) and all(0 < s <= 1 for s in shares)
    top = found[0]
    assert all(top.id in p.nodes for p in top.paths) and top.path_count >= len(top.paths)
    assert PRIVATE.isdisjoint(i.id for i in found)
    assert {"res-overvecht-057", "dock-utrecht"}.isdisjoint(i.id for i in found)


def test_the_one_person_between_two_groups_is_the_introducer(engine_with: Engines):
    ties = [("a", "l1"), ("a", "l2"), ("l1", "hub"), ("l2", "hub"), ("hub", "r1"), ("hub", "r2")]
    ties += [("r1", "b"), ("r2", "b"), ("a", "s1"), ("s1", "s2"), ("s2", "s3"), ("s3", "b")]
    nodes = sorted({n for tie in ties for n in tie})
    engine = engine_with(
        {
            "stakeholders": [{"id": n, "kind": "ORGANISATION", "name": n} for n in nodes],
            "relations": [{"kind": "PARTNERS_WITH", "source": x, "target": y, "strength": 0.8} for x, y in ties],
        }
    )
    found = introducers(engine.view(), "a", "b", max_hops=4, first=10)
    assert found[0].id == "hub" and found[0].path_count == 4 and found[0].share == pytest.approx(0.8)
    assert {i.id: i.path_count for i in found[1:]} == {"l1": 2, "l2": 2, "r1": 2, "r2": 2, "s1": 1, "s2": 1, "s3": 1}
    assert introducers(engine.view(), "a", "b", max_hops=3) == (), "no path of three hops"
