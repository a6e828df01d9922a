"""Fixtures that build real objects: SQLite files in a temporary folder, engines over them
(``engine_with``), and documents in the import format (a small synthetic city, the demo city)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.engine import Engine
from graphsvc.generate import generate_city
from graphsvc.resources import seed_path
from graphsvc.store import Store, open_store

from .engines import Engines
from .neo4j_server import RELEASES, Database, Neo4jNotStarted, Neo4jServer, java_home

# The stores every contract, copy and API test runs on: a SQLite file, and a real Neo4j started
# once for the whole run (tests/neo4j_server.py), with authentication on. GRAPHSVC_TEST_NEO4J_URI
# (with _USER and _PASSWORD) names another Neo4j instead: the tests delete everything in it.
STORE_KINDS = ["sqlite", "neo4j", "neo4j-calendar"]  # the contract suite also runs on the calendar release
API_STORES = ["sqlite", "neo4j"]
OUTSIDE_NEO4J = os.environ.get("GRAPHSVC_TEST_NEO4J_URI")


TEST_SETTINGS = {"db.tx_log.preallocate": "false"}  # no 250 MB log files in the temporary folder


class SessionNeo4j:
    """The run's one Neo4j, started at the first test that needs it (under pytest-xdist, one per
    worker: the tests wipe it first, so two workers must not share one). A failed start is tried
    once and reported once: the first test that needs Neo4j fails naming the cause, later ones skip."""

    def __init__(self, release: str = "lts") -> None:
        self.release = release
        self.unavailable: str | None = None  # why this release cannot run here (no Java for it): skip
        self.server: Neo4jServer | None = None
        self.database: Database | None = None
        self.error: str | None = None
        self.reported = False

    def start(self, home: Path) -> None:
        if self.database is not None or self.error is not None:
            return
        if self.release != "lts":
            try:
                java_home(RELEASES[self.release].java_feature)
            except Neo4jNotStarted as error:
                self.unavailable = str(error)
                return
        elif OUTSIDE_NEO4J:
            user, password = os.environ.get("GRAPHSVC_TEST_NEO4J_USER"), os.environ.get("GRAPHSVC_TEST_NEO4J_PASSWORD")
            self.database = Database(OUTSIDE_NEO4J, user or "neo4j", password or "")
            return
        server = Neo4jServer(home, release=self.release, settings=TEST_SETTINGS)
        try:
            server.start()
        except Neo4jNotStarted as error:
            self.error = str(error)
            return
        self.server, self.database = server, server.database

    def get(self) -> Database:
        if self.database is not None:
            return self.database
        if self.unavailable is not None:
            pytest.skip(f"Neo4j {RELEASES[self.release].version} cannot run here: {self.unavailable}")
        if not self.reported and os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0":  # one failure per run
            self.reported = True
            pytest.fail(f"Neo4j could not be started for the tests: {self.error}", pytrace=False)
        pytest.skip(f"Neo4j could not be started (the first test that needed it failed): {self.error}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            shutil.rmtree(self.server.home, ignore_errors=True)
            self.server = None


SESSION_NEO4J = SessionNeo4j()


def pytest_unconfigure(config: pytest.Config) -> None:
    SESSION_NEO4J.stop()


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
def _session_neo4j(tmp_path_factory: pytest.TempPathFactory) -> SessionNeo4j:
    """Starts the run's Neo4j once; never fails itself (pytest would repeat a failed session fixture's
    error for every test): the fixtures that use it fail once, then skip."""
    SESSION_NEO4J.start(tmp_path_factory.mktemp("neo4j"))
    return SESSION_NEO4J


@pytest.fixture
def neo4j_db(_session_neo4j: SessionNeo4j) -> Database:
    """The run's Neo4j database (emptied by each fixture that uses it)."""
    return _session_neo4j.get()


RESTARTABLE = SessionNeo4j()
CALENDAR = SessionNeo4j("calendar")


@pytest.fixture(scope="session")
def _calendar_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionNeo4j]:
    CALENDAR.start(tmp_path_factory.mktemp("neo4j-calendar"))
    yield CALENDAR
    CALENDAR.stop()


@pytest.fixture
def neo4j_calendar_db(_calendar_neo4j: SessionNeo4j) -> Database:
    """Neo4j's current calendar release (on a JDK 21 or newer), for the contract suite."""
    return _calendar_neo4j.get()


@pytest.fixture(scope="session")
def _restartable_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionNeo4j]:
    if SESSION_NEO4J.error is None:  # when the run's Neo4j did not start, this one is not tried
        RESTARTABLE.start(tmp_path_factory.mktemp("neo4j-restartable"))
    else:
        RESTARTABLE.error, RESTARTABLE.reported = SESSION_NEO4J.error, True
    yield RESTARTABLE
    RESTARTABLE.stop()


@pytest.fixture
def restartable_neo4j(_restartable_neo4j: SessionNeo4j) -> Neo4jServer:
    """A Neo4j of its own (not the run's) for tests that stop, kill and restart it; running when given."""
    _restartable_neo4j.get()
    server = _restartable_neo4j.server
    assert server is not None
    if server.process is None:
        server.start()
    return server


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend; the contract suite runs once per backend."""
    if request.param == "sqlite":
        opened = open_store(tmp_path / "graph.sqlite")
    else:
        database: Database = request.getfixturevalue("neo4j_db" if request.param == "neo4j" else "neo4j_calendar_db")
        database.wipe()
        opened = database.store()
    yield opened
    opened.close()


@pytest.fixture
def neo4j_store(neo4j_db: Database) -> Iterator[Store]:
    """An empty store on the run's Neo4j."""
    neo4j_db.wipe()
    opened = neo4j_db.store()
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
    runs once on a SQLite file and once on a real Neo4j. It asks as a broker (with a broker's token
    for every municipality); ``api.as_role('editor')`` asks as another role."""
    from starlette.testclient import TestClient

    from graphsvc.api.app import build_app
    from graphsvc.settings import Settings

    from .api_client import GraphQL

    if request.param == "neo4j":
        database: Database = request.getfixturevalue("neo4j_db")
        database.wipe()
        settings = Settings(store=database.uri, neo4j_user=database.user, neo4j_password=database.password, demo=True)
    else:
        settings = Settings(store=str(tmp_path / "api.sqlite"), demo=True)
    store = open_store(settings.store, user=settings.neo4j_user, password=settings.neo4j_password)
    tokens = role_tokens(store)
    with TestClient(build_app(settings, store)) as client:
        yield GraphQL(client, tokens["broker"], tokens)
    store.close()
