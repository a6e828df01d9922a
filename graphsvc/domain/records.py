"""Domain values to and from records of the import format (plain dicts, camelCase keys).

``to_*`` functions give the exact records that export writes; ``*_from_record`` rebuild values
from records that were valid when written (the store's own rows): untrusted input goes
through ``validate.Validator`` instead.
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Annotated, Any

import msgspec

from .areas import Area
from .kinds import AreaLevel, InitiativeStatus, NodeKind, Purpose, RelationKind, Visibility
from .model import EPOCH, Node, Relation, Review, utcnow
from .themes import Theme

MAX_TEXT = 2000  # characters of a free text (a role, a note, a provenance)
MAX_ID = 120  # characters of a node id
_Day = Annotated[str, msgspec.Meta(min_length=10, max_length=10)]  # YYYY-MM-DD; the day itself is checked after
_Text = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
_Id = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID)]


class _Today:
    """Today's date (UTC) as the import format writes it, looked up once a day: the ``confirmed``
    of each relation that names none (a claim made now), asked a million times by a city's import.

    >>> today = _Today()
    >>> today() == utcnow().date().isoformat() and today() is today()
    True
    """

    def __init__(self) -> None:
        self._day, self._until = "", 0.0

    def __call__(self) -> str:
        if time.time() >= self._until:
            day = utcnow().date()
            self._day = day.isoformat()
            self._until = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC).timestamp()
        return self._day


class RelationRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, gc=False):
    """A relation of the import format with its fields' types checked (by ``msgspec.convert``, in C).

    Each field's type here is that field's rules in ``relations.FIELD_RULES`` (which say what a
    value it refuses breaks); what needs the graph or spans fields is ``relations.ROW_RULES``. The
    fields are in ``Relation``'s order.
    """

    id: Annotated[int, msgspec.Meta(gt=0)] | None = None
    kind: RelationKind
    source: _Id
    target: _Id
    since: _Day | None = None
    until: _Day | None = None
    strength: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    role: _Text | None = None
    note: _Text | None = None
    provenance: _Text | None = None
    confirmed: _Day | None = msgspec.field(default_factory=_Today())  # a claim made now
    purpose: Purpose | None = None


_SURROGATE = re.compile("[\ud800-\udfff]")


def not_unicode(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (JSON's ``"\\ud800"``): no Unicode text, and no store
    can keep it.

    >>> not_unicode("Oké"), not_unicode("x" + chr(0xD800))
    (False, True)
    """
    return not text.isascii() and _SURROGATE.search(text) is not None


NOT_UNICODE = "text with a lone surrogate (such as \\ud800) is not Unicode"


def fold(text: str) -> str:
    """Lowercase without accents, for case- and accent-insensitive search.

    >>> fold("Oké Nu")
    'oke nu'
    """
    if text.isascii():  # nothing to decompose: the same answer, without the per-character walk
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_text(node: Node) -> str:
    return fold(" ".join((node.name, *node.tags)))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def to_node_record(node: Node) -> dict[str, Any]:
    """The record of a node; empty fields are left out so that records stay small."""
    record: dict[str, Any] = {"id": node.id, "kind": node.kind.value, "name": node.name}
    for key, value in (
        ("themes", node.themes),
        ("areas", node.areas),
        ("tags", node.tags),
        ("provenance", node.provenance),
        ("confirmed", node.confirmed),
        ("type", node.type),
        ("visibility", node.visibility),
        ("contact", node.contact),
        ("capacity", node.capacity),
        ("status", node.status),
        ("needs", node.needs),
        ("offers", node.offers),
        ("date" if node.kind is NodeKind.MEETING else "started", node.started),
        ("ended", node.ended),
        ("holder", node.holder),
        ("place", node.place),
        ("objected", node.objected or None),
        ("mergedFrom", node.merged_from),
        ("createdAt", None if node.created_at == EPOCH else node.created_at),
        ("updatedAt", None if node.updated_at == EPOCH else node.updated_at),
    ):
        if value is None or value == ():
            continue
        record[key] = _plain(value)
    return record


def _plain(value: Any) -> Any:
    """A field's value as JSON has it: lists for tuples, ISO text for dates, values for enums."""
    if type(value) is tuple:
        return list(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


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
        confirmed=day("confirmed"),
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
        objected=record.get("objected") is True,
        merged_from=tuple(record.get("mergedFrom", ())),
        created_at=stamp("createdAt"),
        updated_at=stamp("updatedAt"),
    )


def to_relation_record(rel: Relation) -> dict[str, Any]:
    record: dict[str, Any] = {"id": rel.id, "kind": rel.kind.value, "source": rel.source, "target": rel.target}
    for key in ("since", "until", "strength", "role", "note", "provenance", "confirmed", "purpose"):
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
