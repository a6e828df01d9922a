"""Durability on a real Neo4j: the JVM or a graphsvc process killed with SIGKILL mid-write.

Every write that was acknowledged (``apply`` returned) is there after Neo4j restarts, each
whole; a large import (written in pages, switched in by one transaction) is either all there
or not at all, whenever the kill lands; what a killed import left staged is invisible, and is
deleted once it is stale. The kills are timed by events (a page written, a write acknowledged,
a progress line printed), never by sleeping.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from graphsvc.domain import Batch, Node, NodeKind, Relation, RelationKind, StoreUnavailableError
from graphsvc.engine import Engine
from graphsvc.generate import generate_city
from graphsvc.store import Store, open_store

from .neo4j_server import Neo4jServer
from .test_cli import GRAPHSVC

FAST = {"connect_seconds": 1.0, "retry_seconds": 1.5}
PAGE = 1_000  # items per transaction of a large import here: a city of 10k items is many pages


@pytest.fixture(scope="module")
def city() -> dict:
    return generate_city(1_500, 8_000, seed=5)


@pytest.fixture(scope="module")
def full_counts(city: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What the store counts after the whole city is imported (SQLite, as the reference)."""
    store = open_store(tmp_path_factory.mktemp("reference") / "city.sqlite")
    Engine(store).import_document(city)
    counts = store.counts()
    store.close()
    return counts


def staged_left(server: Neo4jServer) -> int:
    """Nodes and relationships still tagged by a large import."""
    with server.database.driver() as driver:
        nodes = driver.execute_query("MATCH (n) WHERE n.stage IS NOT NULL RETURN count(n) AS n").records[0]["n"]
        rels = driver.execute_query("MATCH ()-[r]->() WHERE r.stage IS NOT NULL RETURN count(r) AS n").records[0]["n"]
    return nodes + rels


def seeded(server: Neo4jServer) -> Store:
    """An emptied database with one node in it, and a store on it that gives up quickly."""
    server.wipe()
    store = server.database.store(page_items=PAGE, **FAST)
    store.apply(Batch(nodes=[Node("hub", NodeKind.ORGANISATION, "Hub")]))
    return store


def test_every_acknowledged_write_survives_a_kill_of_neo4j(restartable_neo4j: Neo4jServer):
    server = restartable_neo4j
    store = seeded(server)
    acknowledged: list[str] = []
    enough = threading.Event()

    def stream() -> None:
        for i in range(100_000):
            node = Node(f"w{i}", NodeKind.RESIDENT, f"Writer {i}")
            try:
                store.apply(Batch(nodes=[node], relations=[Relation(None, RelationKind.KNOWS, node.id, "hub")]))
            except StoreUnavailableError:
                return
            acknowledged.append(node.id)
            if len(acknowledged) == 40:
                enough.set()

    writer = threading.Thread(target=stream)
    writer.start()
    try:
        assert enough.wait(300), "40 writes were acknowledged"
        server.kill()
    finally:
        writer.join(60)
    store.close()
    server.start()
    reopened = server.database.store()
    try:
        assert set(reopened.read_nodes(acknowledged)) == set(acknowledged), "every acknowledged write is there"
        written = reopened.counts()
        assert written["nodes"]["RESIDENT"] in (len(acknowledged), len(acknowledged) + 1), "at most one in flight"
        assert written["relations"]["KNOWS"] == written["nodes"]["RESIDENT"], "each write whole"
        assert reopened.version() == 1 + written["nodes"]["RESIDENT"]
    finally:
        reopened.close()


@pytest.mark.parametrize("moment", ["halfway through the pages", "while it switches in"])
def test_a_large_import_is_all_or_nothing_when_neo4j_is_killed(
    moment: str, restartable_neo4j: Neo4jServer, city: dict, full_counts: dict
):
    server = restartable_neo4j
    store = seeded(server)
    before = store.counts()
    total = sum(len(city.get(section, ())) for section in ("areas", "stakeholders", "meetings", "relations"))
    written = 0
    last_page = threading.Event()

    def progress(items: int) -> None:
        nonlocal written
        written += items
        if moment == "halfway through the pages" and written >= total // 2:
            server.kill()  # here, between two pages: the switch never starts
        elif written >= total:
            last_page.set()  # the other thread kills while the switch runs (or just before or after)

    store.progress = progress  # type: ignore[attr-defined]
    killer = threading.Thread(target=lambda: last_page.wait(600) and server.kill())
    killer.start()
    try:
        Engine(store).import_document(city)
        outcome = "acknowledged"
    except StoreUnavailableError:
        outcome = "failed"
    finally:
        last_page.set()
        killer.join(60)
        store.close()
    if server.process is None:
        server.start()
    reopened = server.database.store(page_items=PAGE)  # opening finalizes an import that switched in
    try:
        counts = reopened.counts()
        print(f"killed {moment}: the import {'is not there' if counts == before else 'is all there'}")
        if counts == before:
            assert outcome == "failed" and reopened.version() == 1
            assert moment != "halfway through the pages" or staged_left(server) > 0, "pages were written, unseen"
            reopened.recover(stale_seconds=0)  # what a start-up does once the import is stale
            assert staged_left(server) == 0 and reopened.counts() == before
        else:
            assert moment == "while it switches in", "a kill between pages leaves nothing"
            nodes = full_counts["nodes"]
            assert counts["nodes"] == {**nodes, "ORGANISATION": nodes.get("ORGANISATION", 0) + 1}
            assert counts["relations"] == full_counts["relations"]
            assert reopened.version() == 2 and staged_left(server) == 0
    finally:
        reopened.close()


def test_a_graphsvc_import_killed_midway_leaves_nothing(restartable_neo4j: Neo4jServer, city: dict, tmp_path: Path):
    server = restartable_neo4j
    store = seeded(server)
    before, version = store.counts(), store.version()
    document = tmp_path / "city.json"
    document.write_text(json.dumps(city))
    env = {**os.environ, **server.database.login, "GRAPHSVC_NEO4J_PAGE_ITEMS": str(PAGE)}
    command = [GRAPHSVC, "import", "--store", server.uri, str(document)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    assert process.stderr is not None
    seen = b""
    try:
        while chunk := os.read(process.stderr.fileno(), 4096):  # tqdm's lines, as they come
            seen += chunk
            pages = [(int(a), int(b)) for a, b in re.findall(rb"written:.*?(\d+)/(\d+) \[", seen)]
            if pages and pages[-1][0] >= pages[-1][1] // 3:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL, seen.decode(errors="replace")[-500:]
    assert store.counts() == before and store.version() == version, "nothing of the import is visible"
    assert staged_left(server) > 0
    store.recover(stale_seconds=0)
    assert staged_left(server) == 0 and store.counts() == before
    store.close()
