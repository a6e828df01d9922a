"""Area: gemeente (municipality) > wijk (district) > buurt (neighbourhood), with its CBS code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from ...domain import Area as DomainArea
from ..ids import encode
from .enums import AreaLevel, StakeholderKind
from .node import Node
from .pagination import Connection

if TYPE_CHECKING:
    from .stakeholders import Stakeholder


@strawberry.type(description="An area: gemeente (GM code), wijk (WK), buurt (BU) or a municipality's own gebied (GA).")
class Area(Node):
    code: str = strawberry.field(description="CBS code, e.g. GM0344, WK034403, BU03440311")
    name: str
    level: AreaLevel
    cbs_year: int | None = strawberry.field(description="Year of the CBS classification the code comes from")
    _area: strawberry.Private[DomainArea]

    @classmethod
    def of(cls, area: DomainArea) -> Area:
        return cls(
            id=strawberry.ID(encode("Area", area.code)),
            code=area.code,
            name=area.name,
            level=area.level,
            cbs_year=area.cbs_year,
            _area=area,
        )

    @strawberry.field(description="The area this one lies in (none for a municipality).")
    def parent(self, info: strawberry.Info) -> Area | None:
        parent = info.context.view.areas.get(self._area.parent or "")
        return Area.of(parent) if parent else None

    @strawberry.field(description="The areas directly under this one, by code.")
    def children(self, info: strawberry.Info) -> list[Area]:
        areas = info.context.view.areas.values()
        return [Area.of(a) for a in sorted(areas, key=lambda a: a.code) if a.parent == self.code]

    @strawberry.field(description="Stakeholders active in this area or any area under it, by name.")
    def stakeholders(
        self,
        info: strawberry.Info,
        kinds: list[StakeholderKind] | None = None,
        themes: list[str] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Annotated[Stakeholder, strawberry.lazy(".stakeholders")]]:
        from .stakeholders import stakeholder_page

        return stakeholder_page(info.context, first, after, kinds=kinds, themes=themes, area=self.code)
