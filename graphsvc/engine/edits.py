"""Edits one caller makes to the graph: create, update and delete stakeholders, link and unlink.

Each takes records in the import format (camelCase keys), validates them with the domain's
validator against the graph as it is, and writes through ``Engine.edit`` (all or nothing).
What the caller may not see, the caller may not change: a hidden node is "not found".
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ..domain import Batch, ConflictError, Node, NotFoundError, Relation, RelationKind, Review, ValidationError
from ..domain.model import utcnow
from ..domain.records import to_node_record
from .engine import Engine
from .view import View

REVIEW_PROVENANCE = "accepted collaboration suggestion (broker's review)"


def new_key(name: str) -> str:
    """A readable, unique key from a name: ``Buurtmoestuin Taag`` -> ``buurtmoestuin-taag-3f9a1c``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "node"
    return f"{slug}-{uuid.uuid4().hex[:6]}"


def create_node(engine: Engine, view: View, record: dict[str, Any]) -> Node:
    def build(v):
        if engine.projection.obj(record["id"]) is not None:
            raise ConflictError(f"the key '{record['id']}' is taken; choose another", field="input.key")
        node = v.node(record, "input")
        if node is not None and not node.is_stakeholder():
            v.problem("INVALID", "input.kind", "expected a stakeholder kind")
        return Batch(nodes=[node] if node else [])

    engine.edit(build)
    return _visible(engine, record["id"])


def update_node(engine: Engine, view: View, key: str, changes: dict[str, Any]) -> Node:
    current = _stakeholder(view, key, "id")
    record = {**to_node_record(current), **changes, "id": key, "kind": current.kind.value}
    record = {k: v for k, v in record.items() if v is not None and k not in ("createdAt", "updatedAt")}

    def build(v):
        node = v.node(record, "input")
        return Batch(nodes=[node] if node else [])

    engine.edit(build)
    return _visible(engine, key)


def delete_node(engine: Engine, view: View, key: str) -> None:
    _stakeholder(view, key, "id")
    engine.edit(lambda v: Batch(delete_nodes=[key]))


def link(engine: Engine, view: View, record: dict[str, Any]) -> Relation:
    for end, field in (("source", "input.sourceId"), ("target", "input.targetId")):
        if view.node(record[end]) is None:
            raise NotFoundError(f"nothing you may see has the id given as {end}", field=field)

    def build(v):
        rel = v.relation(record, "input")
        return Batch(relations=[rel] if rel else [])

    applied = engine.edit(build)
    rel_id = applied.first_id
    stored = engine.store.read_relations([rel_id])
    return stored[rel_id]


def unlink(engine: Engine, view: View, rel_id: int) -> None:
    if view.relation(rel_id) is None:
        raise NotFoundError("no relation you may see has that id", field="id")
    engine.edit(lambda v: Batch(delete_relations=[rel_id]))


def _stakeholder(view: View, key: str, field: str) -> Node:
    node = view.stakeholder(key)
    if node is None:
        raise NotFoundError("no stakeholder you may see has that id", field=field)
    return node


def _visible(engine: Engine, key: str) -> Node:
    node = engine.projection.obj(key)
    if not isinstance(node, Node):
        raise ValidationError("the write did not take", field="input")
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
        _stakeholder(view, key, field)
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

    engine.edit(build)
    return verdict_record
