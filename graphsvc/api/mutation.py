"""The mutation root: create, update and delete stakeholders, link and unlink, import a graph.

Writes run in a worker thread (the store blocks) and return payloads: the changed object and
``userErrors`` for invalid input, with nothing written when there is one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import Annotated, Any, NamedTuple, TypeVar

import strawberry
from strawberry.scalars import JSON

from ..domain import GraphsvcError, NotFoundError
from ..domain import Node as DomainNode
from ..engine import edits
from .context import Context
from .ids import decode, decode_relation
from .types.node import typename_of
from .types.payloads import (
    DeletePayload,
    ImportPayload,
    LinkInput,
    LinkPayload,
    StakeholderInput,
    StakeholderPatch,
    StakeholderPayload,
    UserError,
)
from .types.relation import Relation
from .types.stakeholders import STAKEHOLDER_TYPES

# Input field names where the import format's record key differs.
log = logging.getLogger("graphsvc.api")
RECORD_KEYS = {"key": "id", "area_codes": "areas", "source_id": "source", "target_id": "target"}
INPUT_FIELDS = {"areas": "areaCodes", "id": "key", "source": "sourceId", "target": "targetId"}
T = TypeVar("T")


def to_record(values: dict[str, Any]) -> dict[str, Any]:
    """Input values to an import-format record: enum values, ISO dates, the format's key names."""
    record: dict[str, Any] = {}
    for name, value in values.items():
        if value is strawberry.UNSET:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list):
            value = [v.value if isinstance(v, Enum) else v for v in value]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        record[RECORD_KEYS.get(name, name)] = value
    return record


def errors_of(error: GraphsvcError) -> list[UserError]:
    """userErrors, with the record's field names turned back into the input's (areas -> areaCodes)."""
    found = []
    for p in error.problems:
        prefix, _, name = p.field.partition(".")
        field = f"input.{INPUT_FIELDS.get(name, name)}" if prefix == "input" and name else p.field
        found.append(UserError(field=field, message=p.message, code=p.code))
    return found


async def run(work: Callable[[], T]) -> T:
    return await asyncio.to_thread(work)


class Act(NamedTuple):
    """An entry of the audit log: what was done, on whom (keys only), and a detail."""

    action: str
    subjects: Sequence[str] = ()
    detail: str | None = None


async def write(context: Context, work: Callable[[], T], acts: Callable[[T], Iterable[Act]]) -> T:
    """Do ``work`` in a worker thread (the store blocks), then, in the same thread, write the acts
    it did to the audit log before the answer goes out: the write leaves the event loop once and
    comes back once (under load each return waits for the query then running)."""
    audit, who = context.engine.trust.audit, context.viewer.label

    def work_and_audit() -> T:
        done = work()
        for act in acts(done):
            audit.record(who, act.action, act.subjects, act.detail)
        try:
            audit.flush()
        except GraphsvcError as error:  # the write is committed: never answer it as failed; the entry waits
            log.warning("could not write the audit log now (%s); it is kept for the next write", error.code)
        return done

    return await run(work_and_audit)


def stakeholder_key(context: Context, global_id: str, field: str = "id") -> str:
    typename, key = decode(global_id, field)
    if typename not in {typename_of(kind) for kind in STAKEHOLDER_TYPES}:
        raise NotFoundError("no stakeholder you may see has that id", field=field)
    return key


def end_key(global_id: str, field: str) -> str:
    """The store key of a relation's end: a stakeholder, meeting or area ID (not a theme or relation)."""
    typename, key = decode(global_id, field)
    if typename in ("Theme", "Relation"):
        raise NotFoundError(f"'{global_id}' is not a stakeholder, meeting or area", field=field)
    return key


def stakeholder_payload(context: Context, node: DomainNode) -> StakeholderPayload:
    """The stakeholder as it was written: a committed write is never answered as failed."""
    return StakeholderPayload(stakeholder=STAKEHOLDER_TYPES[node.kind].of(node, context))


