"""Coverage gaps per neighbourhood and theme, and ego networks, on the demo and a synthetic city."""

from __future__ import annotations

import time
from datetime import date

import networkx as nx
import pytest

from graphsvc.analysis import coverage_gaps, ego_network
from graphsvc.domain import AreaLevel, NodeKind, NotFoundError, ValidationError
from graphsvc.engine import Engine

from .engines import Engines

PRIVATE = {"res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"}
OVERVECHT_BUURTEN = 10


@pytest.fixture(scope="module")
def demo(module_engine_with: Engines, demo_doc: dict) -> Engine:
    return module_engine_with(demo_doc)


def test_every_overvecht_buurt_is_checked_and_the_business_park_lacks_most(demo: Engine):
    gaps = coverage_gaps(demo.view(), "WK034403", ("care", "youth", "safety"))
    assert len(gaps) == OVERVECHT_BUURTEN and all(g.code.startswith("BU034403") for g in gaps)
    assert [g.missing for g in gaps] == sorted((g.missing for g in gaps), reverse=True)
    worst = gaps[0]
    assert worst.code == "BU03440333" and not worst.residents_organisations  # Bedrijvengebied: nobody organised
    for gap in gaps:
        assert [c.theme for c in gap.themes] == ["care", "youth", "safety"]
        assert gap.missing == len(gap.without_initiative) + len(gap.without_partner) + (not gap.residents_organisations)
        assert not gap.without_partner, "district-wide teams (buurtteam, jongerenwerk, wijkagenten) serve every buurt"


def test_a_theme_is_covered_by_a_running_local_initiative_only(demo: Engine):
    view = demo.view()
    gaps = {g.code: g for g in coverage_gaps(view, "WK034403", ("care",))}
    neckardreef = gaps["BU03440322"].themes[0]
    assert not neckardreef.initiatives and "mantelzorgcafe-overvecht" in neckardreef.district_initiatives
    klopvaart = gaps["BU03440332"].themes[0]
    assert "ouderenmaaltijd-klopvaart" in klopvaart.initiatives
    for gap in gaps.values():
        for initiative in gap.themes[0].initiatives:
            node = view.stakeholder(initiative)
            assert node is not None and node.status is not None and node.status.value in ("ACTIVE", "STARTING")
    before = {g.code: g for g in coverage_gaps(demo.view(active_on=date(2014, 1, 1)), "WK034403", ("care",))}
    assert "ouderenmaaltijd-klopvaart" not in before["BU03440332"].themes[0].initiatives  # it started in 2015


def test_gaps_come_one_level_at_a_time_and_bad_input_is_refused(demo: Engine):
    """Berkelland records wijken and working areas, no buurten: its wijken by default, the working
    areas when asked for; never a mix of levels in one answer."""
    berkelland = coverage_gaps(demo.view(), "GM1859", ("care",))
    assert "WK185900" in {g.code for g in berkelland} and {g.level for g in berkelland} == {AreaLevel.DISTRICT}
    working = coverage_gaps(demo.view(), "GM1859", ("care",), AreaLevel.WORKING_AREA)
    assert "GA1859-borculo" in {g.code for g in working} and {g.level for g in working} == {AreaLevel.WORKING_AREA}
    assert [g.code for g in coverage_gaps(demo.view(), "BU03440311")] == ["BU03440311"]
    with pytest.raises(NotFoundError):
        coverage_gaps(demo.view(), "WK999999")
    with pytest.raises(ValidationError):
        coverage_gaps(demo.view(), "WK034403", ("no-such-theme",))


def test_an_ego_network_holds_the_visible_neighbourhood_and_its_relations(demo: Engine):
    view = demo.view()
    ego = ego_network(view, "res-overvecht-057", hops=2, first=1000)
    assert not ego.truncated and ego.nodes[0].id == "res-overvecht-057" and ego.nodes[0].hops == 0
    expected = nx.single_source_shortest_path_length(view.graph, "res-overvecht-057", cutoff=2)
    assert {n.id: n.hops for n in ego.nodes} == expected
    kept = set(expected)
    assert {r.id for r in ego.relations} == {
        r for u in kept for v in view.graph[u] if v in kept for r in view.relations(u, v)
    }
    assert PRIVATE.isdisjoint(n.id for n in ego.nodes)
    with pytest.raises(NotFoundError):
        ego_network(view, "res-overvecht-006")


def test_an_ego_network_is_bounded_and_filtered_by_kind(demo: Engine):
    view = demo.view()
    small = ego_network(view, "dock-utrecht", hops=2, first=10)
    assert small.truncated and len(small.nodes) == 11 and {n.hops for n in small.nodes} == {0, 1}
    strengths = [view.tie("dock-utrecht", n.id).strength for n in small.nodes[1:]]
    assert strengths == sorted(strengths, reverse=True), "the strongest ties first"
    partners = ego_network(view, "dock-utrecht", hops=2, kinds=[NodeKind.WIJKPARTNER, NodeKind.ORGANISATION])
    assert len(partners.nodes) > 1
    assert all(n.kind in (NodeKind.WIJKPARTNER, NodeKind.ORGANISATION) for n in partners.nodes)


def test_ego_networks_stay_fast_around_a_hub(city_engine: Engine):
    view = city_engine.view()
    hub = max(view.graph, key=lambda n: view.graph.degree(n))
    ego_network(view, hub, hops=2)  # builds the network once
    started = time.perf_counter()
    ego = ego_network(view, hub, hops=2, first=100)
    assert time.perf_counter() - started < 0.05 and len(ego.nodes) <= 101
