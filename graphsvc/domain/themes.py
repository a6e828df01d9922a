"""Themes: a controlled vocabulary with a key and Dutch and English labels.

The defaults come from the seed texts (the Weesper alliantie's themes, welfare, housing and
care in Utrecht); data may add themes through the import format's ``themes`` section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problem

KEY = re.compile(r"[a-z][a-z0-9_]{1,39}")


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    label_nl: str
    label_en: str


DEFAULT_THEMES: tuple[Theme, ...] = (
    Theme("health", "volksgezondheid", "health"),
    Theme("welfare", "welzijn", "welfare"),
    Theme("housing", "wonen", "housing"),
    Theme("care", "zorg", "care"),
    Theme("education", "onderwijs", "education"),
    Theme("work_income", "werk en inkomen", "work and income"),
    Theme("economy", "economie", "economy"),
    Theme("culture", "cultuur", "culture"),
    Theme("accessibility", "toegankelijkheid van voorzieningen", "accessibility"),
    Theme("living_environment", "kwaliteit van de leefomgeving", "living environment"),
    Theme("social_equality", "sociale gelijkheid", "social equality"),
    Theme("youth", "jeugd", "youth"),
    Theme("sustainability", "duurzaamheid", "sustainability"),
    Theme("safety", "veiligheid", "safety"),
    Theme("social_cohesion", "sociale samenhang", "social cohesion"),
    Theme("participation", "meedoen", "participation"),
)


def check_theme(theme: Theme, field: str = "theme") -> list[Problem]:
    problems = []
    if not KEY.fullmatch(theme.key):
        problems.append(Problem("INVALID", f"{field}.key", f"'{theme.key}' is not a key: lowercase letters, digits, _"))
    for name, label in (("labelNl", theme.label_nl), ("labelEn", theme.label_en)):
        if not label.strip():
            problems.append(Problem("REQUIRED", f"{field}.{name}", "a label is required"))
    return problems
