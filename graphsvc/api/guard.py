"""The gate every operation passes before it executes: the role's permissions, the cost and ``first``
caps (with the request's variables), the per-client cap on expensive operations, and the turn to
execute.

``Gate.run`` measures the validated document (``cost.measure``) and refuses it (nothing executes)
when the role may not use a root field, it is too dear, a ``first`` is over its cap or the client
already has ``max_expensive`` expensive operations under way; for a mutation it lifts the request's
time limit (a write that started is finished and reported). The time limit itself is checked where
a resolver reads the graph (``call.give_way``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema

from ..engine import Viewer
from ..settings import Settings
from .call import CALL, Turns
from .cost import measure, refusals
from .permissions import forbidden
from .ratelimit import Refusal, Slots


def refused(refusal: Refusal) -> GraphQLError:
    return GraphQLError(refusal.message, extensions={"code": refusal.code, "retryAfter": refusal.retry_after})


class Gate:
    """Before anything executes, the caller's role must allow the operation's root fields
    (``permissions.forbidden``), its cost and ``first``s must be within the limits, and an expensive
    one needs a free slot of its client's; then it waits for its turn to execute (``call.Turns``:
    counted first, so that a client's queued operations count against its cap)."""

    def __init__(self, schema: GraphQLSchema, settings: Settings):
        self.schema, self.settings = schema, settings
        self.slots = Slots(settings.max_expensive)
        self.turns = Turns(settings.running_queries)

    async def run(
        self,
        viewer: Viewer,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        writing: bool,
        execute: Callable[[], ExecutionResult | Awaitable[ExecutionResult]],
    ) -> ExecutionResult:
        """``execute``'s result once the operation passed and its turn came, or the refusal (no data)."""
        errors = forbidden(viewer, document, operation_name)
        call = CALL.get()
        if call is not None and writing:
            call.lift_time_limit()
        measured = measure(self.schema, document, operation_name, variables, max_page=self.settings.max_page)
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
            return ExecutionResult(None, errors)
        try:
            async with self.turns.mutation() if writing else self.turns.query():  # counted, then waiting
                result = execute()
                return await result if isawaitable(result) else result
        finally:
            if taken is not None:
                self.slots.give(taken)
