"""StaleFact: a stakeholder or tie nobody confirmed for longer than its municipality's period."""

from __future__ import annotations

from datetime import date

import strawberry

from ...analysis.checklist import FactToCheck
from ..context import Context
from .relation import Relation
from .stakeholders import STAKEHOLDER_TYPES, Stakeholder


@strawberry.type(
    description="A fact to check (verouderd): a stakeholder or a relation, with when it was last confirmed."
)
class StaleFact:
    id: strawberry.ID = strawberry.field(description="The stakeholder's or the relation's ID (give it to confirmFacts)")
    stakeholder: Stakeholder | None
    relation: Relation | None
    confirmed_on: date | None = strawberry.field(description="The day it was last confirmed; null: never")
    stale_from: date | None = strawberry.field(description="The first day it counted as stale; null: never confirmed")

    @classmethod
    def of(cls, fact: FactToCheck, context: Context) -> StaleFact:
        if fact.stakeholder is not None:
            stakeholder = STAKEHOLDER_TYPES[fact.stakeholder.kind].of(fact.stakeholder, context)
            return cls(
                id=stakeholder.id,
                stakeholder=stakeholder,
                relation=None,
                confirmed_on=fact.confirmed,
                stale_from=fact.stale_from,
            )
        relation = Relation.of(context.view, fact.relation)  # type: ignore[arg-type]
        return cls(
            id=relation.id, stakeholder=None, relation=relation, confirmed_on=fact.confirmed, stale_from=fact.stale_from
        )
