"""The estimated cost of a GraphQL operation, and the cap on every ``first``, in time linear in the document.

The cost estimates how much an operation may make the server do before it runs: every object it may
return counts 1 (scalars count 0), a field with ``first`` multiplies what is under it by ``first``, a
list without ``first`` by ``LIST_GUESS`` (lists inside a page, such as a connection's ``nodes`` or an
ego network's ``relations``, are bounded by the page and count once), ``nodes(ids:)`` by the number of
ids, and the analysis fields add their own weight (``WEIGHTS``: a path search or a match costs more
than reading a name). Where fragments of different types meet (``... on Stakeholder``, ``... on
Meeting``) the dearest counts, as an object is of one type.

Each fragment is measured once per request and its figure reused at every spread (the technique of
ariadne's ``cost_validator``), so a document whose fragments spread each other in a fan is measured
in linear time, while the figure is that of the fully expanded query. The cost depends on variables
(``first: $n``), so ``graphsvc.api.guard`` measures each request after the cached validation of its
document, and ``refusals`` says why it is refused, if it is (a walk of the document, not a second
graphql-core validation pass: that costs ten times the walk).

>>> from graphql import build_schema, parse
>>> schema = build_schema('''
...   type Query { people(first: Int = 10): [Person!]! }
...   type Person { name: String, friends(first: Int = 5): [Person!]! }
... ''')
>>> measure(schema, parse('{ people(first: 3) { friends { name } } }'), None, {}, max_page=100).cost
18
>>> measure(schema, parse('{ people(first: 500) { name } }'), None, {}, max_page=100).problems
{"'first' of Query.people is 500; at most 100 allowed (GRAPHSVC_MAX_PAGE)": 100}
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

LIST_GUESS = 10  # items assumed in a list that has no 'first' (themes, areas of a stakeholder, ...)
INTROSPECTION = 1  # __schema and __type: bounded by the depth and field limits, cheap to answer
# Analysis fields: their own weight on top of the objects they return (CPU relative to reading one object).
WEIGHTS: Mapping[tuple[str, str], int] = {
    ("Query", "stakeholders"): 5,  # search and filters over the directory
    ("Query", "connectionPaths"): 100,
    ("Query", "connected"): 100,
    ("Query", "introducers"): 200,
    ("Query", "matchPartners"): 500,
    ("Query", "brokers"): 100,
    ("Query", "communities"): 100,
    ("Query", "coverageGaps"): 100,
    ("Query", "egoNetwork"): 50,
    ("Query", "collaborationSuggestions"): 200,
    ("Query", "similarStakeholders"): 20,  # names of a municipality compared in C
    ("Mutation", "importGraph"): 1_000,
}
# Fields whose own 'first' may go above max_page (graphsvc.api.intelligence.MAX_EGO_NODES).
OWN_CAPS: Mapping[tuple[str, str], int] = {("Query", "egoNetwork"): 500}


@dataclass
class Cost:
    """The cost of the operation asked for, and what breaks a cap (each message once)."""

    cost: int = 0
    problems: dict[str, int] = field(default_factory=dict)  # message: the cap it names


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any],
        max_page: int,
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults
        self.max_page = max_page
        self.paged = _paged_types(schema)
        self.done: dict[tuple[str, int | None], int] = {}
        self.busy: set[str] = set()
        self.problems: dict[str, int] = {}  # message: the cap broken (ordered, each once)
        self.read: set[str] = set()  # the variables the figure depends on

    def selection_set(self, parent: GraphQLNamedType | None, node: SelectionSetNode | None, page: int | None) -> int:
        """Fields on ``parent`` summed; fragments on other types grouped by type, the dearest group counted.
        ``page`` is the ``first`` of the field that returned ``parent`` when that is one object (a connection)."""
        if node is None or parent is None:
            return 0
        same = 0
        other: dict[str, int] = {}
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                same += self.field(parent, selection, page)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else parent.name
                cost = self.selection_set(self.schema.get_type(condition), selection.selection_set, page)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                definition = self.fragments.get(selection.name.value)
                condition = definition.type_condition.name.value if definition else parent.name
                cost = self.fragment(selection.name.value, page)
            if condition == parent.name:
                same += cost
            else:
                other[condition] = other.get(condition, 0) + cost
        return same + max(other.values(), default=0)

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.done:
            return self.done[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.busy:  # unknown or cyclic: validation reports it
            return 0
        self.busy.add(name)
        named = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection_set(named, definition.selection_set, page)
        self.busy.discard(name)
        self.done[key] = cost
        return cost

    def field(self, parent: GraphQLNamedType, node: FieldNode, page: int | None) -> int:
        """Its weight, plus for each object it may return: 1 and the cost of what is asked of it."""
        name = node.name.value
        if name.startswith("__"):
            return INTROSPECTION if name in ("__schema", "__type") else 0
        definition: GraphQLField | None = getattr(parent, "fields", {}).get(name)
        if definition is None or is_leaf_type(get_named_type(definition.type)):
            return 0
        listed, inner_page = _is_list(definition), None
        if "first" in definition.args:
            first = self._first(parent.name, name, definition, node)
            count, inner_page = (first, None) if listed else (1, first)
        elif name == "nodes" and "ids" in definition.args:
            count = self._length(self._argument(definition, node, "ids"))
        elif listed:
            count = page if page is not None and parent.name in self.paged else LIST_GUESS
        else:
            count = 1
        inner = self.selection_set(get_named_type(definition.type), node.selection_set, inner_page)
        return WEIGHTS.get((parent.name, name), 0) + count * (1 + inner)

    def _first(self, parent: str, name: str, definition: GraphQLField, node: FieldNode) -> int:
        value = self._argument(definition, node, "first")
        first = value if isinstance(value, int) and not isinstance(value, bool) else 0
        cap = max(self.max_page, OWN_CAPS.get((parent, name), 0))
        if first > cap:
            message = f"'first' of {parent}.{name} is {first}; at most {cap} allowed"
            self.problems[message + (" (GRAPHSVC_MAX_PAGE)" if cap == self.max_page else "")] = cap
        return max(first, 0)

    def _argument(self, definition: GraphQLField, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return _default(definition.args[name])

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            name = node.name.value
            self.read.add(name)
            return self.variables[name] if name in self.variables else self.defaults.get(name)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return node.values
        return None

    @staticmethod
    def _length(value: Any) -> int:
        return len(value) if isinstance(value, list | tuple) else 1


def _default(argument: GraphQLArgument) -> Any:
    """An argument's default: a Python value (strawberry) or a literal (a schema built from SDL)."""
    if argument.default_value is not Undefined:
        return argument.default_value
    default = argument.default
    if default is None:
        return None
    return default.value if default.value is not Undefined else _literal(default.literal)


