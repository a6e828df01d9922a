"""Collaboration suggestions through HTTP on the demo city: answers a broker would accept."""

from __future__ import annotations

from .api_client import GraphQL, gid

SUGGEST = """
query ($id: ID, $area: String, $first: Int!) {
  collaborationSuggestions(forId: $id, areaCode: $area, first: $first) {
    totalCount
    nodes {
      score explanation
      parts { name weight value contribution reason }
      source { key kind } target { key kind ... on Resident { visibility } }
      commonContacts { id } introductionPath { id } linker { id }
    }
  }
}
"""
REVIEW = """
mutation ($s: ID!, $t: ID!, $verdict: SuggestionVerdict!, $create: RelationKind) {
  reviewSuggestion(sourceId: $s, targetId: $t, verdict: $verdict, note: "besproken in wijkoverleg", createRelation: $create) {
    review { verdict note relationKind source { key } target { key } }
    userErrors { field code message }
  }
}
"""


def neighbours_of(api: GraphQL, typename: str, key: str) -> set[str]:
    data = api(
        "query ($id: ID!) { node(id: $id) { ... on Stakeholder { neighbours(first: 100) { nodes { ... on Stakeholder { key } } } } } }",
        {"id": gid(typename, key)},
    )
    return {n["key"] for n in data["node"]["neighbours"]["nodes"] if n}


def test_suggestions_for_an_initiative_are_new_explained_and_add_up(api: GraphQL):
    found = api(SUGGEST, {"id": gid("Initiative", "oke-nu"), "first": 10})["collaborationSuggestions"]
    assert found["totalCount"] >= 3
    linked = neighbours_of(api, "Initiative", "oke-nu")
    for s in found["nodes"]:
        assert s["source"]["key"] == "oke-nu" and s["target"]["key"] not in linked, "never an existing tie"
        assert s["target"].get("visibility") in (None, "PUBLIC"), "residents only when public"
        assert abs(sum(p["contribution"] for p in s["parts"]) - s["score"]) < 1e-3, "parts add up to the score"
        assert abs(sum(p["weight"] for p in s["parts"]) - 1) < 1e-9
        assert s["explanation"] and all(p["reason"] for p in s["parts"])
        if s["linker"]:
            assert s["introductionPath"][1] == s["linker"]
    scores = [s["score"] for s in found["nodes"]]
    assert scores == sorted(scores, reverse=True)


def test_a_rejected_pair_is_not_suggested_again(api: GraphQL):
    first = api(SUGGEST, {"id": gid("Initiative", "oke-nu"), "first": 5})["collaborationSuggestions"]["nodes"][0]
    target = first["target"]
    typename = "".join(part.capitalize() for part in target["kind"].split("_"))
    rejected = api.as_role("editor")(
        REVIEW, {"s": gid("Initiative", "oke-nu"), "t": gid(typename, target["key"]), "verdict": "REJECTED"}
    )
    assert rejected["reviewSuggestion"]["userErrors"] == []
    again = api(SUGGEST, {"id": gid("Initiative", "oke-nu"), "first": 100})["collaborationSuggestions"]["nodes"]
    assert target["key"] not in {s["target"]["key"] for s in again}
    reviews = api(
        'query { suggestionReviews(areaCode: "GM0344") { nodes { verdict note source { key } target { key } } } }'
    )
    assert {
        "verdict": "REJECTED",
        "note": "besproken in wijkoverleg",
        "source": {"key": "oke-nu"},
        "target": {"key": target["key"]},
    } in reviews["suggestionReviews"]["nodes"]


def test_an_accepted_pair_can_become_a_relation(api: GraphQL):
    first = api(SUGGEST, {"id": gid("Initiative", "oke-nu"), "first": 10})["collaborationSuggestions"]["nodes"]
    partner = next(s["target"] for s in first if s["target"]["kind"] in ("WIJKPARTNER", "ORGANISATION", "INITIATIVE"))
    typename = "".join(part.capitalize() for part in partner["kind"].split("_"))
    accepted = api.as_role("editor")(
        REVIEW,
        {
            "s": gid("Initiative", "oke-nu"),
            "t": gid(typename, partner["key"]),
            "verdict": "ACCEPTED",
            "create": "PARTNERS_WITH",
        },
    )["reviewSuggestion"]
    assert accepted["userErrors"] == [] and accepted["review"]["relationKind"] == "PARTNERS_WITH"
    assert partner["key"] in neighbours_of(api, "Initiative", "oke-nu")


def test_area_lists_spread_the_load_and_leave_private_residents_out(api: GraphQL):
    found = api(SUGGEST, {"area": "WK034403", "first": 100})["collaborationSuggestions"]
    assert found["totalCount"] > 5
    targets = [s["target"]["key"] for s in found["nodes"]]
    assert max(targets.count(t) for t in set(targets)) <= 20
    assert not {"res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"} & set(targets)


def test_bad_review_input_is_a_user_error(api: GraphQL):
    result = api.as_role("editor")(
        REVIEW,
        {"s": gid("Initiative", "oke-nu"), "t": gid("Resident", "nobody"), "verdict": "REJECTED"},
    )["reviewSuggestion"]
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    rejected_with_relation = api.as_role("editor")(
        REVIEW,
        {
            "s": gid("Initiative", "oke-nu"),
            "t": gid("Wijkpartner", "dock-utrecht"),
            "verdict": "REJECTED",
            "create": "KNOWS",
        },
    )["reviewSuggestion"]
    assert rejected_with_relation["userErrors"][0]["field"] == "createRelation"
