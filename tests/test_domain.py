"""The domain's rules: CBS codes, relation ends, and errors that name the field and what was expected."""

from __future__ import annotations

from itertools import combinations
from operator import attrgetter

import msgspec
import pytest

from graphsvc.domain import AreaLevel, NodeKind, Problem, RelationKind, ValidationError
from graphsvc.domain.areas import Area, check_area, within
from graphsvc.domain.document import batch_from_document
from graphsvc.domain.kinds import fits
from graphsvc.domain.model import utcnow
from graphsvc.domain.records import RelationRecord
from graphsvc.domain.relations import RULES, RowRule, Rule
from graphsvc.domain.validate import Context, Validator

AREAS = [
    {"code": "GM0344", "name": "Utrecht", "level": "MUNICIPALITY", "cbsYear": 2020},
    {"code": "WK034403", "name": "Overvecht", "level": "DISTRICT", "parent": "GM0344", "cbsYear": 2020},
    {"code": "BU03440311", "name": "Taag- en Rubicondreef e.o.", "level": "NEIGHBOURHOOD", "parent": "WK034403"},
]
THEMES = [{"key": "care", "labelNl": "zorg", "labelEn": "care"}]


def doc(**sections) -> dict:
    return {"format": "graphsvc/1", "themes": THEMES, "areas": AREAS, **sections}


