"""One GraphQL operation, in the steps it takes: parse, validate, the gate, its turn, execute, audit.

strawberry declares the schema (its types and resolvers, ``schema.py``); each request's operation
runs here, on graphql-core (the engine strawberry executes with), in plain steps rather than
through strawberry's per-request extension hooks (a lookup paid more for those wrappers than for
the steps they wrap):

1. the query text parsed (at most ``max_tokens`` tokens), kept per text (``prepared``);
2. the operation named in the request picked (an unknown name is the request's error: 400);
3. the document validated against the schema, GraphQL's rules and graphsvc's limits (depth,
   aliases, fields, introspection), kept per document;
4. the gate (``guard.Gate``): the role's permissions, the cost and ``first`` caps, the client's
   expensive operations, then the operation's turn to execute (``call.Turns``);
5. graphql-core executes it with the request's ``Context``: the resolvers read the caller's view;
6. a query whose answer named residents goes to the audit log (``trust.audit_reads``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    specified_rules,
)

from ..settings import Settings
from .context import Context
from .guard import Gate
from .limits import Limits, NoIntrospection, limits_rule
from .prepared import Same, parsed, validated
from .trust import audit_reads


class UnknownOperation(Exception):
    """The request names an operation its document does not hold (or names none of several)."""

    def __init__(self, name: str | None):
        super().__init__(f"Unknown operation named '{name}'." if name else "Must provide operation name.")


class Operations:
    """The app's one way to run a GraphQL operation on ``schema``, with the limits of ``settings``."""

    def __init__(self, schema: strawberry.Schema, settings: Settings):
        self.schema = schema._schema  # graphql-core's schema, with strawberry's resolvers
        self.max_tokens = settings.max_tokens
        limits = Limits(depth=settings.max_query_depth, aliases=settings.max_aliases, fields=settings.max_fields)
        rules: tuple[type[ASTValidationRule], ...] = (*specified_rules, limits_rule(limits))
        self.rules = rules if settings.introspection else (*rules, NoIntrospection)
        self.gate = Gate(self.schema, settings)

    async def run(
        self, query: str, variables: dict[str, Any] | None, operation_name: str | None, context: Context
    ) -> ExecutionResult:
        """The operation's result: request errors (parse, validation, the gate's refusals) without data."""
        try:
            document = parsed(query, self.max_tokens)
        except GraphQLError as error:
            return ExecutionResult(None, [error])
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            raise UnknownOperation(operation_name)
        errors = validated(self.schema, Same(document), self.rules)
        if errors:
            return ExecutionResult(None, errors)
        writing = operation.operation is not OperationType.QUERY
        executing = partial(
            execute,
            self.schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
        )
        result = await self.gate.run(context.viewer, document, operation_name, variables, writing, executing)
        if not writing and result.data:
            audit_reads(context, document, operation_name, result.data)
        return result
