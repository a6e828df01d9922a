"""Explanations in words: both languages complete, every reason an analysis gives has a phrase in each."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from graphsvc.analysis.area_changes import ChangeCode
from graphsvc.analysis.evidence import AreaFit, area_reason
from graphsvc.analysis.reasons import Reason
from graphsvc.engine import Engine
from graphsvc.words import CATALOGUE, LANGUAGES, NEEDS, say

PACKAGE = Path(__file__).resolve().parent.parent / "graphsvc"
AREA_CODES = ("SAME_AREA", "WHOLE_MUNICIPALITY", "INCLUDES", "PART_OF", "SAME_DISTRICT", "SAME_MUNICIPALITY", "OUTSIDE")


def codes_in_the_code() -> set[str]:
    """Every code given as ``Reason.of("CODE", ...)`` in graphsvc, and the area fits' codes."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        found |= set(re.findall(r'Reason\.of\(\s*"([A-Z_]+)"', path.read_text(encoding="utf-8")))
        found |= {
            m
            for pair in re.findall(
                r'Reason\.of\(\s*"([A-Z_]+)" if .* else "([A-Z_]+)"', path.read_text(encoding="utf-8")
            )
            for m in pair
        }
    found |= {f"CHANGE_{code}" for code in ChangeCode}  # AreaChange.reason
    return found | {area_reason(AreaFit(0.5, code, "GM0344", "WK034403")).code for code in AREA_CODES} | {"AREA_NONE"}


def test_both_languages_have_every_code():
    assert set(CATALOGUE["nl"]) == set(CATALOGUE["en"])
    assert set(NEEDS["nl"]) == set(NEEDS["en"])
    missing = codes_in_the_code() - set(CATALOGUE["en"])
    assert not missing, f"reasons without words: {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phrase_fills_in(demo_engine: Engine, language: str):
    view = demo_engine.view()
    params = {
        "n": 2,
        "total": 3,
        "capacity": 5,
        "hops": 1,
        "themes": ("care", "youth"),
        "needs": ("SPACE",),
        "area": "BU03440311",
        "other": "WK034403",
        "nodes": ("dock-utrecht",),
        "names": ("Oke Nu",),
        "source": "dock-utrecht",
        "target": "BU03440311",
        "relation": "ACTIVE_IN",
        "on": date(2026, 3, 1),
    }
    for code, template in CATALOGUE[language].items():
        used = {name for name in re.findall(r"\{(\w+)", template)}
        text = say(Reason.of(code, **{k: params[k] for k in used}), language, view)
        assert "{" not in text and text


def test_the_dutch_page_gets_dutch_and_the_english_page_english(demo_engine: Engine):
    view = demo_engine.view()
    reason = Reason.of("THEMES_SHARED", themes=("care",), n=1, total=2)
    assert say(reason, "nl", view) == "werkt aan zorg (1 van de 2 thema's van het initiatief)"
    assert say(reason, "en", view) == "works on care (1 of the initiative's 2 themes)"


def test_a_change_reads_as_a_sentence_with_names_days_and_relation_words(demo_engine: Engine):
    view = demo_engine.view()
    reason = Reason.of(
        "CHANGE_STARTED_SERVING", source="dock-utrecht", target="WK034403", relation="ACTIVE_IN", on=date(2026, 3, 1)
    )
    assert say(reason, "nl", view) == "begonnen: DOCK is actief in Overvecht (WK034403) (vanaf 1 maart 2026)"
    assert say(reason, "en", view) == "started: DOCK is active in Overvecht (WK034403) (from 1 March 2026)"
