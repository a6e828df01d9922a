"""Edits one caller makes to the graph: create, update and delete stakeholders, link and unlink.

Each takes records in the import format (camelCase keys), validates them with the domain's
validator against the graph as it is, and writes through ``Engine.edit`` (all or nothing).
What the caller may not see, the caller may not change: a hidden node is "not found".
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date
from typing import Any

import msgspec

from ..domain import (
    Batch,
    ConflictError,
    Node,
    NodeKind,
    NotFoundError,
    Relation,
    RelationKind,
    Review,
    ValidationError,
)
from ..domain.model import EPOCH, utcnow
from ..domain.records import to_node_record, to_relation_record
from .engine import Engine
from .view import View, Viewer

REVIEW_PROVENANCE = "accepted collaboration suggestion (broker's review)"


def new_key(name: str, kind: str | None = None, seed: str | None = None) -> str:
    """A unique key: for a resident ``res-`` and 12 random hex digits (a key is a pseudonym: it never
    carries a name, so the audit log and the change feed name no one); for anything else a readable
    one from the name (``Buurtmoestuin Taag`` -> ``buurtmoestuin-taag-3f9a1c``). With a ``seed`` (the
    caller and its idempotency key) the random part is derived from it, so a retry gets the same key."""
    tail = hashlib.sha256(seed.encode()).hexdigest() if seed is not None else uuid.uuid4().hex
    if kind == NodeKind.RESIDENT.value:
        return f"res-{tail[:12]}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "node"
    return f"{slug}-{tail[:6]}"


class Replayed(Exception):
    """A retried create (same idempotency key): the first result, nothing written again."""

    def __init__(self, node: Node):
        super().__init__(node.id)
        self.node = node


TAKEN = "that key is taken; choose another, or leave it out and one is made"


def create_node(engine: Engine, view: View, record: dict[str, Any], idempotent: bool = False) -> Node:
    """Create a stakeholder; returns what was written. A key taken by any node, whether the caller
    may see it or not, is CONFLICT with the same answer. With ``idempotent`` (the request carried an
    idempotency key), a node with that key which the caller may see and which equals the input is
    the first result of this request: ``Replayed`` carries it and nothing is written."""
    viewer = view.viewer
    built: list[Node] = []

    def build(v):
        existing = engine.stored(record["id"])
        node = v.node(record, "input")
        if existing is not None:
            if idempotent and node is not None and record["id"] in engine.view(viewer) and same(existing, node):
                raise Replayed(existing)
            raise ConflictError(TAKEN, field="input.key")
        if node is not None and not node.is_stakeholder():
            v.problem("INVALID", "input.kind", "expected a stakeholder kind")
        elif node is not None and not viewer.in_scope(node.areas):
            v.problem("OUT_OF_SCOPE", "input.areas", out_of_scope(viewer))
        built.extend([node] if node else [])
        return Batch(nodes=list(built))

    engine.edit(build, viewer)
    return built[0]


def same(stored: Node, given: Node) -> bool:
    """Whether two nodes hold the same record, when each was written aside."""
    skip = {"createdAt", "updatedAt"}
    a, b = to_node_record(stored), to_node_record(given)
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}


def out_of_scope(viewer: Viewer) -> str:
    return f"name an area in your municipalities ({', '.join(sorted(viewer.municipalities or ()))})"


def update_node(engine: Engine, view: View, key: str, changes: dict[str, Any]) -> Node:
    """Change a stakeholder the caller may see; returns what was written."""
    current = changeable(view, key, "id")
    record = {**to_node_record(current), "confirmed": None, **changes, "id": key, "kind": current.kind.value}
    record = {k: v for k, v in record.items() if v is not None and k not in ("createdAt", "updatedAt")}
    built: list[Node] = []

    def build(v):
        node = v.node(record, "input")
        if node is not None and not view.viewer.in_scope(node.areas):
            v.problem("OUT_OF_SCOPE", "input.areas", out_of_scope(view.viewer))
        built.extend([node] if node else [])
        return Batch(nodes=list(built))

    engine.edit(build, view.viewer)
    return built[0]


def delete_node(engine: Engine, view: View, key: str) -> None:
    changeable(view, key, "id")
    engine.edit(lambda v: Batch(delete_nodes=[key]), view.viewer)


def link(engine: Engine, view: View, record: dict[str, Any]) -> Relation:
    """Add a relation between two nodes the caller may see; returns what was written."""
    for end, field in (("source", "input.sourceId"), ("target", "input.targetId")):
        if view.node(record[end]) is None or (record[end] not in view and record[end] not in view.areas):
            raise NotFoundError(f"nothing you may see has the id given as {end}", field=field)
    return add_relation(engine, view, record)


def add_relation(engine: Engine, view: View, record: dict[str, Any]) -> Relation:
    """Validate and write one new relation (its ends checked by the caller); returns it with its id."""
    built: list[Relation] = []

    def build(v):
        rel = v.relation(record, "input")
        built.extend([rel] if rel else [])
        return Batch(relations=list(built))

    applied = engine.edit(build, view.viewer)
    return next(applied.numbered(built))


def unlink(engine: Engine, view: View, rel_id: int) -> None:
    _relation(view, rel_id)
    engine.edit(lambda v: Batch(delete_relations=[rel_id]), view.viewer)


def update_relation(engine: Engine, view: View, rel_id: int, changes: dict[str, Any]) -> Relation:
    """Change a tie the caller may see (its kind and ends stay); a changed tie counts as confirmed now.
    Returns what was written."""
    _relation(view, rel_id)
    built: list[Relation] = []

    def build(v):
        current = engine.store.read_relations([rel_id])[rel_id]  # role, note and provenance live in the store
        record = {**to_relation_record(current), "confirmed": None, **changes, "id": rel_id}
        rel = v.relation({k: value for k, value in record.items() if value is not None}, "input")
        built.extend([rel] if rel else [])
        return Batch(relations=list(built))

    engine.edit(build, view.viewer)
    return built[0]


def end_relation(engine: Engine, view: View, rel_id: int, on: date) -> Relation:
    """End a tie on ``on`` (its ``until``): the tie stays, as history."""
    return update_relation(engine, view, rel_id, {"until": on.isoformat()})


def confirm(engine: Engine, view: View, keys: list[str], rel_ids: list[int]) -> None:
    """Confirm stakeholders and ties the caller may see as true today (``domain.timeline.is_stale``)."""
    nodes = [changeable(view, key, "ids") for key in keys]
    for rel_id in rel_ids:
        _relation(view, rel_id, "ids")
    today = utcnow().date()

    def build(v):
        relations = engine.store.read_relations(rel_ids)
        return Batch(
            nodes=[msgspec.structs.replace(node, confirmed=today, updated_at=EPOCH) for node in nodes],
            relations=[relations[i]._replace(confirmed=today.isoformat()) for i in rel_ids],
        )

    engine.edit(build, view.viewer)


def _relation(view: View, rel_id: int, field: str = "id") -> None:
    if view.relation(rel_id) is None:
        raise NotFoundError("no relation you may see has that id", field=field)


def changeable(view: View, key: str, field: str) -> Node:
    """The stakeholder ``key`` if the caller may change it (it is in the caller's network), else NOT_FOUND."""
    node = view.stakeholder(key)
    if node is None or key not in view:  # a resident the public knows by name only is not theirs to change
        raise NotFoundError("no stakeholder you may see has that id", field=field)
    return node


def review(
    engine: Engine,
    view: View,
    source: str,
    target: str,
    verdict: str,
    note: str | None = None,
    create_relation: RelationKind | None = None,
) -> Review:
    """Record a broker's verdict on a suggested pair; an acceptance may create the relation at once."""
    for key, field in ((source, "sourceId"), (target, "targetId")):
        changeable(view, key, field)
    if create_relation is not None and verdict != "ACCEPTED":
        raise ValidationError("only an accepted suggestion can create a relation", field="createRelation")
    verdict_record = Review(source, target, verdict, note, utcnow(), create_relation)

    def build(v):
        batch = Batch(reviews=[verdict_record])
        if create_relation is not None:
            record = {
                "kind": create_relation.value,
                "source": source,
                "target": target,
                "provenance": REVIEW_PROVENANCE,
            }
            rel = v.relation(record, "createRelation")
            batch.relations = [rel] if rel else []
        return batch

    engine.edit(build, view.viewer)
    return verdict_record
