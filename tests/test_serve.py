"""``graphsvc serve`` as a user starts it: a real uvicorn process on 127.0.0.1, asked by a
standard GraphQL client (gql), loading the demo city into an empty store."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

from .serving import served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("serve") / "graph.sqlite") as server:
        assert httpx.get(f"{server.url}/health").status_code == 200, "answers once it says it listens"
        yield server.url
    assert f"GraphiQL at {server.url}/graphql" in server.stdout.text
    roles = [line.split()[0] for line in server.stdout.text.splitlines() if line.startswith("  ") and "gsvc_" in line]
    assert roles == ["broker", "editor", "admin"], server.stdout.text  # to try every role on the demo city


def test_a_standard_client_queries_the_demo_city(server: str):
    client = Client(transport=HTTPXTransport(url=f"{server}/graphql"), fetch_schema_from_transport=True)
    with client as session:
        result = session.execute(gql('query { stakeholders(search: "DOCK") { totalCount nodes { name kind } } }'))
    assert result["stakeholders"]["totalCount"] >= 1
    assert "WIJKPARTNER" in {n["kind"] for n in result["stakeholders"]["nodes"]}


def test_a_bad_request_leaves_the_server_up(server: str):
    bad = httpx.post(f"{server}/graphql", content=b"{oops", headers={"content-type": "application/json"})
    assert bad.status_code == 400
    assert httpx.get(f"{server}/health").json()["status"] == "ok"
