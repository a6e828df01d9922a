"""The cache of global measures: fresh, stale while recomputing, pending on a big graph, refreshed after writes."""

from __future__ import annotations

import queue
from concurrent.futures import Future

import pytest

from graphsvc.analysis import brokers, communities
from graphsvc.analysis.brokers import warm
from graphsvc.analysis.measures import Freshness, Measures
from graphsvc.domain import Batch, Node, NodeKind, NotFoundError, Relation, RelationKind, ValidationError
from graphsvc.engine import Engine, Role, Viewer

from .engines import Engines
from .networks import florentine_document


def add_family(engine: Engine, name: str, *partners: str) -> None:
    engine.write(
        Batch(
            nodes=[Node(name, NodeKind.ORGANISATION, name.title())],
            relations=[Relation(None, RelationKind.PARTNERS_WITH, name, p) for p in partners],
        )
    )


def test_a_small_graph_is_computed_on_first_request_then_served_stale_while_recomputed(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures()
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
    cache = Measures(sync_nodes=0)
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
        brokers(engine.view(), area_code="WK999999", cache=Measures())
    with pytest.raises(ValidationError):
        communities(engine.view(), theme="no-such-theme", cache=Measures())


class WatchedMeasures(Measures):
    """Measures that tell each graph version the watcher has refreshed its questions for."""

    def __init__(self, **kwargs: int):
        super().__init__(**kwargs)
        self.refreshed: queue.Queue[int] = queue.Queue()

    def refresh_all(self, engine: Engine) -> list[Future]:
        version = engine.version
        futures = super().refresh_all(engine)
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


def test_watch_refreshes_what_was_asked_after_a_write_in_a_worker_process(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = WatchedMeasures(process_nodes=0)  # every igraph measure in the worker process
    before = brokers(engine.view(), cache=cache)
    stop = cache.watch(engine, interval=0.05)
    add_family(engine, "newcomers", "strozzi", "ridolfi")
    cache.wait_refreshed(engine.version, timeout=30)
    assert cache.held(engine.view(), ("brokers", None, None)) == engine.version
    after = brokers(engine.view(), cache=cache)
    assert not after.freshness.stale and after.nodes == before.nodes + 1 and after.freshness.version == engine.version
    stop.set()
    cache.close()


def test_answers_follow_the_viewer_and_the_graph(engine_with: Engines, demo_doc: dict):
    engine = engine_with(demo_doc)
    other = engine_with(florentine_document())
    cache, other_cache = Measures(), Measures()  # each app has its own
    demo_top = brokers(engine.view(), first=1, cache=cache).brokers[0].id
    assert brokers(other.view(), first=1, cache=other_cache).brokers[0].id == "medici" != demo_top
    assert brokers(engine.view(Viewer(Role.PUBLIC)), first=1, cache=cache).freshness.version == engine.version
    cache.close()
    other_cache.close()


def test_an_answer_is_kept_under_the_version_it_was_computed_on(engine_with: Engines):
    engine = engine_with(florentine_document())
    cache = Measures(sync_nodes=0)
    runs: list[int] = []

    def count_nodes(view, run) -> int:
        runs.append(view.version)
        if len(runs) == 1:
            add_family(engine, "pucci-bis", "pucci", "medici")  # a write lands while the view is read
        return len(view)

    first_view = engine.view()
    cache.warm(first_view, "nodes", count_nodes).result()
    stale = cache.get(engine.view(), "nodes", count_nodes)
    assert stale.freshness == Freshness(first_view.version, stale=True, pending=False)
    assert stale.value == len(first_view), "computed on the version it began on, not a mix"
    cache.wait()
    answer = cache.get(engine.view(), "nodes", count_nodes)
    assert runs == [engine.version - 1, engine.version]
    assert answer.freshness == Freshness(engine.version, stale=False, pending=False)
    assert answer.value == len(engine.view()) == len(first_view) + 1
    cache.close()
