"""The Neo4j store when the connection or the server goes away, on a real Neo4j of these tests' own.

A small TCP proxy on 127.0.0.1 sits between the store and the server and cuts every
connection at a chosen moment of a batch write: halfway through sending the batch, or when
the server's answer comes back (the batch was executed, the client never hears so). Either
way the write must fail with ``StoreUnavailableError``, the store must hold the batch fully
or not at all, and the engine's projection must agree with the store after a sync. The
server stopped and started again under a living store: writes fail clearly meanwhile, and the
store works again by itself once the server is back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphsvc.domain import Batch, Relation, RelationKind, StoreUnavailableError
from graphsvc.engine import Engine, Role, Viewer
from graphsvc.store.neo4j import Neo4jStore

from .neo4j_server import Database, Neo4jServer

FAST = {"connect_seconds": 1.0, "retry_seconds": 1.5}  # give up quickly: the proxy refuses meanwhile


class Proxy:
    """Forwards TCP connections from a port of its own to ``target``; ``cut_when`` drops them all.

    ``cut_when(up, down)`` is asked before each forwarded piece with the bytes sent so far
    since ``arm`` (``up``: to the server, ``down``: to the client); once it says yes, every
    connection is closed and new ones are refused until ``resume``.
    """

    def __init__(self, target: int):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.refusing = False
        self.up = self.down = 0
        self.cut_when: Callable[[int, int], bool] = lambda up, down: False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def arm(self, cut_when: Callable[[int, int], bool]) -> None:
        with self.lock:
            self.up = self.down = 0
            self.cut_when = cut_when

    def resume(self) -> None:
        with self.lock:
            self.refusing = False
            self.cut_when = lambda up, down: False

    def close(self) -> None:
        self.listener.close()
        self._cut()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.refusing:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, "down"), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                with self.lock:
                    if self.cut_when(self.up, self.down):
                        self.refusing = True
                        cut = True
                    else:
                        cut = False
                        if direction == "up":
                            self.up += len(data)
                        else:
                            self.down += len(data)
                if cut:
                    self._cut()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)

    def _cut(self) -> None:
        with self.lock:
            doomed, self.sockets = self.sockets, []
        for sock in doomed:
            _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def server(restartable_neo4j: Neo4jServer) -> Neo4jServer:
    """A server of these tests' own, as they stop and restart it."""
    return restartable_neo4j


@pytest.fixture
def proxy(server: Neo4jServer) -> Iterator[Proxy]:
    server.wipe()
    between = Proxy(server.port)
    yield between
    between.close()


def new_relations(city: dict, count: int, note: str) -> Batch:
    """``count`` new KNOWS relations between the city's stakeholders (same size for same-length notes)."""
    ids = [s["id"] for s in city["stakeholders"]]
    pairs = ((ids[i % len(ids)], ids[(i * 7 + 1) % len(ids)]) for i in range(count))
    return Batch(relations=[Relation(None, RelationKind.KNOWS, u, v, note=note) for u, v in pairs])


def relation_ids(store: Neo4jStore) -> set[int]:
    return {rel.id for page in store.iter_relations() for rel in page if rel.id is not None}


def projected_ids(engine: Engine) -> set[int]:
    view = engine.view(Viewer(Role.ADMIN))
    return {rel.id for node in view.nodes for rel in view.relations_of(node)}


@pytest.mark.parametrize("moment", ["while sending the batch", "when the answer comes back"])
def test_a_cut_in_a_batch_write_fails_clearly_and_writes_all_or_nothing(
    moment: str, proxy: Proxy, server: Neo4jServer, small_city: dict
):
    store = Database(proxy.uri, *server.auth).store(**FAST)
    try:
        engine = Engine(store)
        engine.import_document(small_city)
        proxy.arm(lambda up, down: False)
        engine.write(new_relations(small_city, 4000, "first"))  # to measure the size of such a batch
        size = proxy.up
        before = relation_ids(store)
        if moment == "while sending the batch":
            proxy.arm(lambda up, down: up > size // 2)
        else:  # the batch went up whole: cut at the first answer after it
            proxy.arm(lambda up, down: up >= size * 0.99 and down > 0)
        with pytest.raises(StoreUnavailableError, match=f"store at {proxy.uri} cannot be reached"):
            engine.write(new_relations(small_city, 4000, "later"))
        proxy.resume()
        after = relation_ids(store)
        assert len(after - before) in (0, 4000), "all of the batch or nothing"
        if moment == "while sending the batch":
            assert after == before
        engine.sync()
        assert projected_ids(engine) == after
        assert engine.version == store.version()
    finally:
        store.close()


def test_a_restarted_server_fails_writes_meanwhile_and_the_store_recovers_by_itself(
    server: Neo4jServer, proxy: Proxy, small_city: dict
):
    store = server.database.store(**FAST)
    try:
        engine = Engine(store)
        engine.import_document(small_city)
        written = relation_ids(store)
        server.stop()
        assert not store.ping()
        with pytest.raises(StoreUnavailableError, match=f"store at {server.uri} cannot be reached"):
            engine.write(new_relations(small_city, 10, "down"))
        assert engine.view() is not None and projected_ids(engine) == written, "reads go on from the projection"
        server.start()
        assert store.ping()
        engine.write(new_relations(small_city, 10, "back"))
        assert len(relation_ids(store)) == len(written) + 10
        assert projected_ids(engine) == relation_ids(store)
    finally:
        store.close()


def test_an_unreachable_store_at_start_up_is_one_clear_error(tmp_path: Path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    uri = f"bolt://someone:secret@127.0.0.1:{port}"
    with pytest.raises(StoreUnavailableError) as raised:
        Neo4jStore(uri, user="someone", password="secret", **FAST)
    message = str(raised.value)
    assert f"bolt://127.0.0.1:{port}" in message and "secret" not in message
    assert "\n" not in message


def test_the_api_answers_from_the_projection_while_the_database_is_down(server: Neo4jServer, proxy: Proxy):
    from starlette.testclient import TestClient

    from graphsvc.api.app import build_app
    from graphsvc.settings import Settings

    from .api_client import GraphQL
    from .conftest import role_tokens

    store = server.database.store(**FAST)
    settings = Settings(store=server.uri, neo4j_user=server.auth[0], neo4j_password=server.password, demo=True)
    create = """mutation ($key: String!) { createStakeholder(input: {kind: ORGANISATION, key: $key, name: "Nieuw"}) {
        stakeholder { key } userErrors { code message } } }"""
    try:
        tokens = role_tokens(store)
        with TestClient(build_app(settings, store)) as client:
            api = GraphQL(client, tokens["editor"])
            search = 'query { stakeholders(search: "dock") { totalCount } }'
            before = api(search)
            server.stop()
            assert api(search) == before, "reads go on from the projection"
            health = client.get("/health")
            assert health.status_code == 503 and health.json()["store"]["up"] is False
            refused = api(create, {"key": "while-down"})["createStakeholder"]
            assert refused["stakeholder"] is None and refused["userErrors"][0]["code"] == "STORE_UNAVAILABLE"
            assert api(search) == before, "the failed write changed nothing"
            server.start()
            assert client.get("/health").status_code == 200
            done = api(create, {"key": "when-back"})["createStakeholder"]
            assert done["userErrors"] == [] and done["stakeholder"]["key"] == "when-back"
    finally:
        store.close()
