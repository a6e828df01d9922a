"""The caller's view: what it shows, how it finds stakeholders, and that the engine shares and frees it."""

from __future__ import annotations

import gc
import math
import weakref
from datetime import date

import msgspec
import networkx as nx
import pytest

from graphsvc.domain import Batch, NodeKind, Relation, RelationKind, Visibility, within
from graphsvc.domain.records import fold, search_text
from graphsvc.engine import Engine, View, edits
from graphsvc.engine.view import KIND_ORDER, Role, Viewer, match_rank
from graphsvc.generate import generate_city

from .engines import Engines

VIEWS = {
    "broker": {},
    "public": {"viewer": Viewer(Role.PUBLIC)},
    "on 2016-01-01": {"active_on": date(2016, 1, 1)},
    "knows and member of": {"relation_kinds": frozenset({RelationKind.KNOWS, RelationKind.MEMBER_OF})},
}


def without_the_hidden(doc: dict, viewer: Viewer) -> nx.Graph:
    """The demo city's stakeholders and meetings, with every resident the viewer may not see deleted."""
    hidden = {
        s["id"]
        for s in doc["stakeholders"]
        if s["kind"] == "RESIDENT" and Visibility(s.get("visibility", "PRIVATE")) not in viewer_sees(viewer)
    }
    graph = nx.Graph()
    graph.add_nodes_from(s["id"] for s in [*doc["stakeholders"], *doc.get("meetings", [])] if s["id"] not in hidden)
    graph.add_edges_from(
        (r["source"], r["target"]) for r in doc["relations"] if r["source"] in graph and r["target"] in graph
    )
    return graph


def viewer_sees(viewer: Viewer) -> frozenset[Visibility]:
    from graphsvc.engine.view import SEES_RESIDENTS

    return SEES_RESIDENTS[viewer.role]


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.BROKER, Role.EDITOR])
def test_a_views_graph_is_the_graph_with_the_hidden_deleted(demo_engine: Engine, demo_doc: dict, role: Role):
    view = demo_engine.view(Viewer(role))
    expected = without_the_hidden(demo_doc, Viewer(role))
    assert set(view.graph) == set(expected) == set(view.nodes)
    assert {frozenset(e) for e in view.graph.edges()} == {frozenset(e) for e in expected.edges()}
    assert view.edges_among(view.nodes) == sorted(tuple(sorted(e)) for e in expected.edges())


@pytest.mark.parametrize("asked", [*VIEWS.values(), {"viewer": Viewer(Role.BROKER, frozenset({"GM0344"}))}])
def test_a_views_relation_count_counts_the_relations_it_shows(demo_engine: Engine, asked: dict):
    view = demo_engine.view(**asked)
    among_nodes = sum(len(view.relations(u, v)) for u, v in view.edges_among(view.nodes))
    assert among_nodes == sum(1 for _ in view.relation_rows())
    counted = len(view.relation_ids_around(view.nodes))  # and those with an area at one end
    assert view.relation_count() == counted >= among_nodes
    if asked:
        assert counted < demo_engine.view().relation_count()


@pytest.mark.parametrize("asked", [*VIEWS.values(), {"viewer": Viewer(Role.BROKER, frozenset({"GM0344"}))}])
def test_a_views_relations_as_columns_are_its_relation_rows(demo_engine: Engine, asked: dict):
    view = demo_engine.view(**asked)
    some = {node: i for i, node in enumerate(sorted(view.nodes)[::2])}  # half the network: relations among those
    columns = view.relation_arrays(some)
    got = [
        (i, j, None if math.isnan(w) else w, since, until)
        for i, j, w, since, until in zip(*(c.tolist() for c in columns), strict=True)
    ]
    rows = view.relation_rows()
    assert got == [(some[u], some[v], w, a, b) for _, u, v, _, w, a, b in rows if u in some and v in some] != []


