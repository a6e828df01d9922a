"""Fixtures that build real objects: SQLite files in a temporary folder, engines over them,
and documents in the import format (a small synthetic city, the demo city)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.engine import Engine
from graphsvc.generate import generate_city
from graphsvc.resources import seed_path
from graphsvc.store import Store, open_store

STORE_KINDS = ["sqlite"]


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend; the contract suite runs once per backend."""
    opened = open_store(tmp_path / "graph.sqlite")
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


@pytest.fixture
def api(tmp_path: Path):
    """The GraphQL API on the demo city (loaded into an empty SQLite store at start-up)."""
    from starlette.testclient import TestClient

    from graphsvc.api.app import build_app
    from graphsvc.settings import Settings

    from .api_client import GraphQL

    settings = Settings(store=str(tmp_path / "api.sqlite"), demo=True)
    store = open_store(settings.store)
    with TestClient(build_app(settings, store)) as client:
        yield GraphQL(client)
    store.close()
