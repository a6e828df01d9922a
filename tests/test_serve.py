"""``graphsvc serve`` as a user starts it: a real uvicorn process on 127.0.0.1, asked by a
standard GraphQL client (gql), loading the demo city into an empty store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    store = tmp_path_factory.mktemp("serve") / "graph.sqlite"
    env = {**os.environ, "GRAPHSVC_STORE": str(store), "GRAPHSVC_PORT": str(port)}
    process = subprocess.Popen(
        [GRAPHSVC, "serve", "--log-level", "warning"], env=env, stdout=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("graphsvc serve did not come up")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stdout is not None
    printed = process.stdout.read()
    assert f"GraphiQL at http://127.0.0.1:{port}/graphql" in printed
    roles = [line.split()[0] for line in printed.splitlines() if line.startswith("  ") and "gsvc_" in line]
    assert roles == ["broker", "editor", "admin"], printed  # to try every role on the demo city


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
