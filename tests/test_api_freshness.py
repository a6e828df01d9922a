"""Keeping facts true through the API: every fact says when it was last confirmed, editors list and
confirm stale ones, ties end instead of vanishing, and anyone who may ask sees what changed in an area."""

from __future__ import annotations

from datetime import date

import pytest

from .api_client import GraphQL, gid

DOCK = gid("Wijkpartner", "dock-utrecht")
OKE_NU = gid("Initiative", "oke-nu")
IMPORT = "mutation ($doc: JSON!) { importGraph(document: $doc) { counts userErrors { field code message } } }"
TO_CHECK = """
query ($area: String) {
  toCheck(areaCode: $area, first: 100) {
    edges { node { id confirmedOn staleFrom stakeholder { key stale } relation { key stale } } }
  }
}
"""
CONFIRM = "mutation ($ids: [ID!]!) { confirmFacts(ids: $ids) { confirmed userErrors { field code } } }"
END = """
mutation ($id: ID!, $on: Date) {
  endRelation(id: $id, on: $on) { relation { key since until confirmedOn stale } userErrors { field code message } }
}
"""
CHANGES = """
query ($area: String!, $from: Date!, $to: Date!) {
  changes(areaCode: $area, from: $from, to: $to) { code on stakeholder { id } other { id } relation { key } text }
}
"""
OLD_FACTS = {
    "stakeholders": [
        {
            "id": "buurtkast-vechtzoom",
            "kind": "INITIATIVE",
            "name": "Buurtkast Vechtzoom",
            "areas": ["BU03440331"],
            "provenance": "wijkschouw 2023",
            "confirmed": "2023-05-01",
        }
    ],
    "relations": [
        {
            "kind": "WORKS_ON",
            "source": "dock-utrecht",
            "target": "buurtkast-vechtzoom",
            "since": "2023-05-01",
            "provenance": "wijkschouw 2023",
            "confirmed": "2023-05-01",
        }
    ],
}


@pytest.fixture
def editor(api: GraphQL) -> GraphQL:
    return api.as_role("editor")


def stale_keys(editor: GraphQL, area: str | None = "BU03440331") -> set[str]:
    found = editor(TO_CHECK, {"area": area})["toCheck"]["edges"]
    return {
        fact["node"]["stakeholder"]["key"]
        if fact["node"]["stakeholder"]
        else f"relation {fact['node']['relation']['key']}"
        for fact in found
    }


def test_a_new_fact_is_confirmed_today_and_an_old_one_is_listed_until_an_editor_confirms_it(editor: GraphQL):
    before = stale_keys(editor)  # the demo's own facts to check there
    created = editor(
        'mutation { createStakeholder(input: {kind: INITIATIVE, name: "Ruilwinkel Vechtzoom", areaCodes: ["BU03440331"]})'
        " { stakeholder { key confirmedOn stale provenance } } }"
    )["createStakeholder"]["stakeholder"]
    assert created["confirmedOn"] == date.today().isoformat() and created["stale"] is False
    assert stale_keys(editor) == before

    assert editor(IMPORT, {"doc": OLD_FACTS})["importGraph"]["userErrors"] == []
    old = editor(
        "query ($id: ID!) { stakeholder(id: $id) { confirmedOn stale provenance relations { edges { node { id key confirmedOn stale } } } } }",
        {"id": gid("Initiative", "buurtkast-vechtzoom")},
    )["stakeholder"]
    assert (old["confirmedOn"], old["stale"], old["provenance"]) == ("2023-05-01", True, "wijkschouw 2023")
    tie = old["relations"]["edges"][0]["node"]
    assert (tie["confirmedOn"], tie["stale"]) == ("2023-05-01", True)
    assert stale_keys(editor) == before | {"buurtkast-vechtzoom", f"relation {tie['key']}"}
    listed = editor(TO_CHECK, {"area": "BU03440331"})["toCheck"]["edges"]
    assert listed[0]["node"]["confirmedOn"] == "2023-05-01"  # oldest first
    assert listed[0]["node"]["staleFrom"] == "2024-05-01"  # a year after the confirmation

    confirmed = editor(CONFIRM, {"ids": [gid("Initiative", "buurtkast-vechtzoom"), tie["id"]]})["confirmFacts"]
    assert confirmed["userErrors"] == [] and len(confirmed["confirmed"]) == 2
    assert stale_keys(editor) == before
    again = editor(
        "query ($id: ID!) { stakeholder(id: $id) { confirmedOn stale } }",
        {"id": gid("Initiative", "buurtkast-vechtzoom")},
    )["stakeholder"]
    assert again == {"confirmedOn": date.today().isoformat(), "stale": False}


