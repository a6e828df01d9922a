"""Domain values to and from records of the import format (plain dicts, camelCase keys).

``to_*`` functions give the exact records that export writes; ``*_from_record`` rebuild values
from records that were valid when written (the store's own rows): untrusted input goes
through ``validate.Validator`` instead.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from .areas import Area
from .kinds import AreaLevel, InitiativeStatus, NodeKind, RelationKind, Visibility
from .model import EPOCH, Node, Relation, Review
from .themes import Theme


def fold(text: str) -> str:
    """Lowercase without accents, for case- and accent-insensitive search.

    >>> fold("Oké Nu")
    'oke nu'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_text(node: Node) -> str:
    return fold(" ".join((node.name, *node.tags)))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def to_node_record(node: Node) -> dict[str, Any]:
    """The record of a node; empty fields are left out so that records stay small."""
    record: dict[str, Any] = {"id": node.id, "kind": node.kind.value, "name": node.name}
    optional = {
        "themes": list(node.themes),
        "areas": list(node.areas),
        "tags": list(node.tags),
        "provenance": node.provenance,
        "type": node.type,
        "visibility": node.visibility.value if node.visibility else None,
        "contact": node.contact,
        "capacity": node.capacity,
        "status": node.status.value if node.status else None,
        "needs": list(node.needs),
        "offers": list(node.offers),
        "date" if node.kind is NodeKind.MEETING else "started": _iso(node.started),
        "ended": _iso(node.ended),
        "holder": node.holder,
        "place": node.place,
    }
    record.update((key, value) for key, value in optional.items() if value not in (None, []))
    if node.created_at != EPOCH:
        record["createdAt"] = node.created_at.isoformat()
    if node.updated_at != EPOCH:
        record["updatedAt"] = node.updated_at.isoformat()
    return record


def node_from_record(record: dict[str, Any]) -> Node:
    def day(key: str) -> date | None:
        value = record.get(key)
        return date.fromisoformat(value) if value else None

    def stamp(key: str) -> datetime:
        value = record.get(key)
        return datetime.fromisoformat(value) if value else EPOCH

    kind = NodeKind(record["kind"])
    return Node(
        id=record["id"],
        kind=kind,
        name=record["name"],
        themes=tuple(record.get("themes", ())),
        areas=tuple(record.get("areas", ())),
        tags=tuple(record.get("tags", ())),
        provenance=record.get("provenance"),
        type=record.get("type"),
        visibility=Visibility(record["visibility"]) if record.get("visibility") else None,
        contact=record.get("contact"),
        capacity=record.get("capacity"),
        status=InitiativeStatus(record["status"]) if record.get("status") else None,
        needs=tuple(record.get("needs", ())),
        offers=tuple(record.get("offers", ())),
        started=day("date" if kind is NodeKind.MEETING else "started"),
        ended=day("ended"),
        holder=record.get("holder"),
        place=record.get("place"),
        created_at=stamp("createdAt"),
        updated_at=stamp("updatedAt"),
    )


def to_relation_record(rel: Relation) -> dict[str, Any]:
    record: dict[str, Any] = {"id": rel.id, "kind": rel.kind.value, "source": rel.source, "target": rel.target}
    for key in ("since", "until", "strength", "role", "note", "provenance"):
        value = getattr(rel, key)
        if value is not None:
            record[key] = value
    return record


def relation_from_row(row: tuple) -> Relation:
    """A relation from a store row, in ``Relation``'s field order."""
    return Relation(row[0], RelationKind(row[1]), *row[2:])


def to_area_record(area: Area) -> dict[str, Any]:
    record: dict[str, Any] = {"code": area.code, "name": area.name, "level": area.level.value}
    if area.parent:
        record["parent"] = area.parent
    if area.cbs_year:
        record["cbsYear"] = area.cbs_year
    return record


def area_from_record(record: dict[str, Any]) -> Area:
    return Area(record["code"], record["name"], AreaLevel(record["level"]), record.get("parent"), record.get("cbsYear"))


def to_theme_record(theme: Theme) -> dict[str, Any]:
    return {"key": theme.key, "labelNl": theme.label_nl, "labelEn": theme.label_en}


def to_review_record(review: Review) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": review.source,
        "target": review.target,
        "verdict": review.verdict,
        "reviewedAt": review.reviewed_at.isoformat(),
    }
    if review.note:
        record["note"] = review.note
    if review.relation_kind:
        record["relationKind"] = review.relation_kind.value
    return record


def review_from_record(record: dict[str, Any]) -> Review:
    return Review(
        record["source"],
        record["target"],
        record["verdict"],
        record.get("note"),
        datetime.fromisoformat(record["reviewedAt"]),
        RelationKind(record["relationKind"]) if record.get("relationKind") else None,
    )
