"""Mutations: payloads with the changed object, userErrors naming the field, nothing written on error."""

from __future__ import annotations

import json

import pytest

from .api_client import GraphQL, gid

CREATE = """
mutation ($input: StakeholderInput!) {
  createStakeholder(input: $input) {
    stakeholder { id key name ... on Initiative { status needs } areas { code } }
    userErrors { field message code }
  }
}
"""
LINK = """
mutation ($input: LinkInput!) {
  link(input: $input) { relation { id kind role source { id } target { id } } userErrors { field message code } }
}
"""


@pytest.fixture
def editor(api: GraphQL) -> GraphQL:
    """Writes need an editor (brokers ask; see api/permissions.py)."""
    return api.as_role("editor")


def count(api: GraphQL) -> int:
    return api("query { stakeholders(first: 0) { totalCount } }")["stakeholders"]["totalCount"]


def test_create_link_update_unlink_delete(editor: GraphQL):
    api = editor
    before = count(api)
    created = api(
        CREATE,
        {
            "input": {
                "kind": "INITIATIVE",
                "key": "taalcafe-neckardreef",
                "name": "Taalcafé Neckardreef",
                "themes": ["education"],
                "areaCodes": ["BU03440322"],
                "needs": ["SPACE", "VOLUNTEERS"],
            }
        },
    )["createStakeholder"]
    assert created["userErrors"] == []
    initiative = created["stakeholder"]
    assert initiative["status"] == "ACTIVE" and initiative["areas"] == [{"code": "BU03440322"}]
    assert count(api) == before + 1

    linked = api(
        LINK,
        {
            "input": {
                "kind": "WORKS_ON",
                "sourceId": gid("Wijkpartner", "dock-utrecht"),
                "targetId": initiative["id"],
                "since": "2026-01-05",
                "strength": 0.6,
                "role": "sociaal makelaar",
            }
        },
    )["link"]
    assert linked["userErrors"] == [] and linked["relation"]["role"] == "sociaal makelaar"

    updated = api(
        """mutation ($id: ID!) { updateStakeholder(id: $id, input: {status: STARTING, needs: [FUNDING]}) {
            stakeholder { ... on Initiative { status needs } name } userErrors { field } } }""",
        {"id": initiative["id"]},
    )["updateStakeholder"]
    assert updated["stakeholder"] == {"status": "STARTING", "needs": ["FUNDING"], "name": "Taalcafé Neckardreef"}

    unlinked = api(
        "mutation ($id: ID!) { unlink(id: $id) { deletedId userErrors { field } } }", {"id": linked["relation"]["id"]}
    )
    assert unlinked["unlink"]["deletedId"] == linked["relation"]["id"]
    deleted = api("mutation ($id: ID!) { deleteStakeholder(id: $id) { deletedId } }", {"id": initiative["id"]})
    assert deleted["deleteStakeholder"]["deletedId"] == initiative["id"]
    assert count(api) == before


def test_invalid_input_names_the_field_and_writes_nothing(editor: GraphQL):
    api = editor
    before = count(api)
    bad = api(
        CREATE,
        {"input": {"kind": "ORGANISATION", "name": "X", "areaCodes": ["BU99"], "themes": ["astrology"], "capacity": 3}},
    )["createStakeholder"]
    assert bad["stakeholder"] is None
    assert {(e["field"], e["code"]) for e in bad["userErrors"]} == {
        ("input.areaCodes", "UNKNOWN_AREA"),
        ("input.themes", "UNKNOWN_THEME"),
        ("input.capacity", "NOT_APPLICABLE"),
    }
    assert count(api) == before
    wrong_ends = api(
        LINK,
        {
            "input": {
                "kind": "LIVES_IN",
                "sourceId": gid("Wijkpartner", "dock-utrecht"),
                "targetId": gid("Area", "WK034403"),
            }
        },
    )["link"]
    assert wrong_ends["userErrors"] == [
        {
            "field": "input.sourceId",
            "message": "LIVES_IN cannot have a WIJKPARTNER as its source; expected one of RESIDENT",
            "code": "KIND_MISMATCH",
        }
    ]
    strength = api(
        LINK,
        {
            "input": {
                "kind": "KNOWS",
                "sourceId": gid("Wijkpartner", "dock-utrecht"),
                "targetId": gid("Wijkpartner", "smo-utrecht"),
                "strength": 2,
            }
        },
    )["link"]
    assert [(e["field"], e["code"]) for e in strength["userErrors"]] == [("input.strength", "OUT_OF_RANGE")]


def test_unknown_and_hidden_ids_are_not_found(api: GraphQL, demo_doc: dict):
    # an editor for Utrecht only: a stakeholder of another municipality is hidden from it
    elsewhere = next(s for s in demo_doc["stakeholders"] if s["kind"] == "RESIDENT" and s["areas"][0][2:6] != "0344")
    hidden = gid("Resident", elsewhere["id"])
    api = api.as_role("editor-GM0344")
    for target in (hidden, gid("Resident", "nobody")):
        result = api(
            LINK, {"input": {"kind": "KNOWS", "sourceId": gid("Wijkpartner", "dock-utrecht"), "targetId": target}}
        )
        assert result["link"]["userErrors"] == [
            {
                "field": "input.targetId",
                "message": "nothing you may see has the id given as target",
                "code": "NOT_FOUND",
            }
        ]
    for mutation in ("deleteStakeholder", "unlink"):
        errors = api(f'mutation {{ {mutation}(id: "{hidden}") {{ userErrors {{ code }} }} }}')
        assert errors[mutation]["userErrors"][0]["code"] == "NOT_FOUND"


def test_import_graph_is_all_or_nothing(editor: GraphQL):
    api = editor
    before = count(api)
    document = {
        "stakeholders": [{"id": "new-org", "kind": "ORGANISATION", "name": "Nieuwe Vereniging", "areas": ["WK034403"]}],
        "relations": [{"kind": "MEMBER_OF", "source": "new-org", "target": "samen030", "strength": 9}],
    }
    query = "mutation ($d: JSON!) { importGraph(document: $d) { counts version userErrors { field code } } }"
    failed = api(query, {"d": document})["importGraph"]
    assert failed["userErrors"] == [{"field": "relations[0].strength", "code": "OUT_OF_RANGE"}]
    assert count(api) == before
    document["relations"][0]["strength"] = 0.9
    done = api(query, {"d": document})["importGraph"]
    assert done["userErrors"] == [] and done["counts"] == {"stakeholders": 1, "relations": 1}
    assert count(api) == before + 1


def test_a_lone_surrogate_where_a_number_or_a_kind_belongs_is_a_user_error(editor: GraphQL):
    before = count(editor)
    relations = [
        {"kind": "CONTACT_FOR", "source": "beleidsadviseur-utrecht", "target": "samen030", "strength": "\ud800"},
        {"kind": "\udfff", "source": "beleidsadviseur-utrecht", "target": "samen030"},
    ]
    query = "mutation ($d: JSON!) { importGraph(document: $d) { userErrors { field code } } }"
    body = json.dumps({"query": query, "variables": {"d": {"relations": relations}}})  # "\ud800" as JSON writes it
    answer = editor.post_raw(body.encode()).json()
    assert answer["data"]["importGraph"]["userErrors"] == [
        {"field": "relations[0].strength", "code": "OUT_OF_RANGE"},
        {"field": "relations[1].kind", "code": "INVALID"},
    ]
    assert count(editor) == before
