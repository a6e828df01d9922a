"""The per-operation gate inside strawberry's execution: the role's permissions, the cost and
``first`` caps (with the request's variables), the per-client cap on expensive operations, the turn
to execute, and the audit of the residents a query's answer named.

``Gate`` measures the validated document (``cost.measure``) before anything executes and refuses
it (no resolver runs) when the role may not use a root field, it is too dear, a ``first`` is over
its cap or the client already has ``max_expensive`` expensive operations under way; for a mutation
it lifts the request's time limit (a write that started is finished and reported). The time limit
itself is checked where a resolver reads the graph (``call.give_way``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperation

from ..settings import Settings
from .call import CALL, Turns
from .cost import measure, refusals
from .permissions import forbidden
from .ratelimit import Refusal, Slots
from .trust import audit_reads


def refused(refusal: Refusal) -> GraphQLError:
    return GraphQLError(refusal.message, extensions={"code": refusal.code, "retryAfter": refusal.retry_after})


def guards(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The extensions for ``settings``, sharing one count of expensive operations per client."""
    slots, turns = Slots(settings.max_expensive), Turns(settings.running_queries)
    return [lambda: Gate(settings, slots, turns)]


class Gate(SchemaExtension):
    """Every operation passes here once, in one hook (each extension costs every request): before
    anything executes, the caller's role must allow its root fields (``permissions.forbidden``), its
    cost and ``first``s must be within the limits, and an expensive one needs a free slot of its
    client's; then it waits for its turn to execute (``call.Turns``: counted first, so that a
    client's queued operations count against its cap); after a query ran, an answer that named
    residents goes to the audit log."""

    def __init__(self, settings: Settings, slots: Slots, turns: Turns):
        self.settings = settings
        self.slots = slots
        self.turns = turns

    async def on_execute(self) -> AsyncIterator[None]:
        run = self.execution_context
        document = run.graphql_document
        viewer = getattr(run.context, "viewer", None)
        if document is None:
            yield
            return
        errors = forbidden(viewer, document, run.operation_name) if viewer is not None else []
        call = CALL.get()
        writing = run.operation_type is not StrawberryOperation.QUERY
        if call is not None and writing:
            call.lift_time_limit()
        measured = measure(
            run.schema._schema, document, run.operation_name, run.variables, max_page=self.settings.max_page
        )
        errors = errors or refusals(measured, self.settings.max_cost)
        taken = None
        if not errors and call is not None:
            call.cost = measured.cost
            if measured.cost >= self.settings.expensive_cost:
                refusal = self.slots.take(call.client)
                if refusal is not None:
                    errors = [refused(refusal)]
                else:
                    taken = call.client
        if errors:
            run.result = ExecutionResult(data=None, errors=errors)
            yield
            return
        try:
            async with self.turns.mutation() if writing else self.turns.query():  # counted, then waiting
                yield
        finally:
            if taken is not None:
                self.slots.give(taken)
        if not writing:
            audit_reads(run)
