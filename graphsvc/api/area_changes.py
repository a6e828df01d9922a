"""What changed in an area between two days (veranderingen), for brokers and editors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from ..analysis.area_changes import area_changes
from ..domain import NotFoundError
from .context import Context
from .query import check_area_code
from .types.area_change import AreaChange


@strawberry.type
class AreaChangeQueries:
    @strawberry.field(
        description="What changed in an area (and the areas in it) from one day to another, both included: ties "
        "begun and ended, initiatives started, paused and ended, partners who began or stopped serving it; by day."
    )
    def changes(
        self,
        info: strawberry.Info,
        area_code: Annotated[str, strawberry.argument(description="CBS code, e.g. WK034403 (Overvecht)")],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> list[AreaChange]:
        context: Context = info.context
        check_area_code(area_code, "areaCode")
        view = context.view
        if area_code not in view.areas:
            raise NotFoundError(f"no area with code '{area_code}'", field="areaCode")
        return [AreaChange.of(change, context) for change in area_changes(view, area_code, from_, to)]
