"""Keeping records true, through the API with the roles: possible duplicates offered before a create,
two records of one stakeholder merged with every tie and both histories, and meetings recorded and
turned into ties (evidence the connection questions and suggestions already use)."""

from __future__ import annotations

import pytest

from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role

from .api_client import GraphQL, gid
from .test_rights import audit_log

SIMILAR = """
query ($name: String!, $area: String, $kind: StakeholderKind) {
  similarStakeholders(name: $name, areaCode: $area, kind: $kind) { score stakeholder { key name kind } }
}
"""
CREATE = """
mutation ($input: StakeholderInput!) { createStakeholder(input: $input) { stakeholder { id key } userErrors { code } } }
"""
LINK = """
mutation ($input: LinkInput!) { link(input: $input) { relation { id key } userErrors { field code } } }
"""
MERGE = """
mutation ($keep: ID!, $merge: ID!) {
  mergeStakeholders(keepId: $keep, mergeId: $merge) {
    stakeholder { key themes { key } tags mergedFrom }
    userErrors { field message code }
  }
}
"""
RECORD = """
query ($id: ID!) {
  node(id: $id) {
    ... on Stakeholder {
      key mergedFrom
      history { action detail at }
      relations(first: 100) { nodes { key kind since strength provenance source { id } target { id } } }
    }
  }
}
"""
RECORD_MEETING = """
mutation ($input: MeetingInput!) {
  recordMeeting(input: $input) {
    meeting { id key name date place themeKeys attendees { totalCount nodes { ... on Stakeholder { key } } } }
    userErrors { field message code }
  }
}
"""
TIE = """
mutation ($meeting: ID!, $source: ID!, $target: ID!) {
  tieFromMeeting(meetingId: $meeting, sourceId: $source, targetId: $target) {
    relation { kind since provenance source { id } target { id } }
    userErrors { field message code }
  }
}
"""
MEETINGS = "query ($area: String) { meetings(areaCode: $area, first: 50) { totalCount nodes { key name date } } }"


@pytest.fixture
def editor(api: GraphQL) -> GraphQL:
    return api.as_role("editor")


def offered(api: GraphQL, name: str, area: str | None = None) -> list[str]:
    return [s["stakeholder"]["key"] for s in api(SIMILAR, {"name": name, "area": area})["similarStakeholders"]]


def as_scoped(api: GraphQL, role: Role, municipality: str) -> GraphQL:
    """The API asked with a token of ``role`` for ``municipality`` only."""
    secret, _ = issue_token(api.client.app.state.engine.store, role, [municipality])  # type: ignore[attr-defined]
    return GraphQL(api.client, secret, api.tokens)


def create(editor: GraphQL, kind: str, name: str, **fields: object) -> dict:
    made = editor(CREATE, {"input": {"kind": kind, "name": name, **fields}})["createStakeholder"]
    assert made["userErrors"] == [], made
    return made["stakeholder"]


def link(editor: GraphQL, kind: str, source: str, target: str, **fields: object) -> int:
    made = editor(LINK, {"input": {"kind": kind, "sourceId": source, "targetId": target, **fields}})["link"]
    assert made["userErrors"] == [], made
    return made["relation"]["key"]


# -- possible duplicates ---------------------------------------------------------------------------
def test_before_a_create_the_editor_is_offered_the_record_with_a_similar_name(editor: GraphQL):
    found = editor(SIMILAR, {"name": "Buurtteam Overvecht Noord", "area": "BU03440311"})["similarStakeholders"]
    assert found[0]["stakeholder"] == {
        "key": "buurtteam-overvecht-noord",
        "name": "Buurtteam Overvecht-Noord",
        "kind": "WIJKPARTNER",
    }
    assert found[0]["score"] == 1.0, "the same name but for the hyphen"
    assert "buurtteam-overvecht-zuid" not in [s["stakeholder"]["key"] for s in found], "another team, not a duplicate"
    assert all(0.8 <= s["score"] <= 1 for s in found)
    assert offered(editor, "buurtteam overvecht noord") == ["buurtteam-overvecht-noord"], "anywhere the editor works"
    only_orgs = editor(SIMILAR, {"name": "Buurtteam Overvecht Noord", "kind": "ORGANISATION"})["similarStakeholders"]
    assert only_orgs == []


