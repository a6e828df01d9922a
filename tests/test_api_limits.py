"""Hostile and heavy traffic against a real ``graphsvc serve``: the cost limit, the cap on every
``first``, rate limits per client (in memory, and shared by two servers through a real Redis), the cap
on one client's expensive operations at once, the time limit, and what production turns off.

Each test that counts requests sends its own bearer token, so it has its own count on the server.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from graphql import parse

from graphsvc.api.cost import measure
from graphsvc.api.schema import build_schema
from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role
from graphsvc.settings import Settings
from graphsvc.store import open_store

from .processes import Output
from .serving import free_port, serving

CLIENTS = ("broker", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
TOKENS: dict[str, dict[str, str]] = {}  # server URL -> client name -> a broker's API token there


@contextmanager
def served(*stores: Path, settings: dict[str, str] | None = None) -> Iterator[list[str]]:
    """``serving`` each store, with one broker's token per client name valid on all of them (the same
    token, so that a count shared through Redis is one client's)."""
    with ExitStack() as stack:
        urls = [stack.enter_context(serving(path, settings)) for path in stores]
        first = open_store(stores[0])
        made = {name: issue_token(first, Role.BROKER) for name in CLIENTS}
        first.close()
        for path in stores[1:]:
            other = open_store(path)
            for _, token in made.values():
                other.save_token(token)
            other.close()
        for url in urls:
            TOKENS[url] = {name: secret for name, (secret, _) in made.items()}
        yield urls


GRAPHQL_RESPONSE = {"accept": "application/graphql-response+json"}
DOCK = base64.b64encode(b"Wijkpartner:dock-utrecht").decode().rstrip("=")
EGO = (
    f'egoNetwork(id: "{DOCK}", hops: 3, first: 500) '
    "{ nodes { hops node { id ... on Stakeholder { name relations(first: 20) { totalCount } } } } relations { kind } }"
)
HEAVY = "{ " + " ".join(f"e{i}: {EGO}" for i in range(24)) + " }"  # about 1 s on the demo city
RELATIONS = (
    "{ stakeholders(first: 60) { nodes { relations(first: 20) { nodes { kind role } } } } }"  # role: a store read
)
LOCKED = {
    "GRAPHSVC_INTROSPECTION": "false",
    "GRAPHSVC_FIELD_SUGGESTIONS": "false",
    "GRAPHSVC_GRAPHIQL": "false",
    "GRAPHSVC_REQUEST_SECONDS": "0.25",  # cheap questions stay far below it on a busy machine; HEAVY does not
    "GRAPHSVC_MAX_EXPENSIVE": "1",
    "GRAPHSVC_EXPENSIVE_COST": "100",
    "GRAPHSVC_RATE_LIMIT": "6/minute",
}


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Default settings (no rate limit, so that the tests' own bursts are not counted)."""
    with served(tmp_path_factory.mktemp("open") / "graph.sqlite", settings={"GRAPHSVC_RATE_LIMIT": ""}) as (url,):
        yield url


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("locked") / "graph.sqlite", settings=LOCKED) as (url,):
        yield url


def ask(url: str, query: str, token: str = "broker", variables: dict | None = None, **kw) -> httpx.Response:
    """Ask as the client named ``token`` (a broker's token made for it on that server)."""
    headers = {**GRAPHQL_RESPONSE, "authorization": f"Bearer {TOKENS[url][token]}"}
    body = {"query": query, "variables": variables or {}}
    return httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=60, **kw)


def up(url: str) -> bool:
    return httpx.get(f"{url}/health", timeout=10).json()["status"] == "ok"


# -- cost and caps on 'first' ---------------------------------------------------------------------------------
def test_a_nested_first_over_the_cap_is_refused_naming_the_cap(open_server: str):
    answer = ask(open_server, "{ communities { communities { members(first: 1000000) { id } } } }")
    assert answer.status_code == 400 and "data" not in answer.json()
    error = answer.json()["errors"][0]
    assert error["message"] == "'first' of Community.members is 1000000; at most 100 allowed (GRAPHSVC_MAX_PAGE)"
    assert error["extensions"] == {"code": "PAGE_LIMIT", "field": "first", "limit": 100}
    by_variable = ask(open_server, "query ($n: Int!) { stakeholders(first: $n) { totalCount } }", variables={"n": 101})
    assert by_variable.status_code == 400 and "Query.stakeholders is 101" in by_variable.json()["errors"][0]["message"]
    assert ask(open_server, "{ communities { communities { members(first: 100) { id } } } }").status_code == 200


