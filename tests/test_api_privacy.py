"""Privacy by default: a PRIVATE resident is in no answer at all, for every query that returns
stakeholders, and contact details are never served to a broker."""

from __future__ import annotations

from itertools import pairwise

import pytest

from .api_client import GraphQL, gid

PRIVATE = ["res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"]


@pytest.fixture
def private_names(api: GraphQL, demo_doc: dict) -> dict[str, str]:
    by_id = {s["id"]: s for s in demo_doc["stakeholders"]}
    assert all(by_id[key]["visibility"] == "PRIVATE" for key in PRIVATE)
    return {key: by_id[key]["name"] for key in PRIVATE}


def keys_in(data: object) -> set[str]:
    """Every ``key`` value anywhere in a response."""
    if isinstance(data, dict):
        found = {data["key"]} if isinstance(data.get("key"), str) else set()
        return found.union(*(keys_in(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(keys_in(v) for v in data))
    return set()


def test_private_residents_are_not_found_by_id(api: GraphQL):
    for key in PRIVATE:
        data = api(
            "query ($id: ID!) { stakeholder(id: $id) { key } node(id: $id) { id } }", {"id": gid("Resident", key)}
        )
        assert data == {"stakeholder": None, "node": None}


def test_private_residents_are_in_no_list_or_search(api: GraphQL, private_names: dict[str, str]):
    everyone = api(
        'query { stakeholders(first: 100, kinds: [RESIDENT], areaCode: "WK034403") { totalCount nodes { key } } }'
    )
    assert not keys_in(everyone) & set(PRIVATE)
    for key, name in private_names.items():
        found = api("query ($q: String!) { stakeholders(search: $q) { nodes { key } } }", {"q": name})
        assert key not in keys_in(found)
    area = api('query { area(code: "WK034403") { stakeholders(first: 100, kinds: [RESIDENT]) { nodes { key } } } }')
    assert not keys_in(area) & set(PRIVATE)


def test_private_residents_are_no_neighbour_and_at_no_end_of_a_relation(api: GraphQL, demo_doc: dict):
    linked = {r["target"] for r in demo_doc["relations"] if r["source"] in PRIVATE}
    linked |= {r["source"] for r in demo_doc["relations"] if r["target"] in PRIVATE}
    linked = {key for key in linked if not key.startswith(("BU", "WK", "GM"))}
    assert linked, "the demo's private residents have ties"
    query = """query ($id: ID!) { node(id: $id) { ... on Stakeholder {
        neighbours(first: 100) { nodes { ... on Stakeholder { key } } }
        relations(first: 100) { nodes { source { ... on Stakeholder { key } } target { ... on Stakeholder { key } } } } } } }"""
    kinds = {s["id"]: s["kind"] for s in demo_doc["stakeholders"]}
    for key in linked:
        if key not in kinds:
            continue
        typename = "".join(part.capitalize() for part in kinds[key].split("_"))
        data = api(query, {"id": gid(typename, key)})
        assert not keys_in(data) & set(PRIVATE), key


def test_contact_details_are_never_served_to_brokers(api: GraphQL):
    data = api("query { stakeholders(kinds: [RESIDENT], first: 100) { nodes { ... on Resident { contact } } } }")
    assert {n["contact"] for n in data["stakeholders"]["nodes"]} == {None}


def test_no_path_runs_through_a_private_resident(api: GraphQL, demo_doc: dict):
    kinds = {s["id"]: s["kind"] for s in demo_doc["stakeholders"]}
    typename = {k: "".join(part.capitalize() for part in v.split("_")) for k, v in kinds.items()}
    query = """query ($a: ID!, $b: ID!) { connectionPaths(from: $a, to: $b, maxHops: 3, first: 10) {
        nodes { ... on Stakeholder { key } } } }"""
    checked = 0
    for private in PRIVATE:
        around = sorted(
            {r["target"] for r in demo_doc["relations"] if r["source"] == private and r["target"] in kinds}
            | {r["source"] for r in demo_doc["relations"] if r["target"] == private and r["source"] in kinds}
        )
        visible = [key for key in around if key not in PRIVATE]
        for a, b in pairwise(visible):
            data = api(query, {"a": gid(typename[a], a), "b": gid(typename[b], b)})
            assert not keys_in(data) & set(PRIVATE), (a, b)
            checked += 1
    assert checked > 0, "some pairs are joined through a private resident in the full graph"
    hidden = api.errors(query, {"a": gid("Resident", PRIVATE[0]), "b": gid("Wijkpartner", "dock-utrecht")})
    missing = api.errors(query, {"a": gid("Resident", "nobody"), "b": gid("Wijkpartner", "dock-utrecht")})
    assert hidden[0]["extensions"] == missing[0]["extensions"] == {"code": "NOT_FOUND", "field": "from"}
    assert hidden[0]["message"].replace(PRIVATE[0], "nobody") == missing[0]["message"], "hidden looks like missing"
