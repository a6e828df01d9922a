"""The Relay ``Node`` interface, and the one place that turns domain objects into GraphQL objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from ...domain import Area as DomainArea
from ...domain import Node as DomainNode
from ...domain import NodeKind

if TYPE_CHECKING:
    from ..context import Context


@strawberry.interface(description="An object with an opaque global ID (Relay); fetch any with node(id).")
class Node:
    id: strawberry.ID


def typename_of(kind: NodeKind) -> str:
    """The GraphQL type name of a node kind: WIJKPARTNER -> Wijkpartner."""
    return "".join(part.capitalize() for part in kind.value.split("_"))


def to_graphql(obj: DomainNode | DomainArea, context: Context) -> Node:
    """The GraphQL object for a node the caller's view returned."""
    from .area import Area
    from .meeting import Meeting
    from .stakeholders import STAKEHOLDER_TYPES

    if isinstance(obj, DomainArea):
        return Area.of(obj)
    if obj.kind is NodeKind.MEETING:
        return Meeting.of(obj)
    return STAKEHOLDER_TYPES[obj.kind].of(obj, context)


def maybe_graphql(obj: DomainNode | DomainArea | None, context: Context) -> Node | None:
    """``to_graphql``, with None (missing or hidden) staying None."""
    return None if obj is None else to_graphql(obj, context)
