"""GraphQL over HTTP: media types, status codes, limits, and bad input that changes nothing."""

from __future__ import annotations

import json

from .api_client import GraphQL, gid

LOOKUP = "query ($id: ID!) { stakeholder(id: $id) { name } }"


def test_get_and_post_answer_the_same(api: GraphQL):
    variables = {"id": gid("Wijkpartner", "dock-utrecht")}
    posted = api.post(LOOKUP, variables).json()
    got = api.client.get("/graphql", params={"query": LOOKUP, "variables": json.dumps(variables)}).json()
    assert posted == got and posted["data"]["stakeholder"]["name"]


def test_graphql_response_media_type_and_status_codes(api: GraphQL):
    accept = {"accept": "application/graphql-response+json"}
    ok = api.client.post("/graphql", json={"query": "{ themes { key } }"}, headers=accept)
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/graphql-response+json"
    invalid = api.client.post("/graphql", json={"query": "{ nosuchfield }"}, headers=accept)
    assert invalid.status_code == 400 and "nosuchfield" in invalid.json()["errors"][0]["message"]
    legacy = api.client.post("/graphql", json={"query": "{ nosuchfield }"})
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")


def test_malformed_requests_get_4xx(api: GraphQL):
    post = api.client.post
    assert post("/graphql", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert post("/graphql", content=b"[1, 2]", headers={"content-type": "application/json"}).status_code == 400
    assert post("/graphql", json={"variables": {}}).status_code == 400
    assert (
        post("/graphql", content=b"query { themes { key } }", headers={"content-type": "text/plain"}).status_code == 415
    )
    assert post("/graphql", json={"query": "{ themes { key } }"}, headers={"accept": "text/csv"}).status_code == 406
    mutation = 'mutation { unlink(id: "x") { deletedId } }'
    refused = api.client.get("/graphql", params={"query": mutation})
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"


def test_nan_and_infinity_are_not_json(api: GraphQL):
    link = "mutation ($s: Float) { link(input: {kind: KNOWS, sourceId: $a, targetId: $a, strength: $s}) { userErrors { message } } }"
    for number in (float("nan"), float("inf"), float("-inf")):  # Python writes them as NaN, Infinity, -Infinity
        refused = api.post_raw(json.dumps({"query": link, "variables": {"s": number}}).encode())
        message = f"the request body is not valid JSON: {json.dumps(number)} is no JSON number"
        assert refused.status_code == 400 and refused.json() == {"errors": [{"message": message}]}


def test_a_lone_surrogate_is_quoted_back_as_it_was_sent(api: GraphQL):
    """A lone surrogate is no UTF-8: an error that quotes one writes it as JSON's escape, as the client did."""
    query = "query ($kinds: [StakeholderKind!]) { stakeholders(kinds: $kinds) { totalCount } }"
    answer = api.post_raw(json.dumps({"query": query, "variables": {"kinds": ["\ud800"]}}).encode())
    assert answer.status_code == 200 and b"Value '\\ud800' does not exist in 'StakeholderKind' enum" in answer.content
    assert "'\ud800' does not exist" in answer.json()["errors"][0]["message"]


def test_oversized_bodies_get_413(api: GraphQL):
    huge = {"query": "{ themes { key } }", "variables": {"pad": "x" * 6_000_000}}
    assert api.client.post("/graphql", json=huge).status_code == 413


def test_browsers_get_graphiql(api: GraphQL):
    page = api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_wrong_variable_types_and_unknown_operations_are_errors(api: GraphQL):
    wrong = api.post("query ($first: Int!) { stakeholders(first: $first) { totalCount } }", {"first": "ten"}).json()
    assert "Int" in wrong["errors"][0]["message"] and "data" not in wrong  # a request error: nothing executed
    unknown = api.client.post("/graphql", json={"query": "query A { themes { key } }", "operationName": "B"}).json()
    assert "Unknown operation named 'B'" in unknown["errors"][0]["message"]
    two = {"query": "query A { themes { key } } query B { areas(first: 1) { totalCount } }"}
    unnamed = api.client.post("/graphql", json=two, headers={"accept": "application/graphql-response+json"})
    assert unnamed.status_code == 400 and unnamed.json() == {"errors": [{"message": "Must provide operation name."}]}


def test_expected_errors_carry_code_and_field(api: GraphQL):
    errors = api.errors('query { stakeholders(areaCode: "WK12") { totalCount } }')
    assert errors[0]["extensions"] == {"code": "INVALID", "field": "areaCode"}
    assert "not a CBS code" in errors[0]["message"]
    too_many = api.errors("query { stakeholders(first: 1000) { totalCount } }")
    assert too_many[0]["extensions"]["field"] == "first"
    bad_cursor = api.errors('query { stakeholders(after: "nonsense") { totalCount } }')
    assert bad_cursor[0]["extensions"]["field"] == "after"


def test_unknown_ids_are_null_not_errors(api: GraphQL):
    for unknown in ("garbage!!", gid("Wijkpartner", "nobody"), gid("Organisation", "dock-utrecht")):
        assert api(LOOKUP, {"id": unknown}) == {"stakeholder": None}


def test_deep_and_wide_queries_are_refused_quickly(api: GraphQL):
    deep = (
        "query { stakeholders { nodes { "
        + "neighbours { nodes { ... on Stakeholder { " * 8
        + "name"
        + " } } }" * 8
        + " } } }"
    )
    assert "depth" in api.errors(deep)[0]["message"]
    aliases = "query { " + " ".join(f"a{i}: themes {{ key }}" for i in range(40)) + " }"
    assert "aliases" in api.errors(aliases)[0]["message"]


def test_fragments_that_spread_twice_do_not_explode(api: GraphQL):
    """22 fragments, each spreading the next twice: 2**22 fields once expanded; refused in linear time."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(22)]
    fragments.append("fragment F22 on Query { themes { key } }")
    document = "query { ...F0 } " + " ".join(fragments)
    import time

    started = time.perf_counter()
    errors = api.errors(document)
    assert time.perf_counter() - started < 2
    assert "fields" in errors[0]["message"]


def test_health_says_the_store_is_up(api: GraphQL):
    health = api.client.get("/health", headers={"authorization": f"Bearer {api.token}"}).json()
    assert health["status"] == "ok" and health["store"]["up"] and health["graph"]["relations"] > 1000
