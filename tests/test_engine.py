"""The projection stays in step with the store: after writes, after a restart, across processes.

What the projection holds is read through an admin's view, which sees everything."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import pytest

from graphsvc.domain import Batch, Node, NodeKind, Relation, RelationKind, Visibility, validate
from graphsvc.engine import Engine, Role, Viewer, import_into

from .engines import Engines

ADMIN = Viewer(Role.ADMIN)


def projected_relations(engine: Engine) -> set[tuple]:
    view = engine.view(ADMIN)
    return {(r.id, r.kind.value, r.source, r.target) for node in view.nodes for r in view.relations_of(node)}


def projected_nodes(engine: Engine) -> set[str]:
    return set(engine.view(ADMIN).nodes)


def stored_relations(engine: Engine) -> set[tuple]:
    return {(r.id, r.kind.value, r.source, r.target) for page in engine.store.iter_relations() for r in page}


def test_the_projection_holds_what_the_store_holds(city_engine: Engine):
    assert projected_relations(city_engine) == stored_relations(city_engine)
    assert city_engine.view(ADMIN).relation_count() == len(stored_relations(city_engine))


def test_writes_reach_store_and_projection_together(city_engine: Engine):
    city_engine.write(
        Batch(
            nodes=[Node("new-init", NodeKind.INITIATIVE, "Buurtmoestuin", themes=("living_environment",))],
            relations=[Relation(None, RelationKind.MEMBER_OF, "s0", "new-init", strength=0.9)],
        )
    )
    city_engine.write(Batch(delete_nodes=["s1"]))
    assert "s1" not in projected_nodes(city_engine) and "new-init" in projected_nodes(city_engine)
    assert projected_relations(city_engine) == stored_relations(city_engine)


def test_a_restart_rebuilds_the_same_graph(city_engine: Engine, engine_with: Engines):
    city_engine.write(Batch(delete_relations=[5, 6]))
    reopened = engine_with.reopen(city_engine)
    assert nx.utils.graphs_equal(reopened.view(ADMIN).graph, city_engine.view(ADMIN).graph)
    assert projected_relations(reopened) == projected_relations(city_engine)
    assert reopened.version == city_engine.version


def test_another_process_writes_are_picked_up_by_sync(city_engine: Engine, engine_with: Engines):
    other = engine_with.reopen(city_engine)
    other.write(Batch(nodes=[Node("late", NodeKind.ORGANISATION, "Late Org")]))
    other.write(Batch(relations=[Relation(None, RelationKind.KNOWS, "late", "s2")], delete_nodes=["s3"]))
    assert "late" not in projected_nodes(city_engine)
    assert city_engine.sync()
    assert "late" in projected_nodes(city_engine) and "s3" not in projected_nodes(city_engine)
    assert projected_relations(city_engine) == stored_relations(city_engine)
    assert not city_engine.sync(), "nothing new the second time"


def test_a_private_resident_is_not_in_the_brokers_view(demo_engine: Engine):
    editor = demo_engine.view(Viewer(Role.EDITOR))
    private = [n for n in editor.nodes if getattr(editor.node(n), "visibility", None) is Visibility.PRIVATE]
    assert private, "the demo city has private residents"
    broker = demo_engine.view()
    for node_id in private:
        assert broker.node(node_id) is None and node_id not in broker.graph
        for neighbour in editor.neighbours(node_id):
            ends = {end for r in broker.relations_of(neighbour) for end in (r.source, r.target)}
            assert node_id not in ends


def test_every_token_of_one_role_and_scope_shares_one_view_that_names_none_of_them(demo_engine: Engine):
    first, second = Viewer(Role.EDITOR, label="gsvc_first"), Viewer(Role.EDITOR, label="gsvc_secnd")
    view = demo_engine.view(first)
    assert demo_engine.view(second) is view and view.viewer.label == ""
    assert demo_engine.view(Viewer(Role.EDITOR, frozenset({"GM0344"}), "gsvc_first")) is not view, "another scope"
    assert demo_engine.view(Viewer(Role.BROKER, label="gsvc_first")) is not view, "another role"


def test_views_on_a_day_leave_out_what_had_ended(city_engine: Engine):
    view = city_engine.view()
    ended = next(r for node in sorted(view.nodes) for r in view.relations_of(node) if r.until)
    day_after = date.fromordinal(ended.until.toordinal() + 1)  # type: ignore[union-attr]
    assert ended not in city_engine.view(active_on=day_after).relations_of(ended.source)
    assert ended in view.relations_of(ended.source)


def test_search_is_case_and_accent_insensitive(demo_engine: Engine):
    view = demo_engine.view()
    found = [n.name for n in view.search("oké nu")]
    assert any(name.lower().startswith("oke nu") or name.lower().startswith("oké nu") for name in found), found


def test_relation_ids_far_above_the_rest_are_refused_before_anything_is_written(city_engine: Engine):
    import pytest

    from graphsvc.domain import ValidationError

    version = city_engine.store.version()
    with pytest.raises(ValidationError, match="relation ids are dense"):
        city_engine.write(Batch(relations=[Relation(10**9, RelationKind.KNOWS, "s0", "s2")]))
    assert city_engine.store.version() == version
    assert projected_relations(city_engine) == stored_relations(city_engine)


def test_an_import_that_is_not_projected_is_caught_up_by_sync(engine_with: Engines, small_city: dict):
    engine = engine_with()
    import_into(engine.store, small_city)  # as graphsvc import does, beside a running server
    assert engine.view(ADMIN).relation_count() == 0
    assert engine.sync()
    assert projected_relations(engine) == stored_relations(engine)


def test_an_import_into_the_store_keeps_when_a_stakeholder_was_created(
    engine_with: Engines, small_city: dict, monkeypatch: pytest.MonkeyPatch
):
    store = engine_with.new_store()
    import_into(store, small_city)
    first = store.read_nodes(["s0"])["s0"]
    a_second_later = first.updated_at + timedelta(seconds=1)  # stamps are to the second
    monkeypatch.setattr(validate, "utcnow", lambda: a_second_later)
    import_into(store, {"stakeholders": [{**small_city["stakeholders"][0], "name": "Renamed"}]})
    again = store.read_nodes(["s0"])["s0"]
    assert again.name == "Renamed" and again.created_at == first.created_at and again.updated_at == a_second_later


def test_an_import_into_the_store_takes_ids_up_to_its_highest_and_no_further(engine_with: Engines, small_city: dict):
    from graphsvc.domain import ValidationError

    store = engine_with.new_store()
    knows = {"kind": "KNOWS", "source": "s0", "target": "s1"}
    import_into(store, {**small_city, "relations": [{**knows, "id": 1_000_000}]})
    import_into(store, {"relations": [{**knows, "id": 1_500_000}]})  # within reach of the highest: as the API takes
    assert store.next_relation_id() == 1_500_001
    with pytest.raises(ValidationError, match="relation ids are dense"):
        import_into(store, {"relations": [{**knows, "id": 5_000_000}]})
