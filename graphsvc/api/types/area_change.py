"""AreaChange: one thing that changed in an area between two days, with the sentence that says it."""

from __future__ import annotations

from datetime import date

import strawberry

from ...analysis.area_changes import AreaChange as Change
from ...words import say
from ..context import Context
from .enums import ChangeCode
from .node import Node, maybe_graphql
from .relation import Relation


@strawberry.type(
    description="A change in an area (verandering): a code, the day, who, and the sentence in your language."
)
class AreaChange:
    code: ChangeCode
    on: date
    stakeholder: Node | None = strawberry.field(description="The initiative or partner, or the tie's source")
    other: Node | None = strawberry.field(description="The tie's target (a stakeholder, meeting or area)")
    relation: Relation | None
    text: str = strawberry.field(description="The change in words, in the language of Accept-Language")

    @classmethod
    def of(cls, change: Change, context: Context) -> AreaChange:
        view = context.view
        return cls(
            code=change.code,
            on=change.on,
            stakeholder=maybe_graphql(view.node(change.stakeholder), context),
            other=maybe_graphql(view.node(change.other), context) if change.other else None,
            relation=Relation.of(view, change.relation) if change.relation else None,
            text=say(change.reason, context.language, view),
        )
