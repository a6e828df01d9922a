"""Reading import files (JSON documents, CSV lists) and writing exports (JSON, GraphML).

The JSON format is described by ``schema/import.schema.json``. CSV is for people who keep
lists in spreadsheets: one file of stakeholders (a ``name`` column) and one of relations
(``source`` and ``target`` columns); list fields are separated by ``;``. Several files given
together are one import: validated together, written in one transaction.
"""

from __future__ import annotations

import csv
import json
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

import msgspec
import networkx as nx
from msgspec import UNSET, UnsetType

from ..domain import NodeKind, ValidationError
from ..domain.document import FORMAT
from ..domain.errors import Problem
from ..domain.records import (
    RelationRecord,
    to_area_record,
    to_node_record,
    to_relation_record,
    to_review_record,
    to_theme_record,
)
from ..gcpause import paused_gc
from ..store import Store

CSV_LISTS = {"themes", "areas", "tags", "needs", "offers"}
CSV_NUMBERS: dict[str, dict[str, type]] = {
    "stakeholders": {"capacity": int},
    "relations": {"id": int, "strength": float},
}


class Sources:
    """Where each row of a merged document came from, for error messages (``file:row.field``).

    Origins are kept as runs (a file's rows of one section) and spelled out only when an error
    names one: an import of a million rows should not make a million strings it never shows.
    """

    def __init__(self) -> None:
        self.runs: dict[str, list[tuple[int, int, Callable[[int], str]]]] = {}  # section: (start, count, name)

    def add(self, section: str, count: int, name: Callable[[int], str]) -> None:
        """Add ``count`` rows to ``section``; ``name(i)`` says where the run's ``i``-th row came from."""
        runs = self.runs.setdefault(section, [])
        start = runs[-1][0] + runs[-1][1] if runs else 0
        runs.append((start, count, name))

    def locate(self, section: str, index: int) -> str:
        runs = self.runs[section]
        start, _, name = runs[bisect_right(runs, index, key=lambda run: run[0]) - 1]
        return name(index - start)


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
        for section, rows, name in parts:
            doc.setdefault(section, []).extend(rows)
            sources.add(section, len(rows), name)
    if problems:
        raise ValidationError(f"{len(problems)} file(s) could not be read", problems=problems)
    return doc, sources


Part = tuple[str, list, Callable[[int], str]]  # a section's rows from one file, and how to name each


def _read_json(path: Path) -> Iterator[Part]:
    doc = _decode_json(path.read_bytes(), path.name)
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
        parts.append((section, rows, partial("{}:{}[{}]".format, path.name, section)))
    return iter(parts)


class _TypedDocument(msgspec.Struct, forbid_unknown_fields=True):
    """An import document whose relations msgspec checks as ``RelationRecord`` while it parses."""

    format: str | UnsetType = UNSET
    themes: list[Any] | UnsetType = UNSET
    areas: list[Any] | UnsetType = UNSET
    stakeholders: list[Any] | UnsetType = UNSET
    meetings: list[Any] | UnsetType = UNSET
    relations: list[RelationRecord] | UnsetType = UNSET
    reviews: list[Any] | UnsetType = UNSET


_TYPED = msgspec.json.Decoder(_TypedDocument)


def _decode_json(raw: bytes, name: str) -> Any:
    """Parse a JSON document, the fastest way that works for it.

    A valid document is parsed with its relations typed (msgspec: a 110 MB city in 0.35 s, against
    0.82 s for ``json.loads`` to plain dicts, which validation would then type again). Anything
    that way refuses is parsed again to plain dicts, by msgspec, or else by the standard library,
    so that validation reports every bad row, and JSON's own rules and errors stay the standard
    library's (NaN, a byte-order mark, line numbers).
    """
    with paused_gc(freeze=True):  # millions of new objects, none of them garbage, kept until imported
        try:
            typed = _TYPED.decode(raw)
            return {key: value for key in typed.__struct_fields__ if (value := getattr(typed, key)) is not UNSET}
        except msgspec.MsgspecError:
            pass
        try:
            return msgspec.json.decode(raw)
        except msgspec.MsgspecError:
            pass
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(f"not valid JSON: {error}", field=f"{name}:{error.lineno}") from error


def _read_csv(path: Path) -> Iterator[Part]:
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
        rows, lines, problems = [], [], []
        for row in reader:
            record, bad = _csv_record(row, f"{path.name}:{reader.line_num}", CSV_NUMBERS[section])
            problems += bad
            rows.append(record)
            lines.append(reader.line_num)
    if problems:
        raise ValidationError(f"{len(problems)} bad values in {path.name}", problems=problems)
    if section == "relations":
        return iter([(section, rows, _csv_lines(path.name, lines))])
    # meetings may stand in the same list as stakeholders
    meeting = [r.get("kind") == NodeKind.MEETING.value for r in rows]
    return iter(
        [
            (
                name,
                [r for r, m in zip(rows, meeting, strict=True) if m is wanted],
                _csv_lines(path.name, [n for n, m in zip(lines, meeting, strict=True) if m is wanted]),
            )
            for name, wanted in (("stakeholders", False), ("meetings", True))
        ]
    )


def _csv_lines(file: str, lines: list[int]) -> Callable[[int], str]:
    return lambda i: f"{file}:{lines[i]}"


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
def export_document(store: Store | ViewedStore) -> dict[str, Any]:
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


class ViewedStore:
    """A store as one viewer may see it, for exports that follow the role (``graphsvc export --token``):
    the nodes, relations, areas and reviews of the view, contact details only for editors and up.
    Anything that reads a store for an export (``export_document``, ``write_graphml``) reads this."""

    def __init__(self, store: Store, view: Any):  # an engine View
        self.store, self.view = store, view

    def iter_nodes(self, page: int = 10_000) -> Iterator[list]:
        contact = self.view.viewer.sees_contact_details
        for nodes in self.store.iter_nodes(page):
            yield [
                n if contact or n.contact is None else msgspec.structs.replace(n, contact=None)
                for n in nodes
                if n.id in self.view
            ]

    def iter_relations(self, page: int = 50_000) -> Iterator[list]:
        for relations in self.store.iter_relations(page):
            yield [r for r in relations if self.view.relation(r.id) is not None]

    def areas(self) -> list:
        return [a for a in self.store.areas() if a.code in self.view.areas]

    def themes(self) -> list:
        return self.store.themes()

    def reviews(self) -> list:
        return sorted(self.view.reviews(), key=lambda r: (r.source, r.target))


def _meeting_record(node) -> dict[str, Any]:
    record = to_node_record(node)
    del record["kind"]
    return record


def write_json(doc: dict[str, Any], out: IO[str]) -> None:
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_graphml(store: Store | ViewedStore, out: IO[bytes]) -> None:
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