def _is_list(definition: GraphQLField) -> bool:
    kind = definition.type
    return is_list_type(kind.of_type if is_non_null_type(kind) else kind)


_PAGED: dict[int, frozenset[str]] = {}


def _paged_types(schema: GraphQLSchema) -> frozenset[str]:
    """Types returned one at a time by a field with 'first' (connections, reports): their lists are the page."""
    key = id(schema)
    if key not in _PAGED:
        found = set()
        for named in schema.type_map.values():
            if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
                for definition in named.fields.values():
                    if "first" in definition.args and not _is_list(definition):
                        found.add(get_named_type(definition.type).name)
        _PAGED[key] = frozenset(found)
    return _PAGED[key]


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


MEASURED_KEPT = 256  # documents whose last cost is remembered (as many as the parser's cache keeps)
_MEASURED: OrderedDict[tuple[int, int, str | None, int], tuple[DocumentNode, dict[str, Any], Cost]] = OrderedDict()
_ABSENT = object()


def forget() -> None:
    """Drop the documents whose costs are kept (with the query texts: ``prepared.forget``)."""
    _MEASURED.clear()


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    *,
    max_page: int,
) -> Cost:
    """The cost of the operation ``operation_name`` of ``document`` with ``variables``, and its broken caps.

    A document the parser's cache hands out again is one object: its last cost is reused while the
    variables the walk read (a ``first: $n``, ``ids: $ids``) have the same values, so a client that
    asks the same question for other ids pays for the walk once."""
    variables = variables or {}
    key = (id(schema), id(document), operation_name, max_page)
    known = _MEASURED.get(key)
    if known is not None and known[0] is document:
        _, read, cost = known
        if all(variables.get(name, _ABSENT) == value for name, value in read.items()):
            _MEASURED.move_to_end(key)
            return cost
    cost, used = _measured(schema, document, operation_name, variables, max_page)
    _MEASURED[key] = (document, {name: variables.get(name, _ABSENT) for name in used}, cost)
    while len(_MEASURED) > MEASURED_KEPT:
        _MEASURED.popitem(last=False)
    return cost


def _measured(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    max_page: int,
) -> tuple[Cost, set[str]]:
    """The cost, and the variables it depends on."""
    operation = _operation(document, operation_name)
    if operation is None:
        return Cost(), set()
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    defaults = {
        v.variable.name.value: _literal(v.default_value)
        for v in operation.variable_definitions or ()
        if v.default_value
    }
    walk = _Walk(schema, fragments, variables, defaults, max_page)
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    cost = walk.selection_set(root, operation.selection_set, None)
    return Cost(cost, walk.problems), walk.read


def _literal(node: ValueNode | None) -> Any:
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return node.values
    return None


def refusals(cost: Cost, max_cost: int) -> list[GraphQLError]:
    """Why an operation of ``cost`` is refused: a ``first`` over its cap, or the cost over ``max_cost``
    (none: it may run)."""
    errors = [
        GraphQLError(problem, extensions={"code": "PAGE_LIMIT", "field": "first", "limit": cap})
        for problem, cap in cost.problems.items()
    ]
    if cost.cost > max_cost:
        message = f"the operation costs an estimated {cost.cost:,}; at most {max_cost:,} allowed (GRAPHSVC_MAX_COST)"
        errors.append(GraphQLError(message, extensions={"code": "COST_LIMIT", "cost": cost.cost, "limit": max_cost}))
    return errors
