"""The cache of global measures: fresh, stale while recomputing, pending on a big graph, refreshed after
writes (once they pause, or when stale too long), computed on a frozen copy of one version, one cache
per app, and stopped with it."""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import Future
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphsvc.analysis import brokers, communities, igraphs
from graphsvc.analysis.brokers import warm
from graphsvc.analysis.measures import Freshness, Measures, Settling, Stopped
from graphsvc.analysis.worker import NICENESS, Worker
from graphsvc.api.app import build_app
from graphsvc.domain import Batch, Node, NodeKind, NotFoundError, Relation, RelationKind, ValidationError
from graphsvc.engine import Engine, FrozenView, Role, View, Viewer
from graphsvc.engine import engine as engine_module
from graphsvc.settings import Settings

from .api_client import GraphQL
from .conftest import role_tokens
from .engines import Engines, changes_on_a_loop
from .networks import florentine_document

BROKERS = "{ brokers(first: 1) { nodes freshness { version stale pending } brokers { stakeholder { id } } } }"


def add_family(engine: Engine, name: str, *partners: str) -> None:
    engine.write(
        Batch(
            nodes=[Node(name, NodeKind.ORGANISATION, name.title())],
            relations=[Relation(None, RelationKind.PARTNERS_WITH, name, p) for p in partners],
        )
    )