def test_networkx_reads_and_copies_the_views_graph_as_any_graph(demo_engine: Engine):
    view = demo_engine.view(Viewer(Role.EDITOR))
    copy = nx.Graph(view.graph)  # what an algorithm that changes its graph makes first
    for u, v, data in copy.edges(data=True):
        ids = data["r"] if isinstance(data["r"], tuple) else (data["r"],)
        assert type(data) is dict and list(data) == ["r"] and set(view.relations(u, v)) <= set(ids)
    a, b = sorted(view.nodes)[:2]
    assert nx.has_path(view.graph, a, b) == nx.has_path(copy, a, b)
    assert nx.shortest_path_length(view.graph, a, weight="weight") == nx.shortest_path_length(copy, a, weight="weight")


@pytest.mark.parametrize("asked", list(VIEWS.values()), ids=list(VIEWS))
def test_neighbours_reach_and_ties_agree_with_the_views_graph(demo_engine: Engine, asked: dict):
    view = demo_engine.view(**asked)
    for node in sorted(view.nodes)[::7]:
        assert view.neighbours(node) == set(view.graph[node])
        assert view.reach([node]) == set(view.graph[node])
        for other in view.neighbours(node):
            assert view.adjacent(node, other) and view.relations(node, other)
            assert view.tie(node, other).relation_ids == tuple(view.relations(node, other))


ASKED = [
    {},
    {"text": "buurtteam"},
    {"text": "OKÉ"},
    {"kinds": frozenset({NodeKind.WIJKPARTNER, NodeKind.ORGANISATION})},
    {"themes": ["care", "youth"]},
    {"area": "WK034403"},
    {"area": "BU03440322", "kinds": frozenset({NodeKind.RESIDENT})},
    {"area": "GM0344", "themes": ["care"], "text": "overvecht"},
    {"area": "WK999999"},
    {"text": "no such stakeholder"},
]


def by_hand(view: View, ids: list[str], text=None, kinds=None, themes=None, area=None) -> list[str]:
    """``View.search`` spelled out over every stakeholder the view shows of ``ids``."""
    found = []
    for node_id in ids:
        node = view.stakeholder(node_id)
        if node is None or (kinds and node.kind not in kinds) or (themes and not set(themes) & set(node.themes)):
            continue
        if area and not any(within(code, area) for code in node.areas):
            continue
        shown = fold(" ".join([node.name, *node.tags]))
        if text and not all(word in shown for word in fold(text).split()):
            continue
        found.append(node)
    found.sort(key=lambda n: (n.name.casefold(), n.id))
    if text:  # best match first, partners before residents, then by name
        found.sort(key=lambda n: (match_rank(fold(text).split(), fold(n.name), search_text(n)), KIND_ORDER[n.kind]))
    return [n.id for n in found]


@pytest.mark.parametrize(
    "asked",
    ASKED,
    ids=lambda asked: (
        ",".join(f"{k}={sorted(v) if isinstance(v, frozenset) else v}" for k, v in asked.items()) or "all"
    ),
)
@pytest.mark.parametrize("view_asked", list(VIEWS.values())[:3], ids=list(VIEWS)[:3])
def test_search_finds_what_the_view_shows(demo_engine: Engine, demo_doc: dict, asked: dict, view_asked: dict):
    view = demo_engine.view(**view_asked)
    ids = [s["id"] for s in demo_doc["stakeholders"]]
    assert [n.id for n in view.search(**asked)] == by_hand(view, ids, **asked)


def test_a_page_of_many_hits_is_the_page_of_the_whole_ranking(engine_with: Engines):
    """A page of a search with thousands of hits ranks only those it needs (``Ranked``): the same
    page as the whole ranking spelled out by hand, however it is read."""
    city = generate_city(3000, 6000, seed=3)
    view = engine_with(city).view(Viewer(Role.EDITOR))
    ids = [s["id"] for s in city["stakeholders"]]
    for text in ["Resid", "resident 1", "Initiative", "ent"]:  # names that begin with it, then words, anywhere
        expected = by_hand(view, ids, text)
        assert len(expected) > 100, text
        found = view.search(text)
        assert len(found) == len(expected)
        assert [n.id for n in found[:10]] == expected[:10], text
        assert [n.id for n in found[10:20]] == expected[10:20], text
        assert [n.id for n in found] == expected, text
        assert found[-1].id == expected[-1]
    assert not engine_with().view().search("resident"), "an empty graph: nothing found, nothing to rank"