def test_a_similar_name_in_another_municipality_is_not_offered(editor: GraphQL, api: GraphQL):
    assert "repair-cafe-borculo" in offered(editor, "Repair Cafe Borculo", "GA1859-borculo")
    assert "repair-cafe-borculo" not in offered(editor, "Repair Cafe Borculo", "BU03440312"), "Berkelland, not Utrecht"
    utrecht = api.as_role("editor-GM0344")
    assert offered(utrecht, "Repair Cafe Borculo") == [], "an Utrecht editor is offered only Utrecht's records"
    assert offered(utrecht, "Repair Cafe Wolgadreef") == ["repair-cafe-wolgadreef"]


def test_hidden_residents_are_never_offered(api: GraphQL, editor: GraphQL):
    assert offered(editor, "Imane M.", "GM0344") == ["res-overvecht-006"], "editors may see private residents"
    assert offered(as_scoped(api, Role.EDITOR, "GM0362"), "Imane M.") == [], "not in that editor's municipality"
    objected = api.as_role("admin")(
        "mutation ($id: ID!) { objectResident(id: $id, objected: true) { userErrors { code } } }",
        {"id": gid("Resident", "res-overvecht-006")},
    )
    assert objected["objectResident"]["userErrors"] == []
    assert offered(editor, "Imane M.", "GM0344") == [], "a resident who objected is in no answer"
    assert offered(api.as_role("admin"), "Imane M.", "GM0344") == []
    refused = api.post(SIMILAR, {"name": "Imane M."}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", "brokers do not create records"


# -- merging ---------------------------------------------------------------------------------------
def test_a_merge_keeps_every_tie_and_both_histories(api: GraphQL, editor: GraphQL):
    keep = create(editor, "INITIATIVE", "Buurtkamer Vechtzoom", themes=["social_cohesion"], areaCodes=["BU03440331"])
    twin = create(
        editor, "INITIATIVE", "Buurtkamer Vecht-zoom", themes=["care"], areaCodes=["BU03440331"], tags=["koffie"]
    )
    dock, oso = gid("Wijkpartner", "dock-utrecht"), gid("Initiative", "oso")
    kept_tie = link(editor, "WORKS_ON", dock, keep["id"], since="2025-03-01")
    moved = link(editor, "SUPPORTS", oso, twin["id"], since="2024-09-15", strength=0.7, provenance="steunverklaring")
    moved_too = link(editor, "WORKS_ON", gid("Resident", "res-overvecht-006"), twin["id"])  # a private resident
    between = link(editor, "PARTNERS_WITH", keep["id"], twin["id"])
    review = "mutation ($s: ID!, $t: ID!) { reviewSuggestion(sourceId: $s, targetId: $t, verdict: REJECTED) { userErrors { code } } }"
    assert editor(review, {"s": twin["id"], "t": gid("Organisation", "buurthuis-zambesi")})["reviewSuggestion"] == {
        "userErrors": []
    }
    assert offered(editor, "Buurtkamer Vechtzoom", "BU03440331")[:2] == [keep["key"], twin["key"]]

    merged = editor(MERGE, {"keep": keep["id"], "merge": twin["id"]})["mergeStakeholders"]
    assert merged["userErrors"] == []
    assert merged["stakeholder"] == {
        "key": keep["key"],
        "themes": [{"key": "social_cohesion"}, {"key": "care"}],
        "tags": ["koffie"],
        "mergedFrom": [twin["key"]],
    }
    assert editor(RECORD, {"id": twin["id"]})["node"] is None, "the merged record is gone"
    record = editor(RECORD, {"id": keep["id"]})["node"]
    ties = {r["key"]: r for r in record["relations"]["nodes"]}
    assert set(ties) == {kept_tie, moved, moved_too}, "every tie, with its number; the one between them dropped"
    assert between not in ties
    support = ties[moved]
    assert (support["kind"], support["since"], support["strength"], support["provenance"]) == (
        "SUPPORTS",
        "2024-09-15",
        0.7,
        "steunverklaring",
    )
    assert support["source"]["id"] == oso and support["target"]["id"] == keep["id"]
    actions = [entry["action"] for entry in record["history"]]
    assert actions[0] == "mergeStakeholders" and actions.count("createStakeholder") == 2, "both histories"
    assert actions.count("link") == 4
    assert record["history"] == sorted(record["history"], key=lambda e: e["at"], reverse=True)

    reviews = api("query { suggestionReviews(first: 100) { nodes { verdict source { key } target { key } } } }")
    assert {"verdict": "REJECTED", "source": {"key": keep["key"]}, "target": {"key": "buurthuis-zambesi"}} in reviews[
        "suggestionReviews"
    ]["nodes"], "a verdict on the merged record is one on the kept record"

    broker = api(RECORD, {"id": keep["id"]})["node"]
    assert broker["mergedFrom"] is None and broker["history"] is None, "editors only"


def test_a_merge_across_kinds_is_refused_and_writes_nothing(editor: GraphQL):
    both = {"keep": gid("Initiative", "oso"), "merge": gid("Organisation", "buurthuis-zambesi")}
    refused = editor(MERGE, both)["mergeStakeholders"]
    assert refused["stakeholder"] is None
    assert refused["userErrors"] == [
        {"field": "mergeId", "message": "only records of the same kind can be merged", "code": "MERGE_KINDS_DIFFER"}
    ]
    dutch = editor.post(MERGE, both, **{"accept-language": "nl"}).json()["data"]["mergeStakeholders"]
    assert dutch["userErrors"][0]["message"] == "alleen records van dezelfde soort kunnen worden samengevoegd"
    assert editor(RECORD, {"id": both["merge"]})["node"]["key"] == "buurthuis-zambesi"
    itself = editor(MERGE, {"keep": both["keep"], "merge": both["keep"]})["mergeStakeholders"]
    assert [e["code"] for e in itself["userErrors"]] == ["MERGE_SAME_RECORD"]


def test_a_hidden_or_out_of_scope_record_is_answered_like_a_missing_one(api: GraphQL, editor: GraphQL):
    def refusal(api: GraphQL, keep: str, merge: str) -> list[dict]:
        answer = api(MERGE, {"keep": keep, "merge": merge})["mergeStakeholders"]
        assert answer["stakeholder"] is None
        return answer["userErrors"]

    resident = gid("Resident", "res-overvecht-003")
    missing = refusal(editor, resident, gid("Resident", "res-nobody"))
    assert [e["code"] for e in missing] == ["NOT_FOUND"] and missing[0]["field"] == "mergeId"
    api.as_role("admin")(
        "mutation ($id: ID!) { objectResident(id: $id, objected: true) { userErrors { code } } }",
        {"id": gid("Resident", "res-overvecht-004")},
    )
    assert refusal(editor, resident, gid("Resident", "res-overvecht-004")) == missing, "objected: as if missing"
    utrecht = api.as_role("editor-GM0344")
    assert refusal(utrecht, resident, gid("Resident", "res-nobody")) == missing
    amstelveen = api('query { stakeholders(kinds: [RESIDENT], areaCode: "GM0362", first: 1) { nodes { id } } }')[
        "stakeholders"
    ]["nodes"][0]["id"]
    assert refusal(utrecht, resident, amstelveen) == missing, "another municipality: as if missing"
    assert editor(RECORD, {"id": amstelveen})["node"] is not None, "and nothing was written"


def test_erasing_a_merged_resident_leaves_neither_key_in_the_audit_log(api: GraphQL, editor: GraphQL):
    first = create(editor, "RESIDENT", "Sanne de B.", areaCodes=["BU03440311"], visibility="PRIVATE")
    second = create(editor, "RESIDENT", "Sanne de Boer", areaCodes=["BU03440311"], contact="06-12345678")
    link(editor, "MEMBER_OF", second["id"], gid("Initiative", "buurtmoestuin-taagdreef"))
    assert editor(MERGE, {"keep": first["id"], "merge": second["id"]})["mergeStakeholders"]["userErrors"] == []
    admin = api.as_role("admin")
    before = str(audit_log(admin))
    assert first["key"] in before and second["key"] in before
    erased = admin("mutation ($id: ID!) { eraseResident(id: $id) { userErrors { code } } }", {"id": first["id"]})
    assert erased["eraseResident"]["userErrors"] == []
    after = str(audit_log(admin))
    assert first["key"] not in after and second["key"] not in after, "both keys named them"


# -- meetings --------------------------------------------------------------------------------------
FIVE = ["dock-utrecht", "buurtteam-overvecht-noord", "oke-nu", "oso", "res-overvecht-003"]
TYPES = {"dock-utrecht": "Wijkpartner", "buurtteam-overvecht-noord": "Wijkpartner", "res-overvecht-003": "Resident"}


def gid_of(key: str) -> str:
    return gid(TYPES.get(key, "Initiative"), key)


def meeting_input(attendees: list[str], **fields: object) -> dict:
    return {
        "name": "Buurtavond Overvecht-Noord",
        "date": "2026-03-12",
        "place": "Buurthuis Zambesi",
        "themes": ["social_cohesion"],
        "areaCodes": ["WK034403"],
        "organiserId": gid("MunicipalityRole", "wijkcoordinator-overvecht"),
        "attendeeIds": attendees,
        **fields,
    }


def test_an_editor_records_a_meeting_with_five_attendees_and_turns_two_into_a_tie(api: GraphQL, editor: GraphQL):
    recorded = editor(RECORD_MEETING, {"input": meeting_input([gid_of(k) for k in FIVE])})["recordMeeting"]
    assert recorded["userErrors"] == []
    meeting = recorded["meeting"]
    assert (meeting["name"], meeting["date"], meeting["place"]) == (
        "Buurtavond Overvecht-Noord",
        "2026-03-12",
        "Buurthuis Zambesi",
    )
    assert meeting["attendees"]["totalCount"] == 5
    assert {n["key"] for n in meeting["attendees"]["nodes"]} == set(FIVE)
    listed = api(MEETINGS, {"area": "WK034403"})["meetings"]
    assert listed["nodes"][0]["key"] == meeting["key"], "newest first"
    assert [n["date"] for n in listed["nodes"]] == sorted((n["date"] for n in listed["nodes"]), reverse=True)

    tie = editor(TIE, {"meeting": meeting["id"], "source": gid_of("oke-nu"), "target": gid_of("oso")})["tieFromMeeting"]
    assert tie["userErrors"] == []
    assert tie["relation"]["kind"] == "KNOWS" and tie["relation"]["since"] == "2026-03-12"
    assert tie["relation"]["provenance"] == "met at Buurtavond Overvecht-Noord on 12 March 2026"
    dutch = editor.post(
        TIE,
        {"meeting": meeting["id"], "source": gid_of("dock-utrecht"), "target": gid_of("res-overvecht-003")},
        **{"accept-language": "nl"},
    ).json()["data"]["tieFromMeeting"]
    assert dutch["relation"]["provenance"] == "ontmoet op Buurtavond Overvecht-Noord op 12 maart 2026"

    stranger = gid("Initiative", "buurtkamer-zambesi")
    not_there = editor(TIE, {"meeting": meeting["id"], "source": gid_of("oso"), "target": stranger})["tieFromMeeting"]
    assert not_there == {
        "relation": None,
        "userErrors": [{"field": "targetId", "message": "did not attend this meeting", "code": "NOT_AN_ATTENDEE"}],
    }


def test_an_unknown_or_hidden_attendee_is_answered_like_a_missing_one_and_nothing_is_written(
    api: GraphQL, editor: GraphQL
):
    before = api(MEETINGS, {"area": None})["meetings"]["totalCount"]

    def refusal(api: GraphQL, stranger: str) -> list[dict]:
        answer = api(RECORD_MEETING, {"input": meeting_input([gid_of("oso"), stranger])})["recordMeeting"]
        assert answer["meeting"] is None
        return answer["userErrors"]

    missing = refusal(editor, gid("Resident", "res-nobody"))
    assert missing == [{"field": "input.attendeeIds[1]", "message": missing[0]["message"], "code": "NOT_FOUND"}]
    utrecht = api.as_role("editor-GM0344")
    amstelveen = api('query { stakeholders(kinds: [RESIDENT], areaCode: "GM0362", first: 1) { nodes { id } } }')[
        "stakeholders"
    ]["nodes"][0]["id"]
    assert refusal(utrecht, amstelveen) == missing
    assert refusal(utrecht, gid("Resident", "res-nobody")) == missing
    no_area = editor(RECORD_MEETING, {"input": meeting_input([gid_of("oso")], areaCodes=[])})["recordMeeting"]
    assert [e["code"] for e in no_area["userErrors"]] == ["MEETING_WITHOUT_AREA"]
    elsewhere = utrecht(RECORD_MEETING, {"input": meeting_input([gid_of("oso")], areaCodes=["GM0362"])})
    assert [e["code"] for e in elsewhere["recordMeeting"]["userErrors"]] == ["UNKNOWN_AREA"], "as if it did not exist"
    assert api(MEETINGS, {"area": None})["meetings"]["totalCount"] == before


def test_a_shared_meeting_is_evidence_for_paths_and_suggestions(api: GraphQL, editor: GraphQL):
    newcomer = create(editor, "INITIATIVE", "Buurtkamer Tigrisdreef", themes=["care"], areaCodes=["BU03440342"])
    path_query = """query ($a: ID!, $b: ID!) { connectionPaths(from: $a, to: $b, maxHops: 2) {
        length nodes { __typename ... on Meeting { name } } } }"""
    pair = {"a": newcomer["id"], "b": gid_of("oso")}
    assert api(path_query, pair)["connectionPaths"] == [], "not connected before"
    attendees = [newcomer["id"], *(gid_of(k) for k in FIVE)]
    editor(RECORD_MEETING, {"input": meeting_input(attendees)})
    paths = api(path_query, pair)["connectionPaths"]
    assert paths[0]["length"] == 2 and paths[0]["nodes"][1] == {
        "__typename": "Meeting",
        "name": "Buurtavond Overvecht-Noord",
    }

    suggestions = api(
        """query ($id: ID!) { collaborationSuggestions(forId: $id, first: 20) {
            nodes { target { key } parts { name reason } } } }""",
        {"id": newcomer["id"]},
    )["collaborationSuggestions"]["nodes"]
    met = [s for s in suggestions if s["target"]["key"] in FIVE]
    assert met, suggestions
    for s in met:
        assert {"name": "meetings", "reason": "met at the same meeting"} in s["parts"]


# -- who may ---------------------------------------------------------------------------------------
def test_a_broker_can_do_none_of_these_writes(api: GraphQL):
    meeting = api(MEETINGS, {"area": "WK034403"})["meetings"]["nodes"][0]["key"]
    writes = [
        (MERGE, {"keep": gid("Initiative", "oso"), "merge": gid("Initiative", "oke-nu")}),
        (RECORD_MEETING, {"input": meeting_input([gid_of("oso")])}),
        (TIE, {"meeting": gid("Meeting", meeting), "source": gid_of("dock-utrecht"), "target": gid_of("oso")}),
        (SIMILAR, {"name": "DOCK"}),
    ]
    before = api(MEETINGS, {"area": None})["meetings"]["totalCount"]
    for role in ("broker", "broker-GM0344", "public"):
        for query, variables in writes:
            body = api.as_role(role).post(query, variables).json()
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body.get("data") is None, (role, query)
    assert api(MEETINGS, {"area": None})["meetings"]["totalCount"] == before
    assert api(RECORD, {"id": gid("Initiative", "oke-nu")})["node"]["key"] == "oke-nu"
