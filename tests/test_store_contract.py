"""The store contract: every backend passes these, against a real database.

The ``store`` fixture runs each test once per backend (SQLite file; Neo4j over Bolt once
that store exists), so the layers above can rely on one behaviour.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from graphsvc.domain import Area, AreaLevel, Batch, Node, NodeKind, Relation, RelationKind, Theme, Visibility
from graphsvc.domain.registration import Registration, code_digest, fingerprint, new_code, new_key
from graphsvc.store import Store

UTRECHT = [
    Area("GM0344", "Utrecht", AreaLevel.MUNICIPALITY, None, 2020),
    Area("WK034403", "Overvecht", AreaLevel.DISTRICT, "GM0344", 2020),
    Area("BU03440311", "Taag- en Rubicondreef e.o.", AreaLevel.NEIGHBOURHOOD, "WK034403", 2020),
]
CARE = Theme("care", "zorg", "care")


def seeded(store: Store) -> Store:
    store.apply(
        Batch(
            themes=[CARE],
            areas=UTRECHT,
            nodes=[
                Node("dock", NodeKind.WIJKPARTNER, "DOCK", themes=("care",), areas=("WK034403",), capacity=5),
                Node(
                    "oke-nu",
                    NodeKind.INITIATIVE,
                    "Oké Nu",
                    themes=("care",),
                    areas=("BU03440311",),
                    confirmed=date(2026, 3, 1),
                ),
                Node("res-1", NodeKind.RESIDENT, "Fatima B.", areas=("BU03440311",), visibility=Visibility.BROKERS),
            ],
            relations=[
                Relation(None, RelationKind.WORKS_ON, "dock", "oke-nu", since="2019-01-29", strength=0.8),
                Relation(
                    None,
                    RelationKind.MEMBER_OF,
                    "res-1",
                    "oke-nu",
                    role="treasurer",
                    confirmed="2026-03-01",
                    purpose="PARTICIPATION",
                ),
                Relation(None, RelationKind.LIVES_IN, "res-1", "BU03440311"),
            ],
        )
    )
    return store


def all_relations(store: Store) -> list[Relation]:
    return [rel for page in store.iter_relations() for rel in page]


def test_a_batch_is_written_and_read_back(store: Store):
    seeded(store)
    nodes = store.read_nodes(["dock", "oke-nu", "nobody"])
    assert set(nodes) == {"dock", "oke-nu"}
    assert nodes["oke-nu"].name == "Oké Nu" and nodes["dock"].capacity == 5
    assert [(r.id, r.kind, r.source, r.target) for r in all_relations(store)] == [
        (1, RelationKind.WORKS_ON, "dock", "oke-nu"),
        (2, RelationKind.MEMBER_OF, "res-1", "oke-nu"),
        (3, RelationKind.LIVES_IN, "res-1", "BU03440311"),
    ]
    assert store.read_relations([2])[2].role == "treasurer"
    assert store.read_relations([2])[2].confirmed == "2026-03-01" and store.read_relations([1])[1].confirmed is None
    assert store.read_relations([2])[2].purpose == "PARTICIPATION" and store.read_relations([1])[1].purpose is None
    assert nodes["oke-nu"].confirmed == date(2026, 3, 1) and nodes["dock"].confirmed is None
    assert store.areas() == UTRECHT and store.themes() == [CARE]


def test_new_relations_are_numbered_after_the_highest_id(store: Store):
    seeded(store)
    applied = store.apply(
        Batch(
            relations=[
                Relation(None, RelationKind.KNOWS, "res-1", "dock"),
                Relation(10, RelationKind.KNOWS, "dock", "res-1"),
                Relation(None, RelationKind.SUPPORTS, "dock", "oke-nu"),
            ]
        )
    )
    assert applied.first_id == 11
    assert [r.id for r in applied.numbered([Relation(None, RelationKind.KNOWS, "a", "b")])] == [11]
    assert [r.id for r in all_relations(store)] == [1, 2, 3, 10, 11, 12]
    assert store.next_relation_id() == 13


def test_writing_a_relation_id_again_replaces_it(store: Store):
    seeded(store)
    store.apply(Batch(relations=[Relation(2, RelationKind.MEMBER_OF, "res-1", "oke-nu", role="chair")]))
    assert store.read_relations([2])[2].role == "chair"
    assert len(all_relations(store)) == 3


def test_deleting_a_node_deletes_its_relations(store: Store):
    seeded(store)
    store.apply(Batch(delete_nodes=["res-1"]))
    assert store.read_nodes(["res-1"]) == {}
    assert [r.id for r in all_relations(store)] == [1]
    store.apply(Batch(delete_relations=[1]))
    assert all_relations(store) == []


def test_every_write_bumps_the_version_and_the_feed_says_what_changed(store: Store):
    assert store.version() == 0
    seeded(store)
    assert store.version() == 1
    store.apply(Batch(nodes=[Node("smo", NodeKind.WIJKPARTNER, "SMO")], delete_nodes=["res-1"]))
    changes = store.changes_since(1)
    assert changes.version == 2 and not changes.reload
    assert changes.nodes == {"smo"} and changes.deleted_nodes == {"res-1"}
    assert store.changes_since(2).version == 2


def test_a_failing_batch_writes_nothing(store: Store):
    seeded(store)
    broken = Node("broken", NodeKind.ORGANISATION, None)  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own driver error
        store.apply(Batch(nodes=[Node("new", NodeKind.ORGANISATION, "New"), broken]))
    assert store.read_nodes(["new"]) == {} and store.version() == 1


def test_everything_streams_in_pages_and_counts_add_up(store: Store):
    seeded(store)
    pages = list(store.iter_nodes(page=2))
    assert [len(p) for p in pages] == [2, 1]
    edges = [edge for page in store.iter_edges(page=2) for edge in page]
    assert edges[0] == (1, "WORKS_ON", "dock", "oke-nu", "2019-01-29", None, 0.8, None)
    counts = store.counts()
    assert counts["nodes"] == {"INITIATIVE": 1, "RESIDENT": 1, "WIJKPARTNER": 1}
    assert counts["relations"]["LIVES_IN"] == 1
    assert counts["areas"]["BU03440311"] == 2
    assert store.ping()


def test_text_with_quotes_and_backslashes_round_trips(store: Store):
    name = "'t Buurthuis \\ \"De Sluis\" (residents' own)"
    store.apply(Batch(nodes=[Node("sluis", NodeKind.ORGANISATION, name, tags=("it's",))]))
    node = store.read_nodes(["sluis"])["sluis"]
    assert (node.name, node.tags) == (name, ("it's",))


def registration(name: str = "Buurtmoestuin Taag", created: str = "2026-11-01T10:00:00+00:00", **more) -> Registration:
    code = new_code()
    record = {"name": name, "areas": ["BU03440311"], "themes": ["care"], "needs": ["SPACE"]}
    at = datetime.fromisoformat(created)
    fields = {
        "kind": "INITIATIVE",
        "record": record,
        "contact": "tuin@example.org",
        "consented_at": at,
        "created_at": at,
    }
    return Registration(new_key(), code_digest(code), fingerprint=fingerprint(record), **{**fields, **more})


def test_registrations_wait_apart_from_the_graph(store: Store):
    seeded(store)
    version, counts = store.version(), store.counts()
    later, first = registration("Taalcafe", "2026-11-02T09:00:00+00:00"), registration()
    store.add_registration(later)
    store.add_registration(first)
    assert [r.id for r in store.registrations()] == [first.id, later.id], "oldest first"
    assert store.registration(first.id) == first and store.registration_by_code(first.code) == first
    assert store.registration("reg-nobody") is None and store.registration_by_code("sha256$v1$00") is None
    assert store.version() == version and store.changes_since(version).version == version, "not in the feed"
    assert store.counts() == counts
    assert [n.id for page in store.iter_nodes() for n in page] == ["dock", "oke-nu", "res-1"]


def test_an_approved_registration_keeps_only_what_withdrawal_needs(store: Store):
    waiting = registration(kind="RESIDENT", contact="06 12345678")
    store.add_registration(waiting)
    approved = store.approve_registration(waiting.id, "res-0a1b2c3d4e5f")
    assert approved is not None and approved.state == "APPROVED" and approved.stakeholder == "res-0a1b2c3d4e5f"
    kept = store.registration_by_code(waiting.code)
    assert kept == approved and kept.record == {} and kept.contact is None and kept.name == ""
    assert kept.consent_version == waiting.consent_version and kept.consented_at == waiting.consented_at
    assert store.registrations() == [], "no longer waiting"
    assert store.approve_registration(waiting.id, "res-other") is None, "decided once"
    store.forget("res-0a1b2c3d4e5f", "erased-0123456789ab")
    assert store.registration(waiting.id) is None, "erasing the stakeholder erases where it came from"


def test_registrations_are_deleted_pending_or_approved(store: Store):
    pending, approved = registration(), registration("Taalcafe")
    store.add_registration(pending)
    store.add_registration(approved)
    store.approve_registration(approved.id, "taalcafe-1a2b3c")
    assert store.delete_registrations([pending.id, approved.id, "reg-nobody"]) == 2
    assert store.registration(pending.id) is None and store.registration_by_code(approved.code) is None
    assert store.delete_registrations([]) == 0


def test_a_sqlite_file_of_an_older_version_is_brought_up_to_date_on_open(tmp_path):
    """A file written before freshness was kept (no 'confirmed' column) and while nodes had a search
    column: it opens, its facts read back as never confirmed, and new writes keep their day."""
    import apsw

    from graphsvc.store.sqlite import SQLiteStore

    path = tmp_path / "old.sqlite"
    old = apsw.Connection(str(path))
    old.execute(
        "CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, search TEXT NOT NULL,"
        " record TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE relations (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
        " since TEXT, until TEXT, strength REAL, role TEXT, note TEXT, provenance TEXT);"
        'INSERT INTO nodes VALUES (\'a\', \'ORGANISATION\', \'A\', \'a\', \'{"id": "a", "kind": "ORGANISATION", "name": "A"}\');'
        'INSERT INTO nodes VALUES (\'b\', \'ORGANISATION\', \'B\', \'b\', \'{"id": "b", "kind": "ORGANISATION", "name": "B"}\');'
        "INSERT INTO relations VALUES (1, 'KNOWS', 'a', 'b', NULL, NULL, NULL, NULL, NULL, 'old');"
    )
    old.close()
    store = SQLiteStore(path)
    assert store.read_relations([1])[1].confirmed is None and store.read_nodes(["a"])["a"].confirmed is None
    store.apply(Batch(relations=[Relation(None, RelationKind.KNOWS, "b", "a", confirmed="2026-12-01")]))
    assert store.read_relations([2])[2].confirmed == "2026-12-01"
    store.apply(Batch(nodes=[Node("c", NodeKind.ORGANISATION, "C")]))
    assert sorted(store.read_nodes(["a", "b", "c"])) == ["a", "b", "c"]
    store.close()
