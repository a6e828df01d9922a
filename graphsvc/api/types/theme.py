"""Theme: one key of the controlled vocabulary, with its Dutch and English labels."""

from __future__ import annotations

import strawberry

from ...domain import Theme as DomainTheme
from ..ids import encode
from .node import Node


@strawberry.type(description="A theme (thema) of the controlled vocabulary: zorg, wonen, welzijn, ...")
class Theme(Node):
    key: str
    label_nl: str = strawberry.field(description="Dutch label")
    label_en: str = strawberry.field(description="English label")

    @classmethod
    def of(cls, theme: DomainTheme) -> Theme:
        return cls(
            id=strawberry.ID(encode("Theme", theme.key)),
            key=theme.key,
            label_nl=theme.label_nl,
            label_en=theme.label_en,
        )
