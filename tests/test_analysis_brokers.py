"""Brokers against published results (Padgett's Florentine families) and on the demo city."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import pytest

from graphsvc.analysis import brokers, igraphs
from graphsvc.analysis.measures import Measures
from graphsvc.engine import Engine

from .engines import Engines
from .networks import florentine_document, slug

PRIVATE = {"res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"}


@pytest.fixture(scope="module")
def florence(module_engine_with: Engines) -> Engine:
    return module_engine_with(florentine_document())


def test_the_medici_are_the_top_broker_of_florence(florence: Engine):
    report = brokers(florence.view(), first=3)
    assert [b.id for b in report.brokers] == ["medici", "guadagni", "albizzi"]  # Padgett & Ansell 1993
    assert report.exact and report.nodes == 15 and report.relations == 20
    medici = report.brokers[0]
    assert medici.betweenness == pytest.approx(0.522, abs=1e-3)
    everyone = brokers(florence.view(), first=15).brokers
    assert medici.constraint == min(b.constraint for b in everyone if b.degree)


def test_the_measures_equal_networkx(florence: Engine):
    graph = nx.florentine_families_graph()
    expected = {
        "betweenness": nx.betweenness_centrality(graph),
        "constraint": nx.constraint(graph),
        "effective_size": nx.effective_size(graph),
    }
    for broker in brokers(florence.view(), first=15).brokers:
        family = next(f for f in graph if slug(f) == broker.id)
        if not graph.degree(family):
            continue  # Pucci: no ties, so no constraint or effective size
        for measure, values in expected.items():
            assert getattr(broker, measure) == pytest.approx(values[family], abs=1e-3), (family, measure)


def test_sampled_betweenness_is_within_its_stated_error(monkeypatch: pytest.MonkeyPatch):
    graph = nx.barabasi_albert_graph(400, 3, seed=1)  # heavy-tailed like a city, and always the same
    exact = nx.betweenness_centrality(graph)
    monkeypatch.setattr(igraphs, "EXACT_WORK", 0)
    monkeypatch.setattr(igraphs, "SAMPLE_SOURCES", 128)
    sampled = igraphs.betweenness(ig.Graph(n=400, edges=list(graph.edges())))
    assert sampled.sources == 128
    top = sorted(graph, key=lambda v: -exact[v])[:20]
    within = [abs(sampled.values[v] - exact[v]) <= 2 * sampled.errors[v] for v in top]
    assert sum(within) >= 17, "about 95% of the true values lie within two standard errors"
    ranked = sorted(graph, key=lambda v: -sampled.values[v])
    assert ranked[0] == top[0] and len(set(ranked[:10]) & set(top[:10])) >= 8


def test_demo_brokers_per_area_and_theme_leave_private_residents_out(engine_with: Engines, demo_doc: dict):
    engine = engine_with(demo_doc)
    cache = Measures(engine)
    city = brokers(engine.view(), first=5, cache=cache)
    assert city.brokers[0].id in {"samen030", "dock-utrecht"} and city.freshness.version == engine.version
    care = brokers(engine.view(), area_code="WK034403", theme="care", first=100, cache=cache)
    view = engine.view()
    for broker in care.brokers:
        node = view.stakeholder(broker.id)
        assert node is not None and "care" in node.themes and broker.id not in PRIVATE
    everyone = brokers(engine.view(), first=1000, cache=cache)
    assert PRIVATE.isdisjoint(b.id for b in everyone.brokers)
    assert all(b.kind.value != "MEETING" for b in everyone.brokers)
    cache.close()