def test_a_search_finds_the_partner_first_and_words_in_any_order(demo_engine: Engine):
    view = demo_engine.view()
    assert view.search("DOCK")[0].id == "dock-utrecht", "the partner named DOCK, not a resident tagged DOCK"
    role = view.search("gebiedswethouder gebied borculo")
    assert role and view.search("gebiedswethouder borculo")[0].id == role[0].id


def test_private_residents_are_never_found(demo_engine: Engine, demo_doc: dict):
    private = {s["id"] for s in demo_doc["stakeholders"] if s.get("visibility") == "PRIVATE"}
    assert private
    found = {n.id for n in demo_engine.view().search(kinds=frozenset({NodeKind.RESIDENT}))}
    assert found and not found & private
    assert all(demo_engine.view().node(key) is None for key in private), "hidden is answered as missing"


def test_a_write_is_found_at_once(demo_engine: Engine):
    assert not demo_engine.view().search("Jongerencafé")
    edits.create_node(
        demo_engine,
        demo_engine.view(),
        {"id": "jongerencafe", "kind": "INITIATIVE", "name": "Jongerencafé Neckardreef", "areas": ["BU03440322"]},
    )
    found = demo_engine.view().search("jongerencafe", area="WK034403")
    assert [n.id for n in found] == ["jongerencafe"]


def test_the_engine_shares_a_view_per_version_and_frees_the_superseded_ones(demo_engine: Engine):
    from graphsvc.analysis import connection_paths
    from graphsvc.analysis.recommend import scoring_for

    superseded = []
    for i in range(3):
        view = demo_engine.view()
        assert demo_engine.view() is view, "one view per version and caller"
        connection_paths(view, "res-overvecht-057", "dock-utrecht")
        scoring_for(view)  # what analyses keep with the view goes with it
        superseded.append(weakref.ref(view))
        del view
        demo_engine.write(
            Batch(relations=[Relation(None, RelationKind.KNOWS, "dock-utrecht", f"res-overvecht-00{i + 1}")])
        )
    gc.collect()
    assert [ref() for ref in superseded] == [None, None, None], "no superseded view is kept alive"


def test_a_token_scoped_to_one_municipality_sees_nothing_of_another(demo_engine: Engine):
    everywhere = demo_engine.view(Viewer(Role.BROKER))
    utrecht = demo_engine.view(Viewer(Role.BROKER, frozenset({"GM0344"})))
    outside = [n for n in everywhere.nodes if not any(within(c, "GM0344") for c in everywhere.node(n).areas)]
    assert outside and utrecht.nodes and utrecht.nodes == everywhere.nodes - set(outside)
    assert all(utrecht.node(n) is None for n in outside), "out of scope is answered as missing"
    assert set(utrecht.areas) == {code for code in everywhere.areas if within(code, "GM0344")}
    stranger = next(n for n in outside if everywhere.stakeholder(n) is not None)
    demo_engine.write(Batch(relations=[Relation(None, RelationKind.KNOWS, "dock-utrecht", stranger)]))
    across = demo_engine.view(Viewer(Role.BROKER)), demo_engine.view(Viewer(Role.BROKER, frozenset({"GM0344"})))
    assert [stranger in view.neighbours("dock-utrecht") for view in across] == [True, False], "no tie leaves the scope"
    ties = across[1].relations_of("dock-utrecht")
    assert ties and all(stranger not in (r.source, r.target) for r in ties)


def test_the_public_knows_public_residents_by_name_only(demo_engine: Engine, demo_doc: dict):
    public = demo_engine.view(Viewer(Role.PUBLIC))
    residents = {s["id"]: s for s in demo_doc["stakeholders"] if s["kind"] == "RESIDENT"}
    named = [key for key, s in residents.items() if s.get("visibility") == "PUBLIC"]
    assert named and not any(key in public.nodes for key in residents), "no resident is in the public's network"
    for key in named:
        shown = public.node(key)
        assert shown is not None and shown.name == residents[key]["name"]
        assert shown.areas == () and shown.themes == () and shown.tags == () and not public.neighbours(key)
    others = [key for key, s in residents.items() if s.get("visibility") != "PUBLIC"]
    assert all(public.node(key) is None for key in others)
    found = {n.id for n in public.search(kinds=frozenset({NodeKind.RESIDENT}))}
    assert found == set(named)


