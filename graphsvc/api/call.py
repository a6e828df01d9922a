"""One request as the API serves it: who the client is, when its time is up, and where it gives way.

The HTTP endpoint opens a ``Call`` for each request and runs the operation inside it (``CALL``).
Resolvers run on the event loop one after the other; each one that reads the graph first reads the
caller's view (``Context.view``), and that is where a query gives way (``give_way``): the writes
waiting for the event loop are applied first (so a write waits for one resolver, not for every
request queued on the loop), and a query over its time limit is stopped there (a single analysis
already running finishes first; the endpoint answers 504). Mutations have no time limit: a write
that started is finished and reported. Which operation executes when is decided by ``Turns``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from ..engine import Engine


class RequestTimeout(Exception):
    def __init__(self, seconds: float):
        super().__init__(
            f"the request ran over its time limit of {seconds:g} s (GRAPHSVC_REQUEST_SECONDS) and was stopped"
        )
        self.seconds = seconds


@dataclass
class Call:
    """One request: its client, and the time limit's deadline (monotonic seconds) and scope."""

    client: str
    seconds: float = 0.0
    deadline: float | None = None
    scope: asyncio.Timeout | None = field(default=None, repr=False)
    cost: int | None = None

    def lift_time_limit(self) -> None:
        self.deadline = None
        if self.scope is not None:
            self.scope.reschedule(None)


CALL: ContextVar[Call | None] = ContextVar("graphsvc_call", default=None)


def give_way(engine: Engine) -> None:
    """Apply the writes waiting for the event loop, then stop the request if its time is up."""
    if engine.pending:
        engine.apply_pending()
    call = CALL.get()
    if call is not None and call.deadline is not None and time.monotonic() > call.deadline:
        raise RequestTimeout(call.seconds)


ARRIVALS_EVERY = 0.005  # seconds of queries back to back after which what arrived goes first


class Turns:
    """Who executes when, on the event loop.

    Queries take turns: at most ``running`` execute at once, the rest wait here (not in the loop's
    queue). Mutations never wait, and a query whose turn comes while mutations execute waits for
    those (not for later ones, so a stream of writes cannot hold reads back for ever): a mutation
    hands the loop to its worker thread and back several times (its write, its audit entry), and
    each time it would otherwise wait behind every query that became ready meanwhile. Once queries
    have followed each other for ``ARRIVALS_EVERY`` seconds, the next gives way: the requests that
    arrived meanwhile start first (a write among them then executes at once), and the queries ready
    with it wait with it, then go on in their order; not after every query, as that costs a turn
    of the loop each, which quick lookups under load would pay for. (Queries that check the rule
    again after waiting overtake each other: tried, some reads then waited seconds under load.)
    """

    def __init__(self, running: int):
        self._running = asyncio.Semaphore(running)
        self._writing: set[asyncio.Event] = set()  # one per mutation executing, set when it is done
        self._arrivals_went = -math.inf  # when a query last let what arrived go first (the loop's time)
        self._giving_way: asyncio.Event | None = None  # set when the query giving way goes on

    @contextlib.asynccontextmanager
    async def query(self) -> AsyncIterator[None]:
        if self._giving_way is not None:
            await self._giving_way.wait()
        elif asyncio.get_running_loop().time() - self._arrivals_went >= ARRIVALS_EVERY:
            await self._give_way()
        async with self._running:
            for write in list(self._writing):
                await write.wait()
            yield

    async def _give_way(self) -> None:
        """Let what arrived go first (a request's bytes, a write's start): in a turn asyncio polls for
        I/O, queues its callbacks after those already ready (this query's wake-up among them), then
        runs them; a query that yields once more resumes after them, and the queries that became ready
        meanwhile wait until it does (they would else execute before the arrivals' next step). Before
        the turn is taken, not while it is held: a query waiting for a turn that another holds waits
        for each query before it (asyncio's semaphore is first come, first served), so under load
        every query would, one turn of the loop each. Not a timer: one due "at once" makes the poll
        wait for a millisecond when nothing is ready."""
        self._arrivals_went = asyncio.get_running_loop().time()
        self._giving_way = went = asyncio.Event()
        try:
            await asyncio.sleep(0)
        finally:
            self._giving_way = None
            went.set()

    @contextlib.asynccontextmanager
    async def mutation(self) -> AsyncIterator[None]:
        done = asyncio.Event()
        self._writing.add(done)
        try:
            yield
        finally:
            self._writing.discard(done)
            done.set()
