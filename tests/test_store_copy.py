"""``copy_store`` moves a whole graph between backends: SQLite -> Neo4j -> SQLite, on a real Neo4j.

Besides the copy, this holds the two backends to identical results beyond the contract
suite: the same city gives the same export, the same counts and the same query answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graphsvc.domain import Batch, ConflictError, Node, NodeKind, Relation, RelationKind, validate
from graphsvc.engine import Engine
from graphsvc.interchange.copy import copy_store
from graphsvc.interchange.files import export_document
from graphsvc.store import Store

from .engines import Engines


def test_a_city_copied_to_neo4j_and_back_exports_the_same(engine_with: Engines, neo4j_store: Store, small_city: dict):
    original, back = engine_with(small_city).store, engine_with.new_store()
    counts = copy_store(original, neo4j_store, progress=False)
    assert sum(counts["relations"].values()) == len(small_city["relations"])
    copy_store(neo4j_store, back, progress=False)
    exported = export_document(original)
    assert export_document(neo4j_store) == exported
    assert export_document(back) == exported
    with pytest.raises(ConflictError, match="not empty"):
        copy_store(original, back, progress=False)


def test_both_backends_answer_the_same(
    engine_with: Engines, neo4j_store: Store, small_city: dict, monkeypatch: pytest.MonkeyPatch
):
    sqlite = engine_with.new_store()
    gone = [s["id"] for s in small_city["stakeholders"][:5]]
    # Written nodes are stamped to the second: the same writes on each store, at the same moment
    # (the imports one after the other straddled a second now and then, and the exports differed).
    monkeypatch.setattr(validate, "utcnow", lambda: datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    for store in (sqlite, neo4j_store):
        engine = Engine(store)
        engine.import_document(small_city)
        engine.import_document({"relations": [{"kind": "KNOWS", "source": gone[0], "target": gone[1]}]})
        engine.write(Batch(delete_nodes=gone[2:]))
    assert neo4j_store.counts() == sqlite.counts()
    assert neo4j_store.changes_since(1) == sqlite.changes_since(1)
    assert export_document(neo4j_store) == export_document(sqlite)
    assert [n for page in neo4j_store.iter_nodes(page=500) for n in page] == [
        n for page in sqlite.iter_nodes() for n in page
    ]
    edges = [e for page in sqlite.iter_edges(page=500) for e in page]
    assert [e for page in neo4j_store.iter_edges(page=500) for e in page] == edges


def test_pages_skip_a_gap_in_the_relation_ids(engine_with: Engines, neo4j_store: Store):
    sqlite = engine_with.new_store()
    for store in (sqlite, neo4j_store):
        nodes = [Node(f"n{i}", NodeKind.ORGANISATION, f"N{i}") for i in range(3)]
        relations = [Relation(rel_id, RelationKind.KNOWS, "n0", f"n{rel_id % 3}") for rel_id in (1, 2, 900_000)]
        store.apply(Batch(nodes=nodes, relations=[*relations, Relation(None, RelationKind.KNOWS, "n1", "n2")]))
    expected = [[1, 2], [900_000, 900_001]]
    assert [[rel.id for rel in page] for page in neo4j_store.iter_relations(page=2)] == expected
    assert [[edge[0] for edge in page] for page in neo4j_store.iter_edges(page=2)] == expected
    assert [rel.id for page in sqlite.iter_relations(page=2) for rel in page] == [1, 2, 900_000, 900_001]


def test_a_node_that_changes_kind_is_found_as_its_new_kind(engine_with: Engines, neo4j_store: Store):
    sqlite = engine_with.new_store()
    for store in (sqlite, neo4j_store):
        store.apply(Batch(nodes=[Node("x", NodeKind.MEETING, "Buurtfeest")]))
        store.apply(Batch(nodes=[Node("x", NodeKind.ORGANISATION, "Buurtfeest")]))
        assert store.read_nodes(["x"])["x"].kind is NodeKind.ORGANISATION
        assert [n.kind for page in store.iter_nodes() for n in page] == [NodeKind.ORGANISATION]
    assert neo4j_store.counts() == sqlite.counts()
