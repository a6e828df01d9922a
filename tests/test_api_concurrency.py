"""Queries answered while mutations write: no query ever sees a write half applied.

Mutations apply their changes to the in-memory projection in worker threads while queries read
it on the event loop. The threads switch every few microseconds here (``sys.setswitchinterval``),
so that a query runs across many writes; without care its iterations over the graph's adjacency
fail ("dictionary changed size during iteration").
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.api.types.node import typename_of
from graphsvc.engine import Engine, edits
from graphsvc.generate import generate_city
from graphsvc.settings import Settings

from .api_client import GraphQL, gid
from .conftest import role_tokens
from .engines import Engines

EGO = "query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 300) { nodes { hops } relations { kind } } }"
PATHS = "query ($a: ID!, $b: ID!) { connectionPaths(from: $a, to: $b, maxHops: 4, first: 3) { length } }"


@pytest.fixture
def served(engine_with: Engines) -> Iterator[tuple[GraphQL, Engine, list[str]]]:
    """The API on a synthetic city of 2,000 stakeholders and 10,000 relations, its engine, and the
    stakeholders that are not residents (all visible)."""
    city = generate_city(2000, 10_000, seed=5)
    store = engine_with(city).store
    app = build_app(Settings(store=store.url, demo=False), store)
    tokens = role_tokens(store)
    with TestClient(app) as client:
        yield (
            GraphQL(client, tokens["broker"], tokens),
            app.state.engine,
            [s["id"] for s in city["stakeholders"] if s["kind"] != "RESIDENT"],
        )


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def test_queries_beside_a_stream_of_writes_all_answer_in_full(served, fast_switching: None):
    graphql, engine, keys = served
    stop = threading.Event()
    written = 0

    def write() -> None:  # as a mutation does, in a worker thread: validate, commit, project
        nonlocal written
        pick = random.Random(1)
        while not stop.is_set():
            source, target = pick.sample(keys, 2)
            edits.link(engine, engine.view(), {"kind": "KNOWS", "source": source, "target": target})
            written += 1

    writer = threading.Thread(target=write)
    writer.start()
    pick, answered = random.Random(2), 0
    try:
        while answered < 600:
            a, b = (gid(typename_of(engine.view().stakeholder(key).kind), key) for key in pick.sample(keys, 2))
            ego = graphql(EGO, {"id": a})["egoNetwork"]
            assert ego["nodes"] and ego["nodes"][0]["hops"] == 0
            graphql(PATHS, {"a": a, "b": b})
            answered += 1
    finally:
        stop.set()
        writer.join()
    assert written > 600
