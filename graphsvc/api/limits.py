"""Query limits that stay linear on any document: depth, aliases and expanded field count.

strawberry's QueryDepthLimiter and MaxAliasesLimiter re-walk a fragment at every spread, so a
small query whose fragments each spread the next twice takes exponential time (measured:
22 fragments, 12.5 s). This rule measures each fragment once and reuses the figures at every
spread (as ariadne's ``cost_validator`` caches per fragment), so its time is linear in the
document while the figures it computes are those of the fully expanded query. Introspection
fields (``__schema``, ``__type``) do not count towards depth: clients' standard introspection
query nests ``ofType`` thirteen deep, and the field limit still bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


@dataclass(frozen=True)
class Limits:
    depth: int
    aliases: int
    fields: int


@dataclass(frozen=True)
class Cost:
    depth: int = 0
    aliases: int = 0
    fields: int = 0


class _Measure:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.done: dict[str, Cost] = {}
        self.busy: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> Cost:
        depth = aliases = fields = 0
        for selection in node.selections if node else ():
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                if not selection.name.value.startswith("__"):  # introspection nests types deeply but is bounded
                    depth = max(depth, 1 + inner.depth)
                aliases += (selection.alias is not None) + inner.aliases
                fields += 1 + inner.fields
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self.fragment(selection.name.value)
            depth, aliases, fields = max(depth, inner.depth), aliases + inner.aliases, fields + inner.fields
        return Cost(depth, aliases, fields)

    def fragment(self, name: str) -> Cost:
        if name in self.done:
            return self.done[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.busy:  # unknown or cyclic: other rules report it
            return Cost()
        self.busy.add(name)
        cost = self.selection_set(definition.selection_set)
        self.busy.discard(name)
        self.done[name] = cost
        return cost


def limits_rule(limits: Limits) -> type[ValidationRule]:
    """A graphql-core validation rule that refuses operations over ``limits``."""

    class QueryLimits(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)

        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
            measure = _Measure(fragments)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    self._check(definition, measure.selection_set(definition.selection_set))
            return BREAK

        def _check(self, operation: OperationDefinitionNode, cost: Cost) -> None:
            name = f"'{operation.name.value}'" if operation.name else "the operation"
            for what, value, limit, setting in (
                ("depth", cost.depth, limits.depth, "GRAPHSVC_MAX_QUERY_DEPTH"),
                ("aliases", cost.aliases, limits.aliases, "GRAPHSVC_MAX_ALIASES"),
                ("fields (with fragments expanded)", cost.fields, limits.fields, "GRAPHSVC_MAX_FIELDS"),
            ):
                if value > limit:
                    message = f"{name} has {what} {value}; at most {limit} allowed ({setting})"
                    self.report_error(GraphQLError(message, [operation]))

    return QueryLimits


class NoIntrospection(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays) when introspection is off."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            message = f"introspection is off on this server (GRAPHSVC_INTROSPECTION=false): '{node.name.value}' is not answered"
            self.report_error(GraphQLError(message, [node], extensions={"code": "INTROSPECTION_OFF"}))