def test_ego_networks_keep_their_own_larger_cap(open_server: str):
    assert ask(open_server, "{ " + EGO + " }").status_code == 200
    over = ask(open_server, "{ " + EGO.replace("first: 500", "first: 501") + " }")
    assert over.status_code == 400 and "at most 500 allowed" in over.json()["errors"][0]["message"]


def test_an_operation_over_the_cost_limit_is_refused_with_its_cost_and_the_limit(open_server: str):
    # 10 fragments each spreading the next twice: 1,024 copies of a page of 100 stakeholders.
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(10)]
    fragments.append("fragment F10 on Query { stakeholders(first: 100) { nodes { name } } }")
    started = time.perf_counter()
    answer = ask(open_server, "query { ...F0 } " + " ".join(fragments))
    assert time.perf_counter() - started < 5
    assert answer.status_code == 400 and "data" not in answer.json()
    error = answer.json()["errors"][0]
    cost = 1024 * (5 + 1 + 100)  # the weight of a search, the connection, 100 stakeholders
    assert error["message"] == f"the operation costs an estimated {cost:,}; at most 50,000 allowed (GRAPHSVC_MAX_COST)"
    assert error["extensions"] == {"code": "COST_LIMIT", "cost": cost, "limit": 50_000}
    assert up(open_server)


def test_the_cost_of_a_fragment_fan_is_measured_in_linear_time():
    schema = build_schema()._schema
    depth = 60  # 2**60 copies once expanded
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth)]
    fragments.append(f"fragment F{depth} on Query {{ stakeholders(first: 100) {{ nodes {{ name }} }} }}")
    document = parse("query { ...F0 } " + " ".join(fragments))
    started = time.perf_counter()
    measured = measure(schema, document, None, {}, max_page=100)
    assert time.perf_counter() - started < 0.5
    assert measured.cost == 2**depth * 106


def test_the_example_queries_and_the_explorers_largest_cost_less_than_the_limit():
    schema = build_schema()._schema
    examples = Path(__file__).resolve().parent.parent / "queries"
    for path in examples.glob("*.graphql"):
        measured = measure(schema, parse(path.read_text()), None, {}, max_page=100)
        assert measured.cost < Settings().expensive_cost * 2 and not measured.problems, path.name
    # The explorer's relation loader: 100 ids, 100 relations each (graphsvc/static/js/loaders.js).
    relations = parse(
        "query ($ids: [ID!]!, $first: Int!) { nodes(ids: $ids) { __typename id "
        "... on Stakeholder { relations(first: $first) { totalCount nodes { id kind source { __typename id } "
        "target { __typename id } } } } ... on Meeting { attendees(first: $first) { totalCount nodes { __typename id } } } } }"
    )
    measured = measure(schema, relations, None, {"ids": ["x"] * 100, "first": 100}, max_page=100)
    assert measured.cost == 100 * (1 + 1 + 100 * 3) and measured.cost < Settings().max_cost


def test_a_documents_cost_follows_the_variables_it_reads():
    """The parser's cache hands one document out again: its cost is remembered, but per value of ``first``."""
    schema = build_schema()._schema
    document = parse("query ($id: ID!, $n: Int!) { stakeholder(id: $id) { relations(first: $n) { nodes { id } } } }")
    costs = [
        measure(schema, document, None, {"id": i, "n": n}, max_page=100) for i, n in (("a", 10), ("b", 10), ("a", 500))
    ]
    assert [c.cost for c in costs] == [12, 12, 502]
    assert costs[1] is costs[0], "another id: the same figure, not measured again"
    assert not costs[0].problems and costs[2].problems


