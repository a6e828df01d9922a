"""Theme: one key of the controlled vocabulary, with its Dutch and English labels."""

from __future__ import annotations

import strawberry

from ...domain import Theme as DomainTheme
from ...domain import ValidationError
from ...domain.records import fold
from ...engine import View
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


def theme_keys(view: View, given: list[str], field: str) -> list[str]:
    """The keys of themes given by key or by their Dutch or English label, ignoring case and accents
    ("zorg", "Care" and "care" are all care); an unknown one is refused with the known keys."""
    known = {fold(word): t.key for t in view.themes.values() for word in (t.key, t.label_nl, t.label_en)}
    unknown = [g for g in given if fold(g) not in known]
    if unknown:
        raise ValidationError(
            f"unknown theme '{unknown[0]}'; known themes: {', '.join(sorted(view.themes))}", field=field
        )
    return [known[fold(g)] for g in given]
