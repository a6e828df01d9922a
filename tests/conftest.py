"""Fixtures that build real objects: SQLite files in a temporary folder, engines over them,
and documents in the import format (a small synthetic city, the demo city)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.engine import Engine
from graphsvc.generate import generate_city
from graphsvc.resources import seed_path
from graphsvc.store import Store, open_store

from .bolt_server import BoltServer, empty_graph

# SQLite; Neo4j's store on FalkorDB over Bolt; and a real Neo4j when GRAPHSVC_TEST_NEO4J_URI
# (with GRAPHSVC_TEST_NEO4J_USER and _PASSWORD) names one: its database is emptied by the tests.
NEO4J_URI = os.environ.get("GRAPHSVC_TEST_NEO4J_URI")
NEO4J_USER = os.environ.get("GRAPHSVC_TEST_NEO4J_USER")
NEO4J_PASSWORD = os.environ.get("GRAPHSVC_TEST_NEO4J_PASSWORD")
STORE_KINDS = ["sqlite", "bolt"] + (["neo4j"] if NEO4J_URI else [])
API_STORES = ["sqlite", "bolt"]


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """A FalkorDB server speaking Bolt, started once per test session and stopped by its pid."""
    server = BoltServer(tmp_path_factory.mktemp("falkordb"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend; the contract suite runs once per backend."""
    if request.param == "sqlite":
        opened = open_store(tmp_path / "graph.sqlite")
        yield opened
        opened.close()
    elif request.param == "bolt":
        server: BoltServer = request.getfixturevalue("bolt_server")
        server.wipe()
        opened = open_store(server.uri)
        yield opened
        opened.close()
        server.settle()
    else:
        empty_graph(NEO4J_URI or "", (NEO4J_USER, NEO4J_PASSWORD or "") if NEO4J_USER else None)
        opened = open_store(NEO4J_URI or "", user=NEO4J_USER, password=NEO4J_PASSWORD)
        yield opened
        opened.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "graph.sqlite"


@pytest.fixture(scope="session")
def small_city() -> dict:
    """A synthetic city of 300 stakeholders and about 1,500 relations (seeded: always the same)."""
    return generate_city(300, 1500, seed=7)


@pytest.fixture(scope="session")
def demo_doc() -> dict:
    return json.loads(seed_path().read_text(encoding="utf-8"))


@pytest.fixture
def demo_engine(sqlite_path: Path, demo_doc: dict) -> Iterator[Engine]:
    store = open_store(sqlite_path)
    engine = Engine(store)
    engine.import_document(demo_doc)
    yield engine
    store.close()


@pytest.fixture
def city_engine(sqlite_path: Path, small_city: dict) -> Iterator[Engine]:
    store = open_store(sqlite_path)
    engine = Engine(store)
    engine.import_document(small_city)
    yield engine
    store.close()


def role_tokens(store: Store) -> dict[str, str]:
    """A token per role for every municipality ('broker', 'editor', 'admin') and for Utrecht only
    ('broker-GM0344', ...), made in the store before the app starts."""
    from graphsvc.engine.trust import issue_token
    from graphsvc.engine.view import Role

    roles = [role for role in Role if role is not Role.PUBLIC]
    tokens = {role.value.lower(): issue_token(store, role)[0] for role in roles}
    tokens.update({f"{role.value.lower()}-GM0344": issue_token(store, role, ["GM0344"])[0] for role in roles})
    return tokens


@pytest.fixture(params=API_STORES)
def api(request: pytest.FixtureRequest, tmp_path: Path):
    """The GraphQL API on the demo city, loaded at start-up into an empty store: every API test
    runs once on a SQLite file and once on Neo4j's store over the Bolt server. It asks as a broker
    (with a broker's token for every municipality); ``api.as_role('editor')`` asks as another role."""
    from starlette.testclient import TestClient

    from graphsvc.api.app import build_app
    from graphsvc.settings import Settings

    from .api_client import GraphQL

    server: BoltServer | None = None
    if request.param == "bolt":
        server = request.getfixturevalue("bolt_server")
        server.wipe()
        location = server.uri
    else:
        location = str(tmp_path / "api.sqlite")
    settings = Settings(store=location, demo=True)
    store = open_store(settings.store)
    tokens = role_tokens(store)
    with TestClient(build_app(settings, store)) as client:
        yield GraphQL(client, tokens["broker"], tokens)
    store.close()
    if server is not None:
        server.settle()
