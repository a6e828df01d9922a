"""Queries answered while mutations write: no query ever sees a write half applied, and a query
whose turn comes while a mutation executes lets it finish first.

Mutations apply their changes to the in-memory projection in worker threads while queries read
it on the event loop. The threads switch every few microseconds here (``sys.setswitchinterval``),
so that a query runs across many writes; without care its iterations over the graph's adjacency
fail ("dictionary changed size during iteration").
"""

from __future__ import annotations

import asyncio
import random
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.api.call import ARRIVALS_EVERY, Turns
from graphsvc.api.types.node import typename_of
from graphsvc.domain import Batch, Node, NodeKind, Relation
from graphsvc.engine import Engine, edits
from graphsvc.generate import generate_city
from graphsvc.settings import Settings

from .api_client import GraphQL, gid
from .conftest import role_tokens
from .engines import Engines, changes_on_a_loop
from .networks import florentine_document

EGO = "query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 300) { nodes { hops } relations { kind } } }"
PATHS = "query ($a: ID!, $b: ID!) { connectionPaths(from: $a, to: $b, maxHops: 4, first: 3) { length } }"


@pytest.fixture
def served(engine_with: Engines) -> Iterator[tuple[GraphQL, Engine, list[str]]]:
    """The API on a synthetic city of 2,000 stakeholders and 10,000 relations, its engine, and the
    stakeholders that are not residents (all visible)."""
    city = generate_city(2000, 10_000, seed=5)
    store = engine_with(city).store
    app = build_app(Settings(store=store.url, demo=False, rate_limit=""), store)  # hundreds of queries a second
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
        while answered < 300:
            a, b = (gid(typename_of(engine.view().stakeholder(key).kind), key) for key in pick.sample(keys, 2))
            ego = graphql(EGO, {"id": a})["egoNetwork"]
            assert ego["nodes"] and ego["nodes"][0]["hops"] == 0
            graphql(PATHS, {"a": a, "b": b})
            answered += 1
    finally:
        stop.set()
        writer.join()
    assert written > 300


def test_a_query_waits_for_the_mutations_executing_when_its_turn_comes_but_not_for_later_ones():
    async def scenario() -> list[str]:
        turns, order = Turns(running=2), []
        first_written, second_written = asyncio.Event(), asyncio.Event()

        async def mutation(name: str, written: asyncio.Event) -> None:
            async with turns.mutation():
                order.append(f"{name} starts")
                await written.wait()
                order.append(f"{name} done")

        async def query() -> None:
            async with turns.query():
                order.append("query runs")

        first = asyncio.create_task(mutation("first", first_written))
        while not order:  # the first mutation executes
            await asyncio.sleep(0)
        waiting = asyncio.create_task(query())
        await asyncio.sleep(0)  # the query has its turn and waits
        second = asyncio.create_task(mutation("second", second_written))
        while len(order) < 2:
            await asyncio.sleep(0)
        first_written.set()
        await asyncio.wait_for(waiting, timeout=10)  # would time out if it waited for the second too
        second_written.set()
        await asyncio.gather(first, second)
        return order

    assert asyncio.run(scenario()) == ["first starts", "second starts", "first done", "query runs", "second done"]


def test_what_arrives_while_queries_execute_is_read_before_the_next_queries_once_they_ran_a_while():
    """A request's bytes that reached the server while queries executed for ``ARRIVALS_EVERY`` are
    handled before the queries waiting next execute (else a write waits for every query in line);
    quick queries follow each other without a turn of the loop between them."""

    async def scenario(first_runs_for: float) -> list[str]:
        loop, turns, order = asyncio.get_running_loop(), Turns(running=1), []
        client, server = socket.socketpair()
        server.setblocking(False)
        loop.add_reader(server, lambda: order.append(f"read {server.recv(16).decode()}"))

        async def query(name: str) -> None:
            async with turns.query():
                order.append(f"{name} runs")
                if name == "first":  # while it executes (giving the loop no turn), two queries and
                    arrivals.extend(asyncio.create_task(query(later)) for later in ("second", "third"))
                    client.send(b"write")  # a write's bytes arrive
                    time.sleep(first_runs_for)

        arrivals: list[asyncio.Task[None]] = []
        try:
            await query("first")
            await asyncio.gather(*arrivals)
        finally:
            loop.remove_reader(server)
            client.close()
            server.close()
        return order

    # after queries for ARRIVALS_EVERY seconds, the second gives way to what arrived meanwhile, and the
    # third, ready with it, waits with it
    assert asyncio.run(scenario(ARRIVALS_EVERY)) == ["first runs", "read write", "second runs", "third runs"]
    assert asyncio.run(scenario(0.0)) == ["first runs", "second runs", "third runs", "read write"]


def test_a_write_is_answered_before_its_change_is_applied_and_the_next_write_waits_for_it(engine_with: Engines):
    """A committed write does not wait for the readers' loop: the loop applies its change before it
    resumes the writer (so a write waits for the loop once). The next write validates against the
    graph with that change in it."""
    engine = engine_with(florentine_document())
    busy, done = threading.Event(), threading.Event()
    linked: list[Relation] = []
    with changes_on_a_loop(engine) as loop:
        loop.call_soon_threadsafe(lambda: (busy.set(), done.wait()))  # a long query holds the loop
        busy.wait()
        try:
            engine.write(Batch(nodes=[Node("pucci", NodeKind.ORGANISATION, "Pucci")]))
            assert engine.stored("pucci") is None, "committed, answered, not applied yet: the loop is held"
            record = {"kind": "PARTNERS_WITH", "source": "pucci", "target": "medici"}
            second = threading.Thread(target=lambda: linked.append(edits.add_relation(engine, engine.view(), record)))
            second.start()
            second.join(0.5)
            assert second.is_alive(), "the second write waits until the first one's change is applied"
        finally:
            done.set()  # the loop goes on, whatever was asserted
        second.join(10)
        assert linked and engine.at_rest(lambda: engine.view().adjacent("pucci", "medici")), "read where changes apply"
