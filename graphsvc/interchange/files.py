"""Reading import files (JSON documents, CSV lists) and writing exports (JSON, GraphML).

The JSON format is described by ``schema/import.schema.json``. CSV is for people who keep
lists in spreadsheets: one file of stakeholders (a ``name`` column) and one of relations
(``source`` and ``target`` columns); list fields are separated by ``;``. Several files given
together are one import: validated together, written in one transaction.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import networkx as nx

from ..domain import NodeKind, ValidationError
from ..domain.document import FORMAT
from ..domain.errors import Problem
from ..domain.records import to_area_record, to_node_record, to_relation_record, to_review_record, to_theme_record
from ..store import Store

CSV_LISTS = {"themes", "areas", "tags", "needs", "offers"}
CSV_NUMBERS: dict[str, dict[str, type]] = {
    "stakeholders": {"capacity": int},
    "relations": {"id": int, "strength": float},
}


class Sources:
    """Where each row of a merged document came from, for error messages (``file:row.field``)."""

    def __init__(self) -> None:
        self.origins: dict[str, list[str]] = {}

    def add(self, section: str, origin: str) -> None:
        self.origins.setdefault(section, []).append(origin)

    def locate(self, section: str, index: int) -> str:
        return self.origins[section][index]


def read_files(paths: Sequence[str | Path]) -> tuple[dict[str, list], Sources]:
    """Merge JSON documents and CSV lists into one document, remembering each row's origin."""
    doc: dict[str, list] = {}
    sources = Sources()
    problems: list[Problem] = []
    for path in map(Path, paths):
        try:
            parts = _read_json(path) if path.suffix.lower() == ".json" else _read_csv(path)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem("UNREADABLE", str(path), f"cannot read the file: {error}"))
            continue
        except ValidationError as error:
            problems.extend(error.problems)
            continue
        for section, rows, origins in parts:
            doc.setdefault(section, []).extend(rows)
            for origin in origins:
                sources.add(section, origin)
    if problems:
        raise ValidationError(f"{len(problems)} file(s) could not be read", problems=problems)
    return doc, sources


def _read_json(path: Path) -> Iterator[tuple[str, list, list[str]]]:
    try:
        doc = json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise ValidationError(f"not valid JSON: {error}", field=f"{path.name}:{error.lineno}") from error
    if not isinstance(doc, dict):
        raise ValidationError("an import document is a JSON object", field=path.name)
    parts = []
    for section, rows in doc.items():
        if section == "format":
            if rows != FORMAT:
                raise ValidationError(f"expected format '{FORMAT}', got {rows!r}", field=f"{path.name}:format")
            continue
        if not isinstance(rows, list):
            raise ValidationError("expected a list", field=f"{path.name}:{section}")
        parts.append((section, rows, [f"{path.name}:{section}[{i}]" for i in range(len(rows))]))
    return iter(parts)


def _read_csv(path: Path) -> Iterator[tuple[str, list, list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if {"source", "target"} <= columns:
            section = "relations"
        elif {"id", "name"} <= columns:
            section = "stakeholders"
        else:
            raise ValidationError(
                "a CSV file needs the columns id and name (stakeholders) or source and target (relations)",
                field=path.name,
            )
        rows, origins, problems = [], [], []
        for line, row in enumerate(reader, start=2):
            record, bad = _csv_record(row, f"{path.name}:{line}", CSV_NUMBERS[section])
            problems += bad
            rows.append(record)
            origins.append(f"{path.name}:{line}")
    if problems:
        raise ValidationError(f"{len(problems)} bad values in {path.name}", problems=problems)
    if section == "stakeholders":  # meetings may stand in the same list
        meetings = [i for i, r in enumerate(rows) if r.get("kind") == NodeKind.MEETING.value]
        return iter(
            [
                (
                    "stakeholders",
                    [r for i, r in enumerate(rows) if i not in meetings],
                    [o for i, o in enumerate(origins) if i not in meetings],
                ),
                ("meetings", [rows[i] for i in meetings], [origins[i] for i in meetings]),
            ]
        )
    return iter([(section, rows, origins)])


def _csv_record(
    row: dict[str, str | None], where: str, numbers: dict[str, type]
) -> tuple[dict[str, Any], list[Problem]]:
    record: dict[str, Any] = {}
    problems = []
    for key, text in row.items():
        if key is None or text is None or text.strip() == "":
            continue
        text = text.strip()
        if key in CSV_LISTS:
            record[key] = [part.strip() for part in text.split(";") if part.strip()]
        elif key in numbers:
            try:
                record[key] = numbers[key](text)
            except ValueError:
                kind = "whole number" if numbers[key] is int else "number"
                problems.append(Problem("INVALID", f"{where}.{key}", f"expected a {kind}, got {text!r}"))
        else:
            record[key] = text
    return record, problems


# -- export ---------------------------------------------------------------------------------
def export_document(store: Store) -> dict[str, Any]:
    """Everything in the store as one import document (what ``import`` reads back)."""
    nodes = [node for page in store.iter_nodes() for node in page]
    return {
        "format": FORMAT,
        "themes": [to_theme_record(t) for t in store.themes()],
        "areas": [to_area_record(a) for a in store.areas()],
        "stakeholders": [to_node_record(n) for n in nodes if n.kind is not NodeKind.MEETING],
        "meetings": [_meeting_record(n) for n in nodes if n.kind is NodeKind.MEETING],
        "relations": [to_relation_record(r) for page in store.iter_relations() for r in page],
        "reviews": [to_review_record(r) for r in store.reviews()],
    }


def _meeting_record(node) -> dict[str, Any]:
    record = to_node_record(node)
    del record["kind"]
    return record


def write_json(doc: dict[str, Any], out: IO[str]) -> None:
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_graphml(store: Store, out: IO[bytes]) -> None:
    """The graph for Gephi: nodes with kind, name and areas; directed edges with their fields."""
    graph = nx.MultiDiGraph()
    for area in store.areas():
        graph.add_node(area.code, kind=NodeKind.AREA.value, name=area.name, level=area.level.value)
    for page in store.iter_nodes():
        for node in page:
            graph.add_node(
                node.id, kind=node.kind.value, name=node.name, themes=";".join(node.themes), areas=";".join(node.areas)
            )
    for relations in store.iter_relations():
        for rel in relations:
            fields = {k: v for k, v in to_relation_record(rel).items() if k not in ("source", "target")}
            graph.add_edge(rel.source, rel.target, key=rel.id, **fields)
    nx.write_graphml(graph, out, encoding="utf-8")
