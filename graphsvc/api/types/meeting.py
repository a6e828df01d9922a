"""Meeting (bijeenkomst): a date, a place, themes, and who attended; evidence of ties."""

from __future__ import annotations

from datetime import date

import strawberry

from ...domain import Node as DomainNode
from ...domain import RelationKind
from ..ids import encode
from .node import Node, to_graphql
from .pagination import Connection, paginate


@strawberry.type(description="A meeting (bijeenkomst); who attended is said by ATTENDED relations.")
class Meeting(Node):
    key: str
    name: str
    date: date | None
    place: str | None
    theme_keys: list[str] = strawberry.field(description="Keys of the themes it was about")
    _meeting: strawberry.Private[DomainNode]

    @classmethod
    def of(cls, node: DomainNode) -> Meeting:
        return cls(
            id=strawberry.ID(encode("Meeting", node.id)),
            key=node.id,
            name=node.name,
            date=node.started,
            place=node.place,
            theme_keys=list(node.themes),
            _meeting=node,
        )

    @strawberry.field(description="Stakeholders who attended, by name (as far as the caller may see them).")
    def attendees(self, info: strawberry.Info, first: int = 20, after: str | None = None) -> Connection[Node]:
        context = info.context
        view = context.view
        found = (view.node(f.source) for f in view.relations_of(self.key, frozenset({RelationKind.ATTENDED})))
        people = sorted((n for n in found if n is not None), key=lambda n: (n.name, n.id))
        return paginate(people, first, after, context.settings.max_page, lambda n: to_graphql(n, context))
