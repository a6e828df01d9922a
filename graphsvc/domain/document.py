"""A whole import document (the JSON format of ``schema/import.schema.json``) to one ``Batch``.

Everything is validated before anything is written: the result is either a batch that a
store can apply in one transaction, or a ``ValidationError`` that lists every bad row with
where it is (``relations[12].strength``, or ``relations.csv:14.strength`` for CSV files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .errors import ValidationError
from .kinds import NodeKind, RelationKind
from .model import Batch, Review
from .validate import Context, Validator

FORMAT = "graphsvc/1"
SECTIONS = ("themes", "areas", "stakeholders", "meetings", "relations", "reviews")
VERDICTS = ("ACCEPTED", "REJECTED")
Locate = Callable[[str, int], str]


def default_locate(section: str, index: int) -> str:
    return f"{section}[{index}]"


def batch_from_document(doc: Any, context: Context | None = None, locate: Locate = default_locate) -> Batch:
    """Validate an import document against ``context`` and return the batch it asks for."""
    if not isinstance(doc, Mapping):
        raise ValidationError("an import document is a JSON object", field="document")
    v = Validator(context)
    for key in doc.keys() - {*SECTIONS, "format"}:
        v.problem("UNKNOWN_FIELD", key, f"unknown section; expected {', '.join(SECTIONS)}")
    if doc.get("format", FORMAT) != FORMAT:
        v.problem("INVALID", "format", f"expected '{FORMAT}', got {doc.get('format')!r}")
    sections = {name: _section(v, doc, name) for name in SECTIONS}
    batch = Batch()
    batch.themes = _each(v, sections["themes"], "themes", v.theme, locate)
    batch.areas = _each(v, sections["areas"], "areas", v.area, locate)
    v.check_area_parents(batch.areas, "areas")
    batch.nodes = _nodes(v, sections, locate)
    batch.relations, bad = v.relations_fast(sections["relations"])
    for i in bad:
        v.explain_relation(sections["relations"][i], locate("relations", i))
    batch.reviews = _each(v, sections["reviews"], "reviews", lambda row, where: _review(v, row, where), locate)
    v.raise_if_any()
    return batch


def _section(v: Validator, doc: Mapping, name: str) -> list:
    rows = doc.get(name) or []
    if not isinstance(rows, list):
        v.problem("INVALID", name, "expected a list")
        return []
    return rows


def _each(v: Validator, rows: list, section: str, convert: Callable, locate: Locate) -> list:
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            v.problem("INVALID", locate(section, i), "expected an object")
            continue
        value = convert(row, locate(section, i))
        if value is not None:
            out.append(value)
    return out


def _nodes(v: Validator, sections: dict[str, list], locate: Locate) -> list:
    nodes = []
    seen: set[str] = set()
    for section in ("stakeholders", "meetings"):
        for i, row in enumerate(sections[section]):
            where = locate(section, i)
            if section == "meetings" and isinstance(row, Mapping):
                row = {"kind": NodeKind.MEETING.value, **row}
            node = v.node(row, where)
            if node is None:
                continue
            if (node.kind is NodeKind.MEETING) != (section == "meetings"):
                v.problem("INVALID", f"{where}.kind", "meetings belong in 'meetings', stakeholders in 'stakeholders'")
            if node.id in seen or node.id in v.areas:
                v.problem("DUPLICATE", f"{where}.id", f"id '{node.id}' is used twice")
            seen.add(node.id)
            nodes.append(node)
    return nodes


def _review(v: Validator, row: Mapping, where: str) -> Review | None:
    before = len(v.problems)
    ends = []
    for key in ("source", "target"):
        node_id = row.get(key)
        kind = v.kind_of(node_id) if isinstance(node_id, str) else None
        if kind is None or kind in (NodeKind.AREA, NodeKind.MEETING):
            v.problem("UNKNOWN_NODE", f"{where}.{key}", f"no stakeholder with id {node_id!r}")
        ends.append(node_id)
    if row.get("verdict") not in VERDICTS:
        v.problem("INVALID", f"{where}.verdict", f"expected one of {', '.join(VERDICTS)}")
    try:
        reviewed_at = datetime.fromisoformat(row["reviewedAt"])
    except (KeyError, TypeError, ValueError):
        v.problem("INVALID_DATE", f"{where}.reviewedAt", "expected an ISO 8601 timestamp")
        return None
    relation_kind = row.get("relationKind")
    if relation_kind is not None and (
        not isinstance(relation_kind, str) or relation_kind not in RelationKind.__members__
    ):
        v.problem("INVALID", f"{where}.relationKind", f"{relation_kind!r} is not a relation kind")
    if len(v.problems) > before:
        return None
    created = RelationKind(relation_kind) if relation_kind else None
    return Review(str(ends[0]), str(ends[1]), row["verdict"], row.get("note"), reviewed_at, created)