def problems_of(document: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        batch_from_document(document)
    return {p.field: p.code for p in caught.value.problems}


def test_cbs_codes_nest_by_their_digits():
    assert check_area(Area("BU03440311", "Taag", AreaLevel.NEIGHBOURHOOD, "WK034403")) == []
    wrong_parent = check_area(Area("BU03440311", "Taag", AreaLevel.NEIGHBOURHOOD, "WK034404"))
    assert [p.field for p in wrong_parent] == ["area.parent"]
    assert "WK034403" in wrong_parent[0].message
    assert check_area(Area("WK34403", "x", AreaLevel.DISTRICT, "GM0344"))[0].code == "INVALID_CODE"
    assert within("BU03440311", "GM0344") and not within("BU03440311", "WK034404")


def test_relation_kinds_fit_their_ends():
    assert fits(RelationKind.MEMBER_OF, NodeKind.RESIDENT, NodeKind.INITIATIVE)
    assert not fits(RelationKind.LIVES_IN, NodeKind.RESIDENT, NodeKind.INITIATIVE)


def test_a_valid_document_becomes_one_batch():
    batch = batch_from_document(
        doc(
            stakeholders=[
                {"id": "oke-nu", "kind": "INITIATIVE", "name": "Oké Nu", "themes": ["care"], "areas": ["BU03440311"]},
                {"id": "res-1", "kind": "RESIDENT", "name": "Fatima B.", "areas": ["BU03440311"]},
            ],
            relations=[{"kind": "MEMBER_OF", "source": "res-1", "target": "oke-nu", "since": "2019-01-29"}],
        )
    )
    assert [n.id for n in batch.nodes] == ["oke-nu", "res-1"]
    resident = batch.nodes[1]
    assert resident.visibility.value == "BROKERS", "residents are visible to brokers unless said otherwise"
    assert batch.relations[0].since == "2019-01-29"
    assert batch.relations[0].confirmed == utcnow().date().isoformat(), (
        "a relation that names no day is a claim made now"
    )


def test_every_bad_row_is_reported_with_its_field():
    found = problems_of(
        doc(
            stakeholders=[
                {"id": "a", "kind": "SPACESHIP", "name": "A"},
                {"id": "b", "kind": "ORGANISATION", "name": "B", "areas": ["BU9"], "visibility": "PUBLIC"},
                {"id": "c", "kind": "RESIDENT", "name": "C"},
                {"id": "d", "kind": "INITIATIVE", "name": "D", "themes": ["astrology"]},
                {"id": "e", "kind": "INITIATIVE", "name": "E"},
            ],
            relations=[
                {"kind": "KNOWS", "source": "c", "target": "e", "strength": 1.5},
                {"kind": "KNOWS", "source": "c", "target": "e", "since": "2020-01-01", "until": "2019-01-01"},
                {"kind": "LIVES_IN", "source": "c", "target": "e"},
                {"kind": "KNOWS", "source": "c", "target": "nobody"},
            ],
        )
    )
    assert found == {
        "stakeholders[0].kind": "INVALID",
        "stakeholders[1].areas": "UNKNOWN_AREA",
        "stakeholders[1].visibility": "NOT_APPLICABLE",
        "stakeholders[3].themes": "UNKNOWN_THEME",
        "relations[0].strength": "OUT_OF_RANGE",
        "relations[1].until": "INVALID",
        "relations[2].target": "KIND_MISMATCH",
        "relations[3].target": "UNKNOWN_NODE",
    }


def test_bad_area_codes_and_parents_are_named():
    found = problems_of(
        {
            "areas": [
                {"code": "GM0344", "name": "Utrecht", "level": "MUNICIPALITY"},
                {"code": "WK99", "name": "Nowhere", "level": "DISTRICT", "parent": "GM0344"},
                {"code": "WK036201", "name": "Randwijck", "level": "DISTRICT", "parent": "GM0344"},
            ]
        }
    )
    assert found == {"areas[1].code": "INVALID_CODE", "areas[2].parent": "INVALID"}


def test_messages_say_what_was_expected():
    with pytest.raises(ValidationError) as caught:
        batch_from_document(doc(relations=[{"kind": "KNOWS", "source": "x", "target": "y", "strength": "high"}]))
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["relations[0].strength"] == "expected a number from 0 to 1, got 'high'"
    assert "no stakeholder, meeting or area with id 'x'" in messages["relations[0].source"]


def test_relation_fields_of_the_wrong_type_are_each_named():
    people = [{"id": "c", "kind": "RESIDENT", "name": "C"}, {"id": "e", "kind": "INITIATIVE", "name": "E"}]
    knows = {"kind": "KNOWS", "source": "c", "target": "e"}
    found = problems_of(
        doc(
            stakeholders=people,
            relations=[
                {**knows, "colour": "red"},
                {**knows, "strength": True},
                {**knows, "id": 0},
                {**knows, "kind": None},
                {**knows, "source": 5},
                {**knows, "since": "2023-1-01"},
                {"kind": "KNOWS", "source": "c"},
                "not an object",
                {**knows, "note": "x" * 2001},
                {**knows, "strength": 1, "id": 7, "since": "2024-02-29"},  # valid: an int strength, a leap day
                {**knows, "kind": ""},
            ],
        )
    )
    assert found == {
        "relations[0].colour": "UNKNOWN_FIELD",
        "relations[1].strength": "OUT_OF_RANGE",
        "relations[2].id": "INVALID",
        "relations[3].kind": "REQUIRED",
        "relations[4].source": "INVALID",
        "relations[5].since": "INVALID_DATE",
        "relations[6].target": "REQUIRED",
        "relations[7]": "INVALID",
        "relations[8].note": "TOO_LONG",
        "relations[10].kind": "REQUIRED",
    }


def test_a_stakeholder_without_a_kind_is_reported_not_dropped():
    found = problems_of(
        doc(stakeholders=[{"id": "x", "kind": None, "name": "X"}, {"id": "y", "kind": "", "name": "Y"}])
    )
    assert found == {"stakeholders[0].kind": "REQUIRED", "stakeholders[1].kind": "REQUIRED"}


def test_fields_of_the_wrong_shape_are_reported_not_crashed_on_nor_dropped():
    found = problems_of(
        {
            "areas": [
                {"code": "GM0344", "name": "Utrecht"},
                {"code": "GM0345", "name": ["Nowhere"], "level": "MUNICIPALITY", "cbsYear": True},
                {"code": "GM0346", "name": "Elsewhere", "level": ["MUNICIPALITY"]},
            ],
            "stakeholders": [{"id": "x", "kind": "RESIDENT", "name": "X", "visibility": {"to": "all"}}],
            "reviews": [
                {
                    "source": "x",
                    "target": "x",
                    "verdict": "ACCEPTED",
                    "reviewedAt": "2026-01-01T00:00:00",
                    "relationKind": ["KNOWS"],
                }
            ],
        }
    )
    assert found == {
        "areas[0].level": "REQUIRED",
        "areas[1].name": "INVALID",
        "areas[1].cbsYear": "INVALID",
        "areas[2].level": "INVALID",
        "stakeholders[0].visibility": "INVALID",
        "reviews[0].source": "UNKNOWN_NODE",
        "reviews[0].target": "UNKNOWN_NODE",
        "reviews[0].relationKind": "INVALID",
    }


# -- the relation rules: one table, checked two ways ---------------------------------------------------------
KINDS = {"fatima": NodeKind.RESIDENT, "moestuin": NodeKind.INITIATIVE, "buurtteam": NodeKind.WIJKPARTNER}
KNOWS = {"kind": "KNOWS", "source": "fatima", "target": "moestuin"}
# For each rule of ``relations.RULES``, a row that breaks that rule and no other.
BREAKS_ONLY = {
    "an-object": ["KNOWS", "fatima", "moestuin"],
    "known-fields": {**KNOWS, "colour": "red"},
    "id-above-0": {**KNOWS, "id": 0},
    "kind-given": {**KNOWS, "kind": None},
    "kind-known": {**KNOWS, "kind": "LOVES"},
    "source-given": {**KNOWS, "source": ""},
    "source-text": {**KNOWS, "source": 5},
    "source-length": {**KNOWS, "source": "x" * 121},
    "target-given": {"kind": "KNOWS", "source": "fatima"},
    "target-text": {**KNOWS, "target": ["moestuin"]},
    "target-length": {**KNOWS, "target": "x" * 121},
    "since-form": {**KNOWS, "since": "2023-1-01"},
    "confirmed-form": {**KNOWS, "confirmed": "yesterday!"},
    "purpose-known": {**KNOWS, "purpose": "MARKETING"},
    "until-form": {**KNOWS, "until": 20230101},
    "strength-in-range": {**KNOWS, "strength": 1.5},
    "role-text": {**KNOWS, "role": 7},
    "role-length": {**KNOWS, "role": "x" * 2001},
    "note-text": {**KNOWS, "note": {"text": "met at the market"}},
    "note-length": {**KNOWS, "note": "x" * 2001},
    "provenance-text": {**KNOWS, "provenance": True},
    "provenance-length": {**KNOWS, "provenance": "x" * 2001},
    "source-known": {**KNOWS, "source": "nobody"},
    "target-known": {**KNOWS, "target": "nobody"},
    "source-fits": {"kind": "WORKS_FOR", "source": "buurtteam", "target": "moestuin"},
    "target-fits": {"kind": "LIVES_IN", "source": "fatima", "target": "moestuin"},
    "two-ends": {**KNOWS, "target": "fatima"},
    "since-a-day": {**KNOWS, "since": "2023-02-30"},
    "confirmed-a-day": {**KNOWS, "confirmed": "2023-02-30"},
    "until-a-day": {**KNOWS, "until": "2023-13-01"},
    "since-before-until": {**KNOWS, "since": "2024-01-01", "until": "2023-12-31"},
    "role-unicode": {**KNOWS, "role": "chair\ud800"},
    "note-unicode": {**KNOWS, "note": "met \ud83d"},
    "provenance-unicode": {**KNOWS, "provenance": "\udfff"},
}


def check(rows: list) -> tuple[list[int], list[Problem]]:
    """The positions the fast path refuses, and what the per-row path says about each of them."""
    validator = Validator(Context(kind_of=KINDS.get))
    _, refused = validator.relations_fast(rows)
    for i in refused:
        validator.explain_relation(rows[i], f"relations[{i}]")
    return refused, validator.problems


@pytest.mark.parametrize("rule", RULES, ids=attrgetter("name"))
def test_a_row_breaking_one_rule_is_refused_and_explained_by_that_rule(rule: Rule):
    row = BREAKS_ONLY.get(rule.name)
    assert row is not None, f"add to BREAKS_ONLY a row that breaks only the rule {rule.name!r}"
    refused, problems = check([KNOWS, row, KNOWS])
    assert refused == [1]
    where = {"": "relations[1]", "*": "relations[1].colour"}.get(rule.field, f"relations[1].{rule.field}")
    assert [(p.code, p.field) for p in problems] == [(rule.code, where)]
    if isinstance(rule, RowRule):  # the same when the row was typed while the JSON was parsed
        typed = msgspec.convert(row, RelationRecord)
        assert check([typed]) == ([0], [Problem(rule.code, f"relations[0].{rule.field}", problems[0].message)])


def test_a_rule_on_values_that_may_be_missing_is_tested_where_they_are_given():
    since = {**KNOWS, "since": "2020-01-01"}
    backwards = {**since, "until": "2019-12-31"}
    assert check([since, backwards, {**since, "until": "2020-12-31"}])[0] == [1]  # until missing in one row
    assert check([KNOWS, backwards, {**KNOWS, "until": "2010-01-01"}])[0] == [1]  # since missing too
    assert check([KNOWS, {**KNOWS, "note": "met \ud83d"}, {**KNOWS, "note": "Oké"}])[0] == [1]


def test_the_fast_path_refuses_exactly_the_rows_the_per_row_path_finds_wrong():
    patches = [row for row in BREAKS_ONLY.values() if isinstance(row, dict)]
    valid = [KNOWS, {**KNOWS, "id": 7, "since": "2024-02-29", "until": "2024-03-01", "strength": 1, "note": "Oké"}]
    for row in [*valid, *patches, *({**a, **b} for a, b in combinations(patches, 2))]:
        validator = Validator(Context(kind_of=KINDS.get))
        _, refused = validator.relations_fast([row])
        validator.explain_relation(row, "relations[0]")
        assert (refused == [0]) == bool(validator.problems) == (row not in valid), (row, validator.problems)
