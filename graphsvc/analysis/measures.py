"""Global measures cached per graph version and computed off the request path: one cache per app.

Betweenness, structural holes and communities look at the whole (sub)graph: seconds at city
scale. A ``Measures`` belongs to one engine; the API builds one per app (``build_app``) and its
lifespan starts and stops it, so two apps in one process share nothing. It keeps the last answer
per question (brokers or communities, area, theme) and viewer key (role, day, relation kinds),
and answers every request from it. The rule:

* the answer for the current graph version is there: it is returned (not stale, not pending);
* an answer for an older version is there: it is returned at once, marked ``stale``, and a
  background thread computes the new one (writes in quick succession queue one computation). A
  write after a calm spell (none for ``quiet`` seconds before it) is refreshed for at once; while
  more writes stream in, the next refresh waits: the watcher refreshes once no write came for
  ``quiet`` seconds, or once the answers have been stale for ``most_stale`` seconds, so that the
  measures are not recomputed after every write, each time taking the CPU (and the GIL) from the
  requests;
* nothing is there yet: when the graph has at most ``sync_nodes`` nodes (20,000 by default: well
  under a second) it is computed now, on the request; otherwise the background computation starts
  and the request gets a ``pending`` answer with nothing in it. ``warm`` (at start) and the
  watcher (``start``: after every write) keep that from happening on a big graph.

The background thread computes on a ``FrozenView``: the view of one graph version, copied by the
engine where it applies changes (on the API's event loop, between two of them), so a write that
lands meanwhile changes nothing it reads. The answer is kept under the version it was computed
on, and the write's version is computed next. igraph measures of graphs above ``process_nodes``
nodes run in a worker process (igraph holds the GIL while it computes, which would stall every
request), and so do those of any graph refreshed while writes may still stream in (the first after
a calm spell, or an overdue one: the server is then serving writes, which must not wait for an
igraph call); ``close`` ends that process, also in the middle of a computation.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Generic, TypeVar

from ..domain import NotFoundError, RelationKind, ValidationError
from ..engine import Engine, FrozenView, View, Viewer
from .igraphs import Network
from .worker import Stopped, Worker, WorkerLost

T = TypeVar("T")
ASKED_KEPT = 32  # questions (per viewer key, area, theme) kept and refreshed after writes; the oldest go
log = logging.getLogger(__name__)
# compute(network, run) -> value; ``run(fn, *args)`` calls an igraph measure here or in the worker process
Compute = Callable[[Network, Callable[..., Any]], Any]
Spec = tuple[Viewer, date | None, frozenset[RelationKind] | None]  # what ``Engine.view`` makes a view of


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


def measure(view: View, question: Hashable, compute: Compute, cache: Measures | None) -> Measured:
    """The answer to ``question`` from ``cache`` by its rule, or, with no cache, computed now on ``view``."""
    if cache is not None:
        return cache.get(view, question, compute)
    return Measured(compute(view, _here), Freshness(view.version, False, False))


class Measures:
    """The cache of global measures of one engine's graph, and the thread (and process) computing them."""

    def __init__(
        self,
        engine: Engine,
        sync_nodes: int = 20_000,
        process_nodes: int = 20_000,
        interval: float = 1.0,
        quiet: float = 0.0,
        most_stale: float = 30.0,
    ):
        """``interval``: how often the watcher looks for a new graph version; ``quiet`` and ``most_stale``:
        when it refreshes (see above; ``quiet`` 0: at the first look after a write)."""
        self.engine = engine
        self.sync_nodes, self.process_nodes, self.interval = sync_nodes, process_nodes, interval
        self.quiet, self.most_stale = quiet, most_stale
        self._settled: int | None = None  # the version the watcher last refreshed for (None: no watcher)
        self._streaming = False  # the watcher's last refresh came while writes were still coming
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._asked: OrderedDict[Hashable, tuple[Spec, Compute]] = OrderedDict()  # to refresh after writes
        self._queued: dict[Hashable, Future] = {}  # submitted and not started yet
        self._futures: list[Future] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()  # set by ``close``; ``start`` makes a new one
        self._jobs: queue.SimpleQueue[tuple[Hashable, Spec, Compute, Future] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._worker: Worker | None = None
        self._frozen: dict[Spec, FrozenView] = {}  # read by the computing thread only

    # -- life ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Start computing, and watching the engine: every question asked so far is computed again
        for each new graph version. The app's lifespan calls it, and ``close`` at its end."""
        with self._lock:
            if self._stop.is_set():
                self._stop = threading.Event()
            if self._watcher is None:
                settling = Settling(self.engine.version, time.monotonic(), self.quiet, self.most_stale)
                self._settled = settling.settled
                self._watcher = threading.Thread(
                    target=self._watch, args=(self._stop, settling), name="graphsvc-measures-watch", daemon=True
                )
                self._watcher.start()
            self._start_thread()

    def close(self, timeout: float = 5.0) -> None:
        """Stop: queued computations are dropped, a running one is cut short (its worker process is
        ended, not left running), and the threads end within ``timeout`` seconds. Answers already
        computed are kept; a later ``start`` starts again. Call it where the loop can still run
        (the API's lifespan does so in a thread): a computation may be waiting for a copy from it."""
        with self._lock:
            self._stop.set()
            threads = [t for t in (self._thread, self._watcher) if t is not None]
            worker, jobs = self._worker, self._jobs
            self._thread = self._watcher = self._worker = None
            self._jobs = queue.SimpleQueue()
            queued, self._queued = list(self._queued.values()), {}
        jobs.put(None)
        for future in queued:
            future.cancel()
        if worker is not None:
            worker.end()
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        self._settled = None  # no watcher holds a refresh back any more
        if worker is not None:
            worker.close()

    # -- asking --------------------------------------------------------------------------------
    def get(self, view: View, question: Hashable, compute: Compute) -> Measured:
        """The answer to ``question`` for ``view`` by the rule above; ``compute`` makes a new one.

        Call it where changes are applied (a resolver, on the API's loop): a small graph is computed
        here, on ``view``."""
        key, spec = (view.key, question), _spec(view)
        version = view.version
        with self._lock:
            self._remember(key, spec, compute)
            entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            return Measured(entry.value, Freshness(entry.version, False, False))
        if entry is None and len(view) <= self.sync_nodes:
            value = compute(view, _here)
            self._store(key, value, version)
            return Measured(value, Freshness(version, False, False))
        settled = self._settled
        if entry is None or settled is None or settled >= version:
            self._refresh(key, spec, compute)  # else the watcher holds it back until writes pause
        if entry is None:
            return Measured(None, Freshness(None, False, True))
        return Measured(entry.value, Freshness(entry.version, True, False))

    def held(self, view: View, question: Hashable) -> int | None:
        """The graph version of the answer held for ``question``, without asking for one."""
        with self._lock:
            entry = self._entries.get((view.key, question))
        return None if entry is None else entry.version

    def warm(self, view: View, question: Hashable, compute: Compute) -> Future:
        """Start computing ``question`` for ``view``'s viewer key in the background (e.g. at start)."""
        key, spec = (view.key, question), _spec(view)
        with self._lock:
            self._remember(key, spec, compute)
        return self._refresh(key, spec, compute)

    def refresh_all(self) -> list[Future]:
        """Compute every question asked so far again, on the engine's current graph (in the background)."""
        with self._lock:
            asked = list(self._asked.items())
        return [self._refresh(key, spec, compute) for key, (spec, compute) in asked]

    def wait(self) -> None:
        """Block until every background computation started so far has finished (for tests and tools);
        a computation that failed raises here."""
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
                self._futures = pending
            if not pending:
                return
            for future in pending:
                with contextlib.suppress(CancelledError):
                    future.result()

    # -- inside ----------------------------------------------------------------------------------
    def _remember(self, key: Hashable, spec: Spec, compute: Compute) -> None:
        self._asked[key] = (spec, compute)
        self._asked.move_to_end(key)
        while len(self._asked) > ASKED_KEPT:
            self._asked.popitem(last=False)

    def _start_thread(self) -> None:
        """The computing thread, started on first need (under the lock)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._work, args=(self._stop, self._jobs), name="graphsvc-measures", daemon=True
            )
            self._thread.start()

    def _refresh(self, key: Hashable, spec: Spec, compute: Compute) -> Future:
        """Queue a computation unless one for ``key`` is queued already (a running one does not count:
        it may be computing an older version). Once closed, nothing is queued."""
        future: Future = Future()
        with self._lock:
            if self._stop.is_set():
                future.cancel()
                return future
            queued = self._queued.get(key)
            if queued is not None:
                return queued
            self._start_thread()
            self._queued[key] = future
            self._futures.append(future)
            self._jobs.put((key, spec, compute, future))
        return future

    def _watch(self, stop: threading.Event, settling: Settling) -> None:
        while not stop.wait(self.interval):
            due = settling.due(self.engine.version, time.monotonic())
            if due is not None:
                self._streaming = due
                self._settled = settling.settled
                self.refresh_all()

    def _work(self, stop: threading.Event, jobs: queue.SimpleQueue) -> None:
        while True:
            job = jobs.get()
            if job is None or stop.is_set():
                return
            key, spec, compute, future = job
            with self._lock:
                if self._queued.get(key) is future:
                    del self._queued[key]
            if not future.set_running_or_notify_cancel():
                continue
            try:
                self._compute(key, spec, compute, stop)
            except BaseException as error:
                if not stop.is_set():
                    log.exception("measure %s failed", key)
                future.set_exception(error)
            else:
                future.set_result(None)
            if jobs.empty():
                self._frozen.clear()  # the copies go when there is nothing more to compute on them

    def _compute(self, key: Hashable, spec: Spec, compute: Compute, stop: threading.Event) -> None:
        if self._held_since(key, self.engine.version):
            return  # computed meanwhile
        frozen = self._frozen.get(spec)
        if frozen is None or frozen.version != self.engine.version:
            frozen = self._frozen[spec] = self.engine.frozen(*spec)
        if self._held_since(key, frozen.version):
            return
        if stop.is_set():
            raise Stopped
        self._store(key, compute(frozen, partial(self._run, stop)), frozen.version)

    def _held_since(self, key: Hashable, version: int) -> bool:
        with self._lock:
            held = self._entries.get(key)
        return held is not None and held.version >= version

    def _run(self, stop: threading.Event, fn: Callable[..., Any], n: int, *args: Any) -> Any:
        if n <= self.process_nodes and not self._streaming:
            return fn(n, *args)
        with self._lock:  # ``close`` takes the worker under the lock: one started after it would be left running
            if stop.is_set():
                raise Stopped
            if self._worker is None:
                self._worker = Worker("graphsvc-measures")
            worker = self._worker
        try:
            return worker.call(stop, fn, n, *args)
        except WorkerLost:
            with self._lock:
                if self._worker is worker:
                    self._worker = None
            worker.end()
            worker.close()
            raise

    def _store(self, key: Hashable, value: Any, version: int) -> None:
        with self._lock:
            old = self._entries.get(key)
            if old is None or old.version <= version:
                self._entries[key] = _Entry(value, version)
            while len(self._entries) > ASKED_KEPT:
                self._entries.popitem(last=False)


class Settling:
    """When the watcher refreshes after writes: at once for a write after a calm spell (no new graph
    version for ``quiet`` seconds before it: a lone edit is not kept waiting); then, while writes
    follow, once no new version came for ``quiet`` seconds (writes paused), or once the first version
    not refreshed for is ``most_stale`` seconds old (writes keep coming: the answers must not stay
    stale for ever)."""

    def __init__(self, version: int, now: float, quiet: float, most_stale: float):
        self.quiet, self.most_stale = quiet, most_stale
        self.settled = self._last = version  # the version last refreshed for; the newest one seen
        self._first_seen = self._last_seen = now  # when the first and the newest not refreshed for were seen

    def due(self, version: int, now: float) -> bool | None:
        """Looking at ``version`` at ``now``: None when no refresh is due, else whether writes may still
        be coming (True: the first write after a calm spell, or overdue while they stream; False: they
        paused). A due refresh counts as done."""
        if version == self.settled:
            return None
        calm = False  # this version is the first after a calm spell
        if version != self._last:
            calm = now - self._last_seen >= self.quiet
            if self._last == self.settled:
                self._first_seen = now
            self._last, self._last_seen = version, now
        paused = now - self._last_seen >= self.quiet
        if not (calm or paused) and now - self._first_seen < self.most_stale:
            return None
        self.settled = version
        return not paused


def _spec(view: View) -> Spec:
    return (view.viewer, view.active_on, view.relation_kinds)


def _here(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def check_scope(view: View, area_code: str | None, theme: str | None) -> None:
    """An unknown area is not found; an unknown theme is invalid (as everywhere in the API)."""
    if area_code is not None and area_code not in view.areas:
        raise NotFoundError(f"no area with code '{area_code}'", field="areaCode")
    if theme is not None and theme not in view.themes:
        raise ValidationError(f"unknown theme '{theme}'", field="theme")