def test_an_objecting_resident_is_in_no_view(demo_engine: Engine):
    key = "res-overvecht-057"
    node = demo_engine.view(Viewer(Role.ADMIN)).node(key)
    demo_engine.write(Batch(nodes=[msgspec.structs.replace(node, objected=True)]))
    for role in Role:
        view = demo_engine.view(Viewer(role))
        assert view.node(key) is None and key not in view.graph


def test_the_residents_an_answer_names_follow_every_write(demo_engine: Engine):
    """What the audit log records of an answer: residents named by key or by name, as the view shows them."""
    key = "res-overvecht-057"
    node = demo_engine.view(Viewer(Role.ADMIN)).node(key)
    assert demo_engine.view().residents_named([node.name, "DOCK Utrecht", "dock-utrecht"]) == {key}
    demo_engine.write(Batch(nodes=[msgspec.structs.replace(node, name="Renamed R.")]))
    assert demo_engine.view().residents_named([node.name]) == set(), "the old name names nobody now"
    assert demo_engine.view().residents_named(["Renamed R."]) == {key}
    demo_engine.write(Batch(nodes=[msgspec.structs.replace(node, name="Renamed R.", objected=True)]))
    assert demo_engine.view().residents_named(["Renamed R.", key]) == set(), "a hidden resident is named by nothing"


def test_a_view_after_writes_shows_what_a_view_made_afresh_shows(engine_with, demo_doc: dict):
    """A new version's view starts from the last one's and asks the rule again of written nodes only."""
    engine = engine_with(demo_doc)
    viewers = [Viewer(Role.PUBLIC), Viewer(Role.BROKER), Viewer(Role.BROKER, frozenset({"GM0344"}))]
    residents = [s for s in demo_doc["stakeholders"] if s["kind"] == "RESIDENT"]
    public = next(s["id"] for s in residents if s.get("visibility") == "PUBLIC")
    private = next(s["id"] for s in residents if s.get("visibility", "PRIVATE") == "PRIVATE")
    changes = [
        (public, {"visibility": Visibility.PRIVATE}),
        (private, {"visibility": Visibility.PUBLIC, "name": "Nu openbaar"}),
        (public, {"visibility": Visibility.PUBLIC}),
        (private, {"objected": True}),
    ]

    def as_made_afresh() -> None:
        afresh = engine_with.reopen(engine)
        for viewer in viewers:
            ours, theirs = engine.view(viewer), afresh.view(viewer)
            assert ours.nodes == theirs.nodes
            assert ours.reach(theirs.nodes) == theirs.reach(theirs.nodes), "hidden nodes and areas stay out"
            assert [n.id for n in ours.search()] == [n.id for n in theirs.search()], "residents known by name too"
            for text in ("nu", "n", "nu openbaar"):  # found by name and tags; ranked by name
                assert [n.id for n in ours.search(text)] == [n.id for n in theirs.search(text)], text
                assert [n.id for n in ours.search(text, area="GM0344")] == [
                    n.id for n in theirs.search(text, area="GM0344")
                ], text
            assert all(ours.node(s["id"]) == theirs.node(s["id"]) for s in residents)

    for key, change in [*changes[:3] * 3, changes[3]]:  # more writes than name places are patched before made anew
        for viewer in viewers:
            engine.view(viewer).search("nu")  # the views (name lists, search indexes) the next version's start from
        node = engine.view(Viewer(Role.ADMIN)).node(key)
        engine.write(Batch(nodes=[msgspec.structs.replace(node, **change)]))
        as_made_afresh()

    engine.write(Batch(relations=[Relation(None, RelationKind.KNOWS, "dock-utrecht", public)]))  # ties only
    as_made_afresh()
    engine.write(Batch(delete_nodes=["dock-utrecht"]))
    as_made_afresh()
