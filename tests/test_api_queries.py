"""Queries through HTTP against the real ASGI app on the demo city."""

from __future__ import annotations

from .api_client import GraphQL, gid

STAKEHOLDER = """
query ($id: ID!) {
  stakeholder(id: $id) {
    id key name kind
    themes { key labelNl }
    areas { code level }
    ... on Wijkpartner { capacity type }
    relations(first: 50) { totalCount edges { node { kind source { id } target { id } role } } }
  }
}
"""


def test_a_stakeholder_with_its_relations(api: GraphQL):
    data = api(STAKEHOLDER, {"id": gid("Wijkpartner", "dock-utrecht")})
    dock = data["stakeholder"]
    assert dock["name"].startswith("DOCK") and dock["kind"] == "WIJKPARTNER"
    assert dock["relations"]["totalCount"] == len(dock["relations"]["edges"]) > 3
    assert dock["areas"] == [{"code": "GM0344", "level": "MUNICIPALITY"}, {"code": "WK034403", "level": "DISTRICT"}]


def test_search_ignores_case_and_accents(api: GraphQL):
    query = 'query { stakeholders(search: "OKÉ NU") { totalCount nodes { key name } } }'
    found = api(query)["stakeholders"]
    assert "oke-nu" in [n["key"] for n in found["nodes"]]


def test_stakeholders_of_a_neighbourhood_on_a_theme(api: GraphQL):
    query = """query { stakeholders(areaCode: "WK034403", themes: ["care"], first: 100) {
        totalCount nodes { key areas { code } themes { key } } } }"""
    found = api(query)["stakeholders"]
    assert found["totalCount"] > 0
    for node in found["nodes"]:
        assert "care" in [t["key"] for t in node["themes"]]
        assert any(a["code"].startswith(("WK034403", "BU034403")) for a in node["areas"]), node


def test_pages_follow_their_cursors(api: GraphQL):
    query = "query ($after: String) { stakeholders(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } }"
    seen: list[str] = []
    after = None
    while True:
        page = api(query, {"after": after})["stakeholders"]
        seen += [n["key"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]


def test_areas_form_a_tree(api: GraphQL):
    data = api('query { area(code: "WK034403") { name parent { code } children { code level } } }')
    overvecht = data["area"]
    assert overvecht["parent"] == {"code": "GM0344"}
    assert overvecht["children"] and all(c["code"].startswith("BU034403") for c in overvecht["children"])
    districts = api('query { areas(level: DISTRICT, parentCode: "GM1859") { totalCount nodes { code } } }')["areas"]
    assert districts["totalCount"] == 5


def test_node_lookup_answers_any_type(api: GraphQL):
    ids = [gid("Area", "GM0344"), gid("Theme", "care"), gid("Wijkpartner", "dock-utrecht"), gid("Resident", "nobody")]
    data = api("query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids})
    assert [n and n["__typename"] for n in data["nodes"]] == ["Area", "Theme", "Wijkpartner", None]