def test_a_small_graph_is_computed_on_first_request_then_served_stale_while_recomputed(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures(engine)
    first = brokers(engine.view(), cache=cache)
    assert first.freshness.version == engine.version and not first.freshness.stale
    assert brokers(engine.view(), cache=cache) == first, "the second request is answered from the cache"
    add_family(engine, "pucci-bis", "pucci", "medici")
    stale = brokers(engine.view(), cache=cache)
    assert stale.freshness.stale and stale.brokers == first.brokers
    cache.wait()
    fresh = brokers(engine.view(), cache=cache)
    assert fresh.freshness.version == engine.version and not fresh.freshness.stale
    assert fresh.nodes == first.nodes + 1
    cache.close()


def test_a_big_graph_is_never_computed_on_the_request(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures(engine, sync_nodes=0)
    pending = communities(engine.view(), cache=cache)
    assert pending.freshness.pending and pending.communities == ()
    cache.wait()
    ready = communities(engine.view(), cache=cache)
    assert not ready.freshness.pending and ready.communities
    warm(engine.view(), cache=cache).result()
    assert brokers(engine.view(), cache=cache).brokers[0].id == "medici", "warmed at start: no pending answer"
    cache.close()


def test_unknown_areas_and_themes_are_refused(engine_with: Engines):
    engine = engine_with(florentine_document())
    with pytest.raises(NotFoundError):
        brokers(engine.view(), area_code="WK999999", cache=Measures(engine))
    with pytest.raises(ValidationError):
        communities(engine.view(), theme="no-such-theme")


class WatchedMeasures(Measures):
    """Measures that tell each graph version the watcher has refreshed its questions for."""

    def __init__(self, engine: Engine, **kwargs: Any):
        super().__init__(engine, **kwargs)
        self.refreshed: queue.Queue[int] = queue.Queue()

    def refresh_all(self) -> list[Future]:
        version = self.engine.version
        futures = super().refresh_all()
        self.refreshed.put(version)
        return futures

    def wait_refreshed(self, version: int, timeout: float) -> None:
        """Until the watcher has started refreshing for ``version``, and that refresh is done."""
        try:
            while self.refreshed.get(timeout=timeout) != version:
                pass
        except queue.Empty:
            raise AssertionError(f"the watcher did not refresh for version {version} within {timeout} s") from None
        self.wait()


def test_the_watcher_refreshes_what_was_asked_after_a_write_in_a_worker_process(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = WatchedMeasures(engine, process_nodes=0, interval=0.05)  # every igraph measure in the worker process
    before = brokers(engine.view(), cache=cache)
    cache.start()
    add_family(engine, "newcomers", "strozzi", "ridolfi")
    cache.wait_refreshed(engine.version, timeout=30)
    assert cache.held(engine.view(), ("brokers", None, None)) == engine.version
    after = brokers(engine.view(), cache=cache)
    assert not after.freshness.stale and after.nodes == before.nodes + 1 and after.freshness.version == engine.version
    cache.close()
    assert not multiprocessing.active_children(), "closing ended the worker process"


def test_the_watcher_refreshes_a_lone_write_at_once_and_a_stream_once_it_pauses_or_is_too_stale():
    settling = Settling(version=1, now=0.0, quiet=2.0, most_stale=10.0)
    assert settling.due(1, 5.0) is None, "nothing written"
    # True: more writes may follow the first after a calm spell, so its igraph calls keep off the GIL
    assert settling.due(2, 6.0) is True and settling.settled == 2, "a write after a calm spell: at once"
    assert [settling.due(v, t) for v, t in [(3, 7.0), (4, 8.0), (4, 9.9)]] == [None, None, None], "writes coming"
    assert settling.due(4, 10.0) is False and settling.settled == 4, "2 s without a write: refreshed"
    assert settling.due(4, 10.5) is None
    assert settling.due(5, 11.0) is True, "3 s after the last write: at once"
    stream = [settling.due(version, 12.0 + 1.5 * i) for i, version in enumerate(range(6, 14))]
    assert stream == [None] * 7 + [True], "a write every 1.5 s: refreshed once the first is 10 s stale"
    assert settling.settled == 13
    assert Settling(1, 0.0, quiet=0.0, most_stale=10.0).due(2, 0.0) is False, "quiet 0: at the first look"


def test_while_writes_stream_requests_get_the_stale_answer_and_nothing_is_recomputed(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = WatchedMeasures(engine, quiet=3600, most_stale=3600, interval=0.05)  # writes never pause here
    first = brokers(engine.view(), cache=cache)  # a small graph: computed on the request
    cache.start()
    add_family(engine, "newcomers", "strozzi", "ridolfi")
    stale = brokers(engine.view(), cache=cache)
    assert stale.freshness == Freshness(first.freshness.version, stale=True, pending=False)
    assert stale.brokers == first.brokers
    cache.wait()
    assert cache.held(engine.view(), ("brokers", None, None)) == first.freshness.version, "held back"
    assert cache.refreshed.empty()
    cache.close()


@pytest.mark.parametrize(
    ("quiet", "most_stale", "calm"),
    [
        pytest.param(3600, 0, 0, id="while writes stream, once stale too long (here at once)"),
        pytest.param(0.2, 3600, 0.2, id="a lone write after a calm spell, at the first look"),
    ],
)
def test_a_refresh_while_writes_may_follow_runs_in_the_worker_process_whatever_the_size(
    engine_with: Engines, quiet: float, most_stale: float, calm: float
):
    engine = engine_with(florentine_document())
    cache = WatchedMeasures(engine, quiet=quiet, most_stale=most_stale, interval=0.05)
    first = brokers(engine.view(), cache=cache)
    assert not multiprocessing.active_children(), "on the request, here"
    cache.start()
    time.sleep(calm)  # the calm spell itself: no write for ``quiet`` seconds
    add_family(engine, "newcomers", "strozzi", "ridolfi")
    cache.wait_refreshed(engine.version, timeout=30)
    assert multiprocessing.active_children(), "in the worker process, though 15 nodes (once writes paused: here)"
    fresh = brokers(engine.view(), cache=cache)
    assert fresh.freshness == Freshness(engine.version, stale=False, pending=False) and fresh.nodes == first.nodes + 1
    cache.close()
    assert not multiprocessing.active_children()


def test_answers_follow_the_viewer_and_the_graph(engine_with: Engines, demo_doc: dict):
    engine = engine_with(demo_doc)
    other = engine_with(florentine_document())
    cache, other_cache = Measures(engine), Measures(other)  # each engine (each app) has its own
    demo_top = brokers(engine.view(), first=1, cache=cache).brokers[0].id
    assert brokers(other.view(), first=1, cache=other_cache).brokers[0].id == "medici" != demo_top
    assert brokers(engine.view(Viewer(Role.PUBLIC)), first=1, cache=cache).freshness.version == engine.version
    cache.close()
    other_cache.close()


def test_two_apps_in_one_process_do_not_share_their_measures(engine_with: Engines):
    florence_store, demo_store = engine_with(florentine_document()).store, engine_with.new_store()
    florence, demo = build_app(Settings(demo=False), florence_store), build_app(Settings(demo=True), demo_store)
    brokers_of = {app: role_tokens(store)["broker"] for app, store in ((florence, florence_store), (demo, demo_store))}
    assert florence.state.measures is not demo.state.measures
    with TestClient(florence) as first, TestClient(demo) as second:
        medici = GraphQL(first, brokers_of[florence])(BROKERS)["brokers"]
        demo_top = GraphQL(second, brokers_of[demo])(BROKERS)["brokers"]
        assert medici["brokers"][0]["stakeholder"]["id"] != demo_top["brokers"][0]["stakeholder"]["id"]
        assert medici["nodes"] == 15 and demo_top["nodes"] > 15
        assert (medici["freshness"]["version"], demo_top["freshness"]["version"]) == (
            florence.state.engine.version,
            demo.state.engine.version,
        )
    with TestClient(demo) as again:  # the first app's lifespan ended; the second starts again on its own
        assert GraphQL(again, brokers_of[demo])(BROKERS)["brokers"] == demo_top
    assert not multiprocessing.active_children()


def test_an_answer_is_kept_under_the_version_it_was_computed_on(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures(engine, sync_nodes=0)
    runs: list[int] = []
    first_view = engine.view()
    first_ties = first_view.edges_among(first_view.nodes)

    def count(net, run) -> tuple[int, int]:
        runs.append(net.version)
        if len(runs) == 1:
            add_family(engine, "pucci", "strozzi", "medici")  # a write lands while the copy is read
        return len(net), len(net.edges_among(net.nodes))

    cache.warm(first_view, "count", count).result()
    stale = cache.get(engine.view(), "count", count)
    assert stale.freshness == Freshness(first_view.version, stale=True, pending=False)
    assert stale.value == (len(first_view), len(first_ties)), "computed on the version it began on, not a mix"
    cache.wait()
    answer = cache.get(engine.view(), "count", count)
    assert runs == [engine.version - 1, engine.version]
    assert answer.freshness == Freshness(engine.version, stale=False, pending=False)
    assert answer.value == (len(first_view) + 1, len(first_ties) + 2)
    cache.close()


def test_a_frozen_view_answers_as_the_view_it_copies(engine_with: Engines, demo_doc: dict):
    engine = engine_with(demo_doc)
    for viewer, day, kinds in [
        (Viewer(), None, None),
        (Viewer(Role.PUBLIC), None, None),
        (Viewer(), date(2021, 1, 1), None),
        (Viewer(), None, frozenset({RelationKind.MEMBER_OF, RelationKind.PARTNERS_WITH})),
    ]:
        view, frozen = engine.view(viewer, day, kinds), engine.frozen(viewer, day, kinds)
        assert frozen.version == view.version and frozen.nodes == view.nodes and frozen.key == view.key
        for scope in [(None, None), ("WK034403", None), (None, "care")]:
            assert igraphs.snapshot(frozen, *scope) == igraphs.snapshot(view, *scope), (viewer, day, kinds, scope)
        assert all(frozen.node(n) == view.node(n) and frozen.kind(n) == view.kind(n) for n in view.nodes)
    frozen = engine.frozen()
    ties = frozen.edges_among(frozen.nodes)
    dock = "dock-utrecht"
    assert dock in frozen.nodes
    engine.write(Batch(delete_nodes=[dock]))
    assert frozen.edges_among(frozen.nodes) == ties and frozen.node(dock) is not None, "a write changes no copy"
    assert engine.view().node(dock) is None


def test_the_copy_is_made_where_changes_are_applied(engine_with: Engines, monkeypatch: pytest.MonkeyPatch):
    engine = engine_with(florentine_document())
    made_in: list[str] = []

    class Recorded(FrozenView):
        def __init__(self, view: View):
            made_in.append(threading.current_thread().name)
            super().__init__(view)

    monkeypatch.setattr(engine_module, "FrozenView", Recorded)
    cache = Measures(engine, sync_nodes=0)
    with changes_on_a_loop(engine):
        try:
            warm(engine.view(), cache=cache).result()
            add_family(engine, "pucci", "strozzi", "medici")  # from this thread: applied on the loop
            cache.refresh_all()
            cache.wait()
            assert made_in == ["the-loop", "the-loop"], "each copy made on the loop, between two changes"
            assert cache.held(engine.view(), ("brokers", None, None)) == engine.version
        finally:
            cache.close()


def test_the_worker_process_yields_a_shared_core_to_the_requests():
    worker = Worker()
    try:
        assert worker.call(threading.Event(), os.nice, 0) == min(19, os.nice(0) + NICENESS), (
            "background work comes after"
        )
    finally:
        worker.end()
        worker.close()


def test_closing_ends_a_computation_and_its_worker_process_at_once(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures(engine, sync_nodes=0, process_nodes=0)
    warm(engine.view(), cache=cache).result()  # the worker process is up and idle
    (worker,) = multiprocessing.active_children()
    sleeping = cache.warm(engine.view(), "sleep", lambda net, run: run(time.sleep, 60))
    while not sleeping.running():
        time.sleep(0.01)
    started = time.monotonic()
    cache.close()
    assert time.monotonic() - started < 5
    assert not worker.is_alive() and not multiprocessing.active_children()
    assert isinstance(sleeping.exception(timeout=1), Stopped)
    assert cache.warm(engine.view(), "later", lambda net, run: 1).cancelled(), "nothing starts once closed"
