"""A worker process for work that would hold the GIL (and a core) for seconds: igraph measures, learning the ranker.

Spawned, not forked (the server runs threads), and ended by its owner whatever it is doing; one
function at a time, sent with its arguments over a pipe. The owners (``measures.Measures``,
``ranker.Trainer``) belong to the app, whose lifespan closes them, and they end their worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

POLL_SECONDS = 0.05  # how often a wait for the worker process looks whether its owner is closing
IGNORED_SIGNALS = {signal.SIGINT, signal.SIGTERM}  # by the worker process: the server ends it
NICENESS = 19  # added to the worker process's: on a shared core, requests go first, background work after


class Stopped(Exception):
    """The owner was closed while this computation ran."""


class WorkerLost(RuntimeError):
    """The worker process ended while it was asked for something."""


class Worker:
    """One spawned process that runs functions sent to it, one at a time, over a pipe.

    No pool: a pool's queues hold semaphores (which a killed server leaks) and cannot end a
    worker in the middle of a task; this one is ended with ``end`` whatever it is doing.
    """

    def __init__(self, name: str = "graphsvc-worker") -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name=name, daemon=True)
        # Started with the signals it ignores blocked (the mask is inherited), so that one arriving while
        # it imports is held until it ignores them, as multiprocessing's resource tracker does.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, IGNORED_SIGNALS)
        try:
            self._process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        child.close()

    def call(self, stop: threading.Event, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the worker process; ``Stopped`` when ``stop`` is set meanwhile."""
        try:
            self._conn.send((fn, args))
            while not self._conn.poll(POLL_SECONDS):
                if stop.is_set():
                    raise Stopped
            done, value = self._conn.recv()
        except (EOFError, OSError) as error:
            if stop.is_set():
                raise Stopped from None
            raise WorkerLost(f"the worker process ended ({self._process.exitcode})") from error
        if not done:
            raise value
        return value

    def end(self) -> None:
        """End the process now, whatever it is doing, and reap it (it holds nothing to clean up)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()

    def close(self) -> None:
        self._conn.close()


def _serve(conn: Connection) -> None:
    """The worker process: run each function sent, send back its answer or error, until the pipe closes."""
    # Ctrl-C, and a SIGTERM to the whole group (systemd's default), reach this process too: the server
    # ends it itself once nothing waits for it, so that a computation is never reported as failed.
    for ignored in IGNORED_SIGNALS:
        signal.signal(ignored, signal.SIG_IGN)
    os.nice(NICENESS)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, IGNORED_SIGNALS)  # blocked since it started: dropped now
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as error:
            reply = (False, error)
        try:
            conn.send(reply)
        except OSError:
            return