def relation_payload(context: Context, rel_id: int) -> LinkPayload:
    """The relation as written, in the caller's view of the new version."""
    view = context.view
    facts = view.relation(rel_id)
    return LinkPayload(relation=None if facts is None else Relation.of(view, facts))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a stakeholder of any kind, in your municipalities.")
    async def create_stakeholder(
        self,
        info: strawberry.Info,
        input: StakeholderInput,
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Any unique text per intended create: a retry with the same key and input returns the "
                "first result instead of a second stakeholder"
            ),
        ] = None,
    ) -> StakeholderPayload:
        context: Context = info.context
        record = to_record(vars(input))
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
            error = UserError(field="idempotencyKey", message="1 to 200 characters", code="INVALID")
            return StakeholderPayload(user_errors=[error])
        seed = None if idempotency_key is None else f"{context.viewer.label}\n{idempotency_key}"
        record["id"] = record.get("id") or edits.new_key(input.name, record["kind"], seed)
        view = context.view
        try:
            node = await write(
                context,
                lambda: edits.create_node(context.engine, view, record, idempotency_key is not None),
                lambda node: [Act("createStakeholder", [node.id], node.kind.value)],
            )
        except edits.Replayed as replay:
            return stakeholder_payload(context, replay.node)
        except GraphsvcError as error:
            return StakeholderPayload(user_errors=errors_of(error))
        return stakeholder_payload(context, node)

    @strawberry.mutation(description="Change fields of a stakeholder; its kind and key stay.")
    async def update_stakeholder(
        self, info: strawberry.Info, id: strawberry.ID, input: StakeholderPatch
    ) -> StakeholderPayload:
        context: Context = info.context
        view = context.view
        try:
            key = stakeholder_key(context, id)
            changes = to_record(vars(input))
            before = view.stakeholder(key)

            def acts(node: DomainNode) -> Iterable[Act]:
                yield Act("updateStakeholder", [key], ",".join(sorted(INPUT_FIELDS.get(k, k) for k in changes)))
                if before is not None and before.visibility != node.visibility:  # its own act, on the record
                    yield Act("changeVisibility", [key], f"{before.visibility} -> {node.visibility}")

            node = await write(context, lambda: edits.update_node(context.engine, view, key, changes), acts)
        except GraphsvcError as error:
            return StakeholderPayload(user_errors=errors_of(error))
        return stakeholder_payload(context, node)

    @strawberry.mutation(
        description="Delete a stakeholder and all its relations (erasure of a resident: eraseResident)."
    )
    async def delete_stakeholder(self, info: strawberry.Info, id: strawberry.ID) -> DeletePayload:
        context: Context = info.context
        try:
            key = stakeholder_key(context, id)
            view = context.view
            await write(
                context,
                lambda: edits.delete_node(context.engine, view, key),
                lambda _: [Act("deleteStakeholder", [key])],
            )
        except GraphsvcError as error:
            return DeletePayload(user_errors=errors_of(error))
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(description="Add a relation between two nodes (stakeholders, meetings or areas).")
    async def link(self, info: strawberry.Info, input: LinkInput) -> LinkPayload:
        context: Context = info.context
        try:
            record = to_record(vars(input))
            record["source"] = end_key(input.source_id, "input.sourceId")
            record["target"] = end_key(input.target_id, "input.targetId")
            view = context.view
            rel = await write(
                context,
                lambda: edits.link(context.engine, view, record),
                lambda rel: [Act("link", [rel.source, rel.target], f"relation {rel.id} {rel.kind.value}")],
            )
        except GraphsvcError as error:
            return LinkPayload(user_errors=errors_of(error))
        return relation_payload(context, rel.id)  # type: ignore[arg-type]

    @strawberry.mutation(description="Remove a relation.")
    async def unlink(self, info: strawberry.Info, id: strawberry.ID) -> DeletePayload:
        context: Context = info.context
        try:
            rel_id = decode_relation(id)
            view = context.view
            facts = view.relation(rel_id)
            ends = [] if facts is None else [facts.source, facts.target]
            await write(
                context,
                lambda: edits.unlink(context.engine, view, rel_id),
                lambda _: [Act("unlink", ends, f"relation {rel_id}")],
            )
        except GraphsvcError as error:
            return DeletePayload(user_errors=errors_of(error))
        return DeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="Import a document in the import format (schema/import.schema.json), all or nothing. A record "
        "whose id exists is refused (CONFLICT) unless an administrator gives replace: true; what it replaced is in "
        "the audit log."
    )
    async def import_graph(
        self,
        info: strawberry.Info,
        document: JSON,
        replace: Annotated[
            bool, strawberry.argument(description="Replace records whose id exists (administrators only)")
        ] = False,
    ) -> ImportPayload:
        context: Context = info.context
        if not isinstance(document, dict):
            return ImportPayload(
                user_errors=[UserError(field="document", message="expected a JSON object", code="INVALID")]
            )
        counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}

        def acts(done: tuple[Any, dict[str, str]]) -> Iterable[Act]:
            written = [row["id"] for row in document.get("stakeholders") or () if isinstance(row, dict) and "id" in row]
            yield Act("importGraph", written, " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
            for what, fields in sorted(done[1].items()):  # each replaced record's history: what it was, what changed
                yield Act("importGraph:replace", [what.partition(" ")[2]], f"{what}: {fields or 'same'}")

        try:
            applied, _ = await write(
                context, lambda: context.engine.import_for(context.viewer, document, replace), acts
            )
        except GraphsvcError as error:
            return ImportPayload(user_errors=errors_of(error))
        return ImportPayload(counts=JSON(counts), version=applied.version)