def test_the_list_to_check_is_for_editors_and_what_they_may_not_see_is_answered_as_missing(api: GraphQL):
    editor = api.as_role("editor")
    editor(IMPORT, {"doc": OLD_FACTS})
    for role in ("public", "broker"):
        errors = api.as_role(role).errors(TO_CHECK, {"area": None})
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    # an editor of another municipality: the stakeholder is answered exactly like one that does not exist
    elsewhere = editor.as_role("editor-GM0344")  # Utrecht's editor may confirm Utrecht's facts
    assert elsewhere(CONFIRM, {"ids": [gid("Initiative", "buurtkast-vechtzoom")]})["confirmFacts"]["userErrors"] == []
    hidden = api.as_role("broker")("{ stakeholders(first: 0) { totalCount } }")  # brokers may not confirm at all
    assert hidden["stakeholders"]["totalCount"] > 0
    assert api.as_role("broker").errors(CONFIRM, {"ids": [DOCK]})[0]["extensions"]["code"] == "FORBIDDEN"
    missing = editor(CONFIRM, {"ids": [gid("Initiative", "no-such-initiative")]})["confirmFacts"]["userErrors"]
    assert missing == [{"field": "ids", "code": "NOT_FOUND"}]


def test_an_ended_tie_stays_as_history(editor: GraphQL):
    tie = editor(
        'mutation ($s: ID!, $t: ID!) { link(input: {kind: WORKS_ON, sourceId: $s, targetId: $t, since: "2030-01-10"})'
        " { relation { id key } } }",
        {"s": DOCK, "t": OKE_NU},
    )["link"]["relation"]
    ended = editor(END, {"id": tie["id"], "on": "2030-06-30"})["endRelation"]
    assert ended["userErrors"] == []
    assert ended["relation"]["until"] == "2030-06-30" and ended["relation"]["since"] == "2030-01-10"
    assert ended["relation"]["confirmedOn"] == date.today().isoformat()

    def works_on(day: str) -> set[int]:
        found = editor(
            "query ($id: ID!, $day: Date) { stakeholder(id: $id) { relations(kinds: [WORKS_ON], activeOn: $day, first: 100) { edges { node { key } } } } }",
            {"id": OKE_NU, "day": day},
        )["stakeholder"]["relations"]["edges"]
        return {edge["node"]["key"] for edge in found}

    assert tie["key"] in works_on("2030-03-01") and tie["key"] not in works_on("2030-07-01")
    before = editor(END, {"id": tie["id"], "on": "2029-12-31"})["endRelation"]  # before it began
    assert before["relation"] is None and before["userErrors"][0]["field"] == "input.until"


