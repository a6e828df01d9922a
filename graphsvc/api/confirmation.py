"""Keeping facts true: the editors' list of stale facts, confirming them, changing and ending ties.

A fact (a stakeholder or a tie) is stale when nobody confirmed it for longer than its
municipality's period (``domain.timeline.is_stale``); editors see the stale facts of their area in
``toCheck`` and confirm, change or end each in one call. Ending a tie sets its ``until``: the tie
stays, as history, for the network as it stood on an earlier day and for ``changes``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from ..analysis.checklist import facts_to_check
from ..domain import GraphsvcError
from ..engine import edits
from .context import Context
from .ids import decode, decode_relation
from .mutation import Act, errors_of, relation_payload, stakeholder_key, to_record, write
from .query import check_area_code
from .types.pagination import Connection, paginate
from .types.payloads import ConfirmPayload, LinkPayload, RelationPatch
from .types.stale_fact import StaleFact


@strawberry.type
class ConfirmationQueries:
    @strawberry.field(
        description="Facts to check (te controleren): stakeholders and relations in your municipalities that nobody "
        "confirmed for longer than the municipality's period, oldest first (never confirmed first). Editors."
    )
    def to_check(
        self,
        info: strawberry.Info,
        area_code: Annotated[
            str | None, strawberry.argument(description="Only this area (CBS code) and what lies in it")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[StaleFact]:
        context: Context = info.context
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        found = facts_to_check(context.view, context.stale_periods, area_code)
        return paginate(found, first, after, context.settings.max_page, lambda f: StaleFact.of(f, context))


@strawberry.type
class ConfirmationMutations:
    @strawberry.mutation(description="Confirm stakeholders and relations as true today (bevestigen); all or none.")
    async def confirm_facts(self, info: strawberry.Info, ids: list[strawberry.ID]) -> ConfirmPayload:
        context: Context = info.context
        view = context.view
        try:
            keys, rel_ids = [], []
            for global_id in ids:
                if decode(global_id, "ids")[0] == "Relation":
                    rel_ids.append(decode_relation(global_id, "ids"))
                else:
                    keys.append(stakeholder_key(context, global_id, "ids"))
            detail = " ".join(f"relation {i}" for i in rel_ids) or None
            await write(
                context,
                lambda: edits.confirm(context.engine, view, keys, rel_ids),
                lambda _: [Act("confirmFacts", keys, detail)],
            )
        except GraphsvcError as error:
            return ConfirmPayload(user_errors=errors_of(error))
        return ConfirmPayload(confirmed=list(ids))

    @strawberry.mutation(
        description="Change a relation's dates, strength, role, note or source; it counts as confirmed."
    )
    async def update_relation(self, info: strawberry.Info, id: strawberry.ID, input: RelationPatch) -> LinkPayload:
        context: Context = info.context
        try:
            rel_id = decode_relation(id)
            changes = to_record(vars(input))
            view = context.view
            await write(
                context,
                lambda: edits.update_relation(context.engine, view, rel_id, changes),
                lambda rel: [
                    Act("updateRelation", [rel.source, rel.target], f"relation {rel_id}: {','.join(sorted(changes))}")
                ],
            )
        except GraphsvcError as error:
            return LinkPayload(user_errors=errors_of(error))
        return relation_payload(context, rel_id)

    @strawberry.mutation(
        description="End a relation (beëindigen): it held until the day given (default today) and stays as history."
    )
    async def end_relation(self, info: strawberry.Info, id: strawberry.ID, on: date | None = None) -> LinkPayload:
        context: Context = info.context
        try:
            rel_id = decode_relation(id)
            view = context.view
            day = on or context.today
            await write(
                context,
                lambda: edits.end_relation(context.engine, view, rel_id, day),
                lambda rel: [Act("endRelation", [rel.source, rel.target], f"relation {rel_id} until {day}")],
            )
        except GraphsvcError as error:
            return LinkPayload(user_errors=errors_of(error))
        return relation_payload(context, rel_id)
