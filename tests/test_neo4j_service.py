"""The API and the command line on the Neo4j store over a real Neo4j (with a user and password):
the same service, unchanged above the store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.resources import seed_path
from graphsvc.settings import Settings

from .api_client import GraphQL, gid
from .conftest import role_tokens
from .neo4j_server import Database
from .test_api_privacy import PRIVATE, keys_in
from .test_cli import run


@pytest.fixture
def server(neo4j_db: Database) -> Database:
    """The run's Neo4j, emptied."""
    neo4j_db.wipe()
    return neo4j_db


def test_the_api_serves_the_demo_city_from_neo4j(server: Database):
    store = server.store()
    settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, demo=True)
    tokens = role_tokens(store)
    with TestClient(build_app(settings, store)) as client:
        api = GraphQL(client, tokens["broker"], tokens)
        found = api('query { stakeholders(search: "dock", kinds: [WIJKPARTNER]) { nodes { key } } }')
        assert "dock-utrecht" in keys_in(found)
        everyone = api("query { stakeholders(first: 100, kinds: [RESIDENT]) { totalCount nodes { key } } }")
        assert not keys_in(everyone) & set(PRIVATE)
        editor = api.as_role("editor")  # a broker may not write
        created = editor(
            """mutation { createStakeholder(input: {kind: INITIATIVE, key: "taalcafe-bolt", name: "Taalcafé",
               themes: ["education"], areaCodes: ["BU03440322"]}) { stakeholder { id } userErrors { field } } }"""
        )["createStakeholder"]
        assert created["userErrors"] == []
        linked = editor(
            "mutation ($s: ID!, $t: ID!) { link(input: {kind: WORKS_ON, sourceId: $s, targetId: $t}) { userErrors { field } } }",
            {"s": gid("Wijkpartner", "dock-utrecht"), "t": created["stakeholder"]["id"]},
        )
        assert linked["link"]["userErrors"] == []
        health = client.get("/health").json()
        assert health["store"] == {"up": True, "kind": "Neo4jStore"}
    store.close()
    reopened = server.store()
    assert "taalcafe-bolt" in reopened.read_nodes(["taalcafe-bolt"])
    reopened.close()


def test_the_command_line_imports_counts_and_copies_to_sqlite(server: Database, tmp_path: Path):
    bolt = server.uri
    login = server.login

    def graphsvc(*args: str) -> subprocess.CompletedProcess:
        return run(*args, env=login)

    imported = graphsvc("import", "--quiet", "--store", bolt, str(seed_path()))
    assert imported.returncode == 0, imported.stderr
    on_bolt = json.loads(graphsvc("stats", "--json", "--store", bolt).stdout)
    target = str(tmp_path / "copy.sqlite")
    copied = graphsvc("copy", "--quiet", "--from", bolt, "--to", target)
    assert copied.returncode == 0, copied.stderr
    on_sqlite = json.loads(run("stats", "--json", "--store", target).stdout)
    exported = tmp_path / "bolt.json"
    assert graphsvc("export", "--store", bolt, "--out", str(exported)).returncode == 0
    assert len(json.loads(exported.read_text())["relations"]) == sum(on_bolt["relations"].values())
    assert {k: on_bolt[k] for k in ("nodes", "relations", "areas")} == {
        k: on_sqlite[k] for k in ("nodes", "relations", "areas")
    }
    unreachable = run("stats", "--store", "bolt://127.0.0.1:9")
    assert unreachable.returncode == 2 and "bolt://127.0.0.1:9" in unreachable.stderr
    refused = run("stats", "--store", bolt, env={**login, "GRAPHSVC_NEO4J_PASSWORD": "not-the-password"})
    assert refused.returncode == 2 and "refused the user and password" in refused.stderr
    assert "not-the-password" not in refused.stderr
