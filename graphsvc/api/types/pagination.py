"""Relay cursor connections: ``first``/``after``, ``pageInfo`` and ``totalCount``.

Cursors are opaque offsets into the list the resolver computed for the same arguments;
lists come from the in-memory projection in a stable order, so an offset names a place.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from ...domain import ValidationError

T = TypeVar("T")
Item = TypeVar("Item")
PREFIX = "cursor:"


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="One page of a list that can grow.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many items the whole list has.")

    @strawberry.field(description="The items of this page, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{offset}".encode()).decode()


def offset_of(after: str | None) -> int:
    """The position after ``after``; a cursor this service did not give out is an error."""
    if after is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(after.encode()).decode()
        if text.startswith(PREFIX):
            return int(text.removeprefix(PREFIX)) + 1
    except (ValueError, UnicodeDecodeError):
        pass
    raise ValidationError(f"'{after}' is not a cursor of this list", field="after")


def check_first(first: int, limit: int) -> None:
    if not 0 <= first <= limit:
        raise ValidationError(f"first must be from 0 to {limit}, got {first}", field="first")


def paginate(
    items: Sequence[Item], first: int, after: str | None, limit: int, wrap: Callable[[Item], T]
) -> Connection[T]:
    """The page of ``items`` after the cursor ``after``, at most ``first`` long (at most ``limit``)."""
    check_first(first, limit)
    start = offset_of(after)
    page = items[start : start + first]
    edges = [Edge(cursor=cursor(start + i), node=wrap(item)) for i, item in enumerate(page)]
    info = PageInfo(
        has_next_page=start + len(page) < len(items),
        has_previous_page=start > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, total_count=len(items))