def test_a_tie_is_changed_with_the_same_validation_as_a_new_one(editor: GraphQL):
    tie = editor(
        'mutation ($s: ID!, $t: ID!) { link(input: {kind: WORKS_ON, sourceId: $s, targetId: $t, note: "eerste gesprek"}) { relation { id } } }',
        {"s": DOCK, "t": OKE_NU},
    )["link"]["relation"]
    update = "mutation ($id: ID!, $input: RelationPatch!) { updateRelation(id: $id, input: $input) { relation { strength note kind } userErrors { field code } } }"
    changed = editor(update, {"id": tie["id"], "input": {"strength": 0.9}})["updateRelation"]
    assert changed == {"relation": {"strength": 0.9, "note": "eerste gesprek", "kind": "WORKS_ON"}, "userErrors": []}
    refused = editor(update, {"id": tie["id"], "input": {"strength": 7}})["updateRelation"]
    assert refused["relation"] is None and refused["userErrors"] == [
        {"field": "input.strength", "code": "OUT_OF_RANGE"}
    ]
    assert editor(update, {"id": gid("Relation", 999999), "input": {"strength": 0.1}})["updateRelation"][
        "userErrors"
    ] == [{"field": "id", "code": "NOT_FOUND"}]


def test_what_changed_in_overvecht_between_two_days_lists_exactly_what_happened_then(editor: GraphQL):
    def link(kind: str, source: str, target: str, since: str) -> dict:
        return editor(
            "mutation ($input: LinkInput!) { link(input: $input) { relation { id key } userErrors { message } } }",
            {"input": {"kind": kind, "sourceId": source, "targetId": target, "since": since}},
        )["link"]["relation"]

    before = link("WORKS_ON", DOCK, OKE_NU, "2029-12-31")  # the day before: not listed
    begun = link("WORKS_ON", gid("Wijkpartner", "wijkbureau-overvecht"), OKE_NU, "2030-02-01")
    serving = link("ACTIVE_IN", gid("Wijkpartner", "bibliotheek-overvecht"), gid("Area", "BU03440322"), "2030-03-01")
    editor(END, {"id": before["id"], "on": "2030-04-15"})
    new = editor(
        'mutation { createStakeholder(input: {kind: INITIATIVE, name: "Buurtbieb Neckardreef", areaCodes: ["BU03440322"], started: "2030-05-01"})'
        " { stakeholder { id } } }"
    )["createStakeholder"]["stakeholder"]
    editor(
        'mutation { createStakeholder(input: {kind: INITIATIVE, name: "Later", areaCodes: ["BU03440322"], started: "2031-01-01"}) { stakeholder { id } } }'
    )

    changes = editor(CHANGES, {"area": "WK034403", "from": "2030-01-01", "to": "2030-12-31"})["changes"]
    assert [(c["code"], c["on"]) for c in changes] == [
        ("NEW_TIE", "2030-02-01"),
        ("STARTED_SERVING", "2030-03-01"),
        ("ENDED_TIE", "2030-04-15"),
        ("NEW_INITIATIVE", "2030-05-01"),
    ]
    assert changes[0]["relation"]["key"] == begun["key"] and changes[1]["relation"]["key"] == serving["key"]
    assert changes[3]["stakeholder"]["id"] == new["id"]
    assert (
        changes[1]["text"]
        == "started: Bibliotheek Overvecht (demo) is active in Neckardreef e.o. (BU03440322) (from 1 March 2030)"
    )
    dutch = editor.post(
        CHANGES, {"area": "WK034403", "from": "2030-01-01", "to": "2030-12-31"}, **{"accept-language": "nl"}
    ).json()
    assert dutch["data"]["changes"][2]["text"].startswith(
        "relatie beëindigd: DOCK werkt aan Oke Nu (tot en met 15 april 2030)"
    )
    # another wijk saw none of it, and the broker sees the same list as the editor
    assert editor(CHANGES, {"area": "WK034401", "from": "2030-01-01", "to": "2030-12-31"})["changes"] == []
    broker = editor.as_role("broker")(CHANGES, {"area": "WK034403", "from": "2030-01-01", "to": "2030-12-31"})[
        "changes"
    ]
    assert [c["code"] for c in broker] == [c["code"] for c in changes]
    unknown = editor.errors(CHANGES, {"area": "BU99999999", "from": "2030-01-01", "to": "2030-12-31"})
    assert "BU99999999" in unknown[0]["message"]