# -- rate limits ------------------------------------------------------------------------------------------------
def test_a_client_over_its_rate_limit_waits_while_another_is_served(locked_server: str):
    cheap = "{ themes { key } }"
    answers = [ask(locked_server, cheap, token="alice").status_code for _ in range(6)]
    assert answers == [200] * 6
    refused = ask(locked_server, cheap, token="alice")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    error = refused.json()["errors"][0]
    assert "at most 6 per 1 minute per client (GRAPHSVC_RATE_LIMIT=6/minute)" in error["message"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert ask(locked_server, cheap, token="bob").status_code == 200
    # Without a token the client is its address: 127.0.0.2 is not 127.0.0.1.
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=other, headers=GRAPHQL_RESPONSE) as client:
        assert client.post(f"{locked_server}/graphql", json={"query": cheap}).status_code == 200
    assert ask(locked_server, cheap, token="alice").status_code == 429
    assert up(locked_server)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (scripts/test installs Debian's when run as root)")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    said = Output(process.stdout)
    try:
        assert said.wait_for("Ready to accept connections", 30), f"redis-server did not start: {said.text}"
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_servers_share_one_count_through_redis(tmp_path: Path, redis_url: str):
    shared = {"GRAPHSVC_RATE_LIMIT": "6/minute", "GRAPHSVC_RATE_LIMIT_STORAGE": redis_url}
    with served(tmp_path / "a.sqlite", tmp_path / "b.sqlite", settings=shared) as (one, two):
        cheap = "{ themes { key } }"
        answers = [ask(url, cheap, token="carol").status_code for url in (one, two) * 3]
        assert answers == [200] * 6
        assert ask(one, cheap, token="carol").status_code == 429
        assert ask(two, cheap, token="carol").status_code == 429
        assert ask(two, cheap, token="dave").status_code == 200
        assert up(one) and up(two)


# -- expensive operations at once, time limit ----------------------------------------------------------------------
def test_one_client_may_run_only_so_many_expensive_operations_at_once(open_server: str, tmp_path: Path):
    settings = {**LOCKED, "GRAPHSVC_RATE_LIMIT": "", "GRAPHSVC_REQUEST_SECONDS": "0"}
    with served(tmp_path / "graph.sqlite", settings=settings) as (url,):
        with ThreadPoolExecutor(16) as pool:
            greedy = list(pool.map(lambda _: ask(url, RELATIONS, token="erin"), range(16)))
            modest = [ask(url, RELATIONS, token="frank") for _ in range(3)]
        statuses = sorted({a.status_code for a in greedy})
        assert statuses == [200, 429], statuses
        refused = next(a for a in greedy if a.status_code == 429)
        assert refused.headers["retry-after"] == "1"
        assert "at most 1 per client (GRAPHSVC_MAX_EXPENSIVE)" in refused.json()["errors"][0]["message"]
        assert [a.status_code for a in modest] == [200, 200, 200]
        assert up(url)


def test_a_query_over_its_time_is_stopped_with_504(open_server: str, locked_server: str):
    started = time.perf_counter()
    assert ask(open_server, HEAVY).status_code == 200
    unlimited = time.perf_counter() - started
    started = time.perf_counter()
    stopped = ask(locked_server, HEAVY, token="grace")
    limited = time.perf_counter() - started
    assert stopped.status_code == 504
    error = stopped.json()["errors"][0]
    assert (
        error["message"] == "the request ran over its time limit of 0.25 s (GRAPHSVC_REQUEST_SECONDS) and was stopped"
    )
    assert error["extensions"] == {"code": "TIMEOUT", "limitSeconds": 0.25}
    assert limited < unlimited / 2, (limited, unlimited)  # the work was stopped, not finished and then refused
    assert up(locked_server)


# -- production switches ------------------------------------------------------------------------------------------
def test_introspection_suggestions_and_graphiql_can_be_turned_off(open_server: str, locked_server: str):
    schema_query = "{ __schema { queryType { name } } }"
    assert ask(open_server, schema_query).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    off = ask(locked_server, schema_query, token="heidi")
    assert off.status_code == 400
    assert "introspection is off on this server (GRAPHSVC_INTROSPECTION=false)" in off.json()["errors"][0]["message"]
    assert ask(locked_server, "{ __typename }", token="heidi").json() == {"data": {"__typename": "Query"}}

    typo = "{ stakeholders { nodes { nam } } }"
    assert "Did you mean" in ask(open_server, typo).json()["errors"][0]["message"]
    hidden = ask(locked_server, typo, token="heidi").json()["errors"][0]["message"]
    assert hidden == "Cannot query field 'nam' on type 'Stakeholder'."

    page = httpx.get(f"{locked_server}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404 and "GRAPHSVC_GRAPHIQL=false" in page.json()["errors"][0]["message"]
    assert "graphiql" in httpx.get(f"{open_server}/graphql", headers={"accept": "text/html"}).text.lower()
