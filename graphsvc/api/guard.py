"""Per-request guards run inside strawberry's execution: the cost and ``first`` caps (with the
request's variables), the per-client cap on expensive operations, and the time limit.

The HTTP endpoint opens a ``Call`` for each request (who the client is, when its time is up) and
runs the operation inside it. ``Guard`` measures the validated document (``cost.measure``) before
anything executes and refuses it (no resolver runs) when it is too dear, a ``first`` is over its cap
or the client already runs ``max_expensive`` expensive operations. ``Deadline`` checks the clock
before every field resolves: resolvers run on the event loop one after the other, so a query over
its time is stopped at the next field (a single analysis already running finishes first), and the
endpoint answers 504. Mutations have no time limit: a write that started is finished and reported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperation

from ..settings import Settings
from .cost import measure, refusals
from .ratelimit import Refusal, Slots


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


def refused(refusal: Refusal) -> GraphQLError:
    return GraphQLError(refusal.message, extensions={"code": refusal.code, "retryAfter": refusal.retry_after})


def guards(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The extensions for ``settings``, sharing one count of expensive operations per client."""
    slots = Slots(settings.max_expensive)
    return [lambda: Guard(settings, slots), Deadline]  # Deadline also applies queued writes: always on


class Guard(SchemaExtension):
    def __init__(self, settings: Settings, slots: Slots):
        self.settings = settings
        self.slots = slots

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        call = CALL.get()
        if context.graphql_document is None:
            yield
            return
        if call is not None and context.operation_type is not StrawberryOperation.QUERY:
            call.lift_time_limit()
        measured = measure(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables,
            max_page=self.settings.max_page,
        )
        errors = refusals(measured, self.settings.max_cost)
        if errors:
            context.result = ExecutionResult(data=None, errors=errors)
            yield
            return
        cost = measured.cost
        taken = None
        if call is not None:
            call.cost = cost
            if cost >= self.settings.expensive_cost:
                refusal = self.slots.take(call.client)
                if refusal is not None:
                    context.result = ExecutionResult(data=None, errors=[refused(refusal)])
                    yield
                    return
                taken = call.client
        try:
            yield
        finally:
            if taken is not None:
                self.slots.give(taken)


class Deadline(SchemaExtension):
    """Before every field: applies the writes waiting for the event loop (so a write waits for one
    field, not for every request queued on the loop), and stops a query once its time is up."""

    def resolve(self, _next: Callable, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        engine = info.context.engine
        if engine.pending:
            engine.apply_pending()
        call = CALL.get()
        if call is not None and call.deadline is not None and time.monotonic() > call.deadline:
            raise RequestTimeout(call.seconds)
        return _next(root, info, *args, **kwargs)
