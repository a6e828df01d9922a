"""Fixtures that build real objects: SQLite files in a temporary folder, engines over them
(``engine_with``), and documents in the import format (a small synthetic city, the demo city)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.engine import Engine
from graphsvc.generate import generate_city
from graphsvc.resources import seed_path
from graphsvc.store import Store, open_store

from .bolt_server import BoltServer, empty_graph
from .engines import Engines

# SQLite; Neo4j's store on FalkorDB over Bolt; and a real Neo4j when GRAPHSVC_TEST_NEO4J_URI
# (with GRAPHSVC_TEST_NEO4J_USER and _PASSWORD) names one: its database is emptied by the tests.
NEO4J_URI = os.environ.get("GRAPHSVC_TEST_NEO4J_URI")
NEO4J_USER = os.environ.get("GRAPHSVC_TEST_NEO4J_USER")
NEO4J_PASSWORD = os.environ.get("GRAPHSVC_TEST_NEO4J_PASSWORD")
STORE_KINDS = ["sqlite", "bolt"] + (["neo4j"] if NEO4J_URI else [])
API_STORES = ["sqlite", "bolt"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test id that prints a set of parameters: its order follows the hash seed, which
    differs between processes, so pytest-xdist's workers would not collect the same tests. Give
    such a parametrisation ``ids=``, or sorted values."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        for value in callspec.params.values() if callspec else ():
            if any(len(found) > 1 and str(found) in item.name for found in _sets_in(value)):
                raise pytest.UsageError(f"{item.nodeid}: the id prints a set; give the parametrisation stable ids")


def _sets_in(value: Any) -> Iterator[set | frozenset]:
    if isinstance(value, set | frozenset):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _sets_in(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _sets_in(inner)


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
def engine_with(tmp_path: Path) -> Iterator[Engines]:
    """``engine_with(document)``: an engine over a SQLite file in the test's folder, the document
    imported (see ``Engines``); its stores are closed when the test ends."""
    engines = Engines(tmp_path)
    yield engines
    engines.close()


@pytest.fixture(scope="module")
def module_engine_with(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    """``engine_with`` for engines that the tests of a module share: none of them may write."""
    engines = Engines(tmp_path_factory.mktemp("engines"))
    yield engines
    engines.close()


@pytest.fixture(scope="session")
def small_city() -> dict:
    """A synthetic city of 300 stakeholders and about 1,500 relations (seeded: always the same)."""
    return generate_city(300, 1500, seed=7)


@pytest.fixture(scope="session")
def demo_doc() -> dict:
    return json.loads(seed_path().read_text(encoding="utf-8"))


@pytest.fixture
def demo_engine(engine_with: Engines, demo_doc: dict) -> Engine:
    """The demo city (the seed file), on its own SQLite file: a test may write to it."""
    return engine_with(demo_doc)


@pytest.fixture
def city_engine(engine_with: Engines, small_city: dict) -> Engine:
    """The small synthetic city, on its own SQLite file: a test may write to it."""
    return engine_with(small_city)


@pytest.fixture(params=API_STORES)
def api(request: pytest.FixtureRequest, tmp_path: Path):
    """The GraphQL API on the demo city, loaded at start-up into an empty store: every API test
    runs once on a SQLite file and once on Neo4j's store over the Bolt server."""
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
    with TestClient(build_app(settings, store)) as client:
        yield GraphQL(client)
    store.close()
    if server is not None:
        server.settle()
