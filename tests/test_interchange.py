"""Import and export through files: round trips, CSV lists, GraphML, and all-or-nothing imports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from graphsvc.domain import ValidationError
from graphsvc.engine import Engine, Role, Viewer
from graphsvc.interchange.files import export_document, read_files, write_graphml
from graphsvc.resources import schema_path

from .engines import Engines


def import_files(engine: Engine, *paths: Path) -> Engine:
    """``paths`` imported into ``engine`` as ``graphsvc import`` reads them: problems are located in the files."""
    doc, sources = read_files(paths)
    engine.import_document(doc, sources.locate)
    return engine


def test_import_then_export_gives_back_the_document(engine_with: Engines, demo_doc: dict):
    exported = export_document(engine_with(demo_doc).store)
    second = engine_with(exported)
    assert export_document(second.store) == exported
    assert len(exported["stakeholders"]) == len(demo_doc["stakeholders"])
    assert len(exported["relations"]) == len(demo_doc["relations"])
    original = {s["id"]: s for s in demo_doc["stakeholders"]}
    for record in exported["stakeholders"]:
        for key, value in original[record["id"]].items():
            assert record.get(key, [] if isinstance(value, list) else None) == value, (record["id"], key)


def test_a_bad_file_reports_every_bad_row_and_writes_nothing(tmp_path: Path, engine_with: Engines, small_city: dict):
    broken = json.loads(json.dumps(small_city))
    broken["relations"][3]["strength"] = 7
    broken["relations"][40]["kind"] = "LOVES"
    broken["stakeholders"][5]["areas"] = ["BU99999999"]
    path = tmp_path / "city.json"
    path.write_text(json.dumps(broken))
    engine = engine_with()
    with pytest.raises(ValidationError) as caught:
        import_files(engine, path)
    fields = {p.field for p in caught.value.problems}
    assert {
        "city.json:relations[3].strength",
        "city.json:relations[40].kind",
        "city.json:stakeholders[5].areas",
    } <= fields
    on_disk = engine_with.reopen(engine).store
    assert on_disk.version() == 0 and on_disk.counts()["nodes"] == {}


def test_rows_of_the_right_types_that_do_not_fit_the_graph_are_each_reported(
    tmp_path: Path, engine_with: Engines, small_city: dict
):
    broken = json.loads(json.dumps(small_city))
    knows = {"kind": "KNOWS", "source": broken["stakeholders"][0]["id"], "target": broken["stakeholders"][1]["id"]}
    broken["relations"][1:6] = [
        {**knows, "since": "2023-02-30"},
        {**knows, "target": knows["source"]},
        {**knows, "since": "2024-01-01", "until": "2023-12-31"},
        {**knows, "target": "nobody"},
        {**knows, "kind": "LIVES_IN"},
    ]
    path = tmp_path / "city.json"
    path.write_text(json.dumps(broken))
    engine = engine_with()
    with pytest.raises(ValidationError) as caught:
        import_files(engine, path)
    assert {(p.code, p.field) for p in caught.value.problems} == {
        ("INVALID_DATE", "city.json:relations[1].since"),
        ("INVALID", "city.json:relations[2].target"),
        ("INVALID", "city.json:relations[3].until"),
        ("UNKNOWN_NODE", "city.json:relations[4].target"),
        ("KIND_MISMATCH", "city.json:relations[5].target"),
    }
    assert engine_with.reopen(engine).store.version() == 0


def test_csv_lists_import_with_their_row_numbers(tmp_path: Path, engine_with: Engines, demo_doc: dict):
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"themes": demo_doc["themes"], "areas": demo_doc["areas"]}))
    people = tmp_path / "stakeholders.csv"
    with people.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "kind", "name", "themes", "areas", "capacity"])
        writer.writerow(["buurtteam-x", "WIJKPARTNER", "Buurtteam X", "care;welfare", "WK034403", "4"])
        writer.writerow(["moestuin", "INITIATIVE", "Buurtmoestuin", "living_environment", "BU03440311", ""])
    ties = tmp_path / "relations.csv"
    ties.write_text("kind,source,target,strength\nWORKS_ON,buurtteam-x,moestuin,0.7\nKNOWS,buurtteam-x,moestuin,lots\n")
    engine = engine_with()
    with pytest.raises(ValidationError) as caught:
        import_files(engine, base, people, ties)
    assert [str(p) for p in caught.value.problems] == ["relations.csv:3.strength: expected a number, got 'lots'"]
    ties.write_text("kind,source,target,strength\nWORKS_ON,buurtteam-x,moestuin,0.7\n")
    import_files(engine, base, people, ties)
    dock = engine.store.read_nodes(["buurtteam-x"])["buurtteam-x"]
    assert dock.themes == ("care", "welfare") and dock.capacity == 4
    assert engine.view().relation_count() == 1


def test_graphml_export_opens_in_networkx(tmp_path: Path, demo_engine: Engine):
    out = tmp_path / "demo.graphml"
    with out.open("wb") as handle:
        write_graphml(demo_engine.store, handle)
    graph = nx.read_graphml(out)
    assert graph.number_of_edges() == demo_engine.view(Viewer(Role.ADMIN)).relation_count()
    assert graph.nodes["dock-utrecht"]["kind"] == "WIJKPARTNER"


def test_the_json_schema_accepts_what_graphsvc_writes(tmp_path: Path, demo_engine: Engine, small_city: dict):
    schema = json.loads(schema_path("import.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for doc in (export_document(demo_engine.store), small_city):
        assert [e.message for e in validator.iter_errors(doc)][:3] == []
    assert list(validator.iter_errors({"stakeholders": [{"id": "x", "kind": "ROBOT", "name": "X"}]}))


def test_text_that_is_not_unicode_is_reported_where_it_stands(tmp_path: Path, engine_with: Engines, small_city: dict):
    broken = json.loads(json.dumps(small_city))
    broken["stakeholders"][2]["name"] = "Buurt\ud800huis"  # a lone surrogate: JSON writes it as \ud800
    broken["stakeholders"][3]["tags"] = ["ok", "\udfff"]
    broken["relations"][4]["note"] = "met \ud83d"
    broken["areas"][0]["name"] = "\ud800"
    path = tmp_path / "city.json"
    path.write_text(json.dumps(broken))  # ASCII, with the escapes; msgspec refuses it, json.loads takes it
    engine = engine_with()
    with pytest.raises(ValidationError) as caught:
        import_files(engine, path)
    found = {(p.field, p.code) for p in caught.value.problems}
    assert {
        ("city.json:stakeholders[2].name", "INVALID"),
        ("city.json:stakeholders[3].tags", "INVALID"),
        ("city.json:relations[4].note", "INVALID"),
        ("city.json:areas[0].name", "INVALID"),
    } <= found
    assert all(
        "not Unicode" in p.message for p in caught.value.problems if p.field.endswith((".name", ".tags", ".note"))
    )
    assert engine_with.reopen(engine).store.version() == 0
