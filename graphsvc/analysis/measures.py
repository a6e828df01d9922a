"""Global measures cached per graph version and computed off the request path.

Betweenness, structural holes and communities look at the whole (sub)graph: seconds at city
scale. ``Measures`` keeps the last answer per question (brokers or communities, area, theme) and
viewer key (role, day, relation kinds), and answers every request from it. The rule:

* the answer for the current graph version is there: it is returned (not stale, not pending);
* an answer for an older version is there: it is returned at once, marked ``stale``, and a
  background thread computes the new one (writes in quick succession queue one computation);
* nothing is there yet: when the graph has at most ``sync_nodes`` nodes (20,000 by default: well
  under a second) it is computed now, on the request; otherwise the background computation starts
  and the request gets a ``pending`` answer with nothing in it. ``warm`` (at start) and ``watch``
  (after every write) keep that from happening on a big graph.

The background thread builds the snapshot (Python, in slices of the GIL, so the API keeps
answering) and runs the igraph measures of graphs above ``process_nodes`` nodes in a worker
process (igraph holds the GIL while it computes). Answers are kept by graph version.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..domain import NotFoundError, ValidationError
from ..engine import Engine, View

T = TypeVar("T")
ATTEMPTS = 3  # computations of one measure that writes may cut short before it waits for the next
ASKED_KEPT = 32  # questions (per viewer key, area, theme) kept and refreshed after writes; the oldest go
log = logging.getLogger(__name__)
# compute(view, run) -> value; ``run(fn, *args)`` calls an igraph measure here or in the worker process
Compute = Callable[[View, Callable[..., Any]], Any]


@dataclass(frozen=True, slots=True)
class Freshness:
    """Which graph version an answer was computed on, and whether a newer one is on its way."""

    version: int | None  # None while pending
    stale: bool  # computed on an older version; the new one is being computed
    pending: bool  # nothing computed yet for this question; it is being computed


@dataclass(frozen=True, slots=True)
class Measured(Generic[T]):
    value: T | None
    freshness: Freshness


@dataclass(slots=True)
class _Entry:
    value: Any
    version: int


class Measures:
    """The cache of global measures; one per process (``MEASURES``) is enough."""

    def __init__(self, sync_nodes: int = 20_000, process_nodes: int = 20_000):
        self.sync_nodes, self.process_nodes = sync_nodes, process_nodes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._asked: OrderedDict[Hashable, tuple[View, Compute]] = OrderedDict()  # to refresh after writes
        self._queued: dict[Hashable, Future] = {}  # submitted and not started yet
        self._futures: list[Future] = []
        self._lock = threading.Lock()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphsvc-measures")
        self._process: Executor | None = None

    def get(self, view: View, question: Hashable, compute: Compute) -> Measured:
        """The answer to ``question`` for ``view`` by the rule above; ``compute`` makes a new one."""
        key = (view.key, question)
        version = view.version
        with self._lock:
            self._remember(key, view, compute)
            entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            return Measured(entry.value, Freshness(entry.version, False, False))
        if entry is None and len(view) <= self.sync_nodes:
            value = compute(view, _here)
            self._store(view, key, value, version)
            return Measured(value, Freshness(version, False, False))
        self._refresh(key, view, compute)
        if entry is None:
            return Measured(None, Freshness(None, False, True))
        return Measured(entry.value, Freshness(entry.version, True, False))

    def held(self, view: View, question: Hashable) -> int | None:
        """The graph version of the answer held for ``question``, without asking for one."""
        with self._lock:
            entry = self._entries.get((view.key, question))
        return None if entry is None else entry.version

    def warm(self, view: View, question: Hashable, compute: Compute) -> Future:
        """Start computing ``question`` for ``view`` in the background (e.g. at start)."""
        key = (view.key, question)
        with self._lock:
            self._remember(key, view, compute)
        return self._refresh(key, view, compute)

    def watch(self, engine: Engine, interval: float = 1.0) -> threading.Event:
        """Refresh every question asked so far whenever ``engine`` has a new graph version.

        Set the returned event to stop.
        """
        stop = threading.Event()

        def loop() -> None:
            seen = -1
            while not stop.wait(interval):
                if engine.version != seen:
                    seen = engine.version
                    self.refresh_all(engine)

        threading.Thread(target=loop, name="graphsvc-measures-watch", daemon=True).start()
        return stop

    def refresh_all(self, engine: Engine) -> list[Future]:
        """Recompute every question asked so far on ``engine``'s current graph (in the background)."""
        with self._lock:
            asked = list(self._asked.items())
        return [
            self._refresh(key, engine.view(view.viewer, view.active_on, view.relation_kinds), compute)
            for key, (view, compute) in asked
        ]

    def wait(self) -> None:
        """Block until every background computation started so far has finished (for tests and tools)."""
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
                self._futures = pending
            if not pending:
                return
            for future in pending:
                future.result()

    def release_workers(self) -> None:
        """End the worker process, if any (a later computation starts a new one): a server that
        stops must not leave it behind."""
        process, self._process = self._process, None
        if process is not None:
            process.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the background thread and the worker process (after their current work)."""
        self._thread.shutdown(wait=True)
        if self._process is not None:
            self._process.shutdown(wait=True)

    # -- inside ------------------------------------------------------------------------------
    def _remember(self, key: Hashable, view: View, compute: Compute) -> None:
        self._asked[key] = (view, compute)
        self._asked.move_to_end(key)
        while len(self._asked) > ASKED_KEPT:
            self._asked.popitem(last=False)

    def _refresh(self, key: Hashable, view: View, compute: Compute) -> Future:
        """Queue a computation unless one for ``key`` is queued already (a running one does not count:
        it may be computing an older version)."""
        with self._lock:
            queued = self._queued.get(key)
            if queued is not None:
                return queued
            future = self._thread.submit(self._compute, key, view, compute)
            self._queued[key] = future
            self._futures.append(future)
            return future

    def _compute(self, key: Hashable, view: View, compute: Compute) -> None:
        with self._lock:
            self._queued.pop(key, None)
            held = self._entries.get(key)
        if held is not None and held.version == view.version:
            return  # computed meanwhile
        for attempt in range(1, ATTEMPTS + 1):
            try:
                value = compute(view, self._run)
            except RuntimeError:  # the graph changed size under us: a write landed
                log.info("measure %s cut short by a write; attempt %d of %d", key, attempt, ATTEMPTS)
                continue
            except Exception:
                log.exception("measure %s failed", key)
                raise
            self._store(view, key, value, view.version)
            return

    def _run(self, fn: Callable[..., Any], n: int, *args: Any) -> Any:
        if n <= self.process_nodes:
            return fn(n, *args)
        if self._process is None:
            self._process = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._process.submit(fn, n, *args).result()

    def _store(self, view: View, key: Hashable, value: Any, version: int) -> None:
        with self._lock:
            old = self._entries.get(key)
            if old is None or old.version <= version:
                self._entries[key] = _Entry(value, version)
            while len(self._entries) > ASKED_KEPT:
                self._entries.popitem(last=False)


def check_scope(view: View, area_code: str | None, theme: str | None) -> None:
    """An unknown area is not found; an unknown theme is invalid (as everywhere in the API)."""
    if area_code is not None and area_code not in view.areas:
        raise NotFoundError(f"no area with code '{area_code}'", field="areaCode")
    if theme is not None and theme not in view.themes:
        raise ValidationError(f"unknown theme '{theme}'", field="theme")


def _here(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


MEASURES = Measures()
