"""The caller's view: the one place that decides what a caller may see of the graph.

Every query and algorithm gets a ``View`` and nothing else, so what a caller may not see is
never in the graph it works on (a path through a hidden resident is never found, rather than
found and removed). A hidden node is answered exactly like a missing one. Roles and tokens
(public, broker, editor, admin; scoped per municipality) plug in here through ``Viewer``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import networkx as nx

from ..domain import Area, Node, NodeKind, RelationKind, Visibility, within
from ..domain.kinds import RELATION_CODES, STAKEHOLDER_KINDS
from ..domain.records import fold
from .projection import NO_DATE, Projection


class Role(StrEnum):
    PUBLIC = "PUBLIC"
    BROKER = "BROKER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"


SEES_RESIDENTS = {
    Role.PUBLIC: frozenset({Visibility.PUBLIC}),
    Role.BROKER: frozenset({Visibility.PUBLIC, Visibility.BROKERS}),
    Role.EDITOR: frozenset(Visibility),
    Role.ADMIN: frozenset(Visibility),
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Until tokens arrive, the API asks as a social broker."""

    role: Role = Role.BROKER

    def may_see(self, node: Node) -> bool:
        return node.kind is not NodeKind.RESIDENT or node.visibility in SEES_RESIDENTS[self.role]

    @property
    def sees_contact_details(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)


BROKER = Viewer(Role.BROKER)


class View:
    """What one viewer may see, optionally as it stood on ``active_on`` and over some relation kinds.

    ``graph`` is a networkx view of the stakeholders and meetings (areas left out: every
    resident of a buurt two hops apart would make every path meaningless); algorithms take it.
    """

    def __init__(
        self,
        projection: Projection,
        viewer: Viewer = BROKER,
        active_on: date | None = None,
        relation_kinds: frozenset[RelationKind] | None = None,
    ):
        self.projection = projection
        self.viewer = viewer
        self.active_on = active_on
        self._day = active_on.toordinal() if active_on else None
        self._codes = frozenset(RELATION_CODES[k] for k in relation_kinds) if relation_kinds else None
        self.graph = nx.subgraph_view(projection.graph, filter_node=self._in_network, filter_edge=self._edge_visible)

    # -- filters ---------------------------------------------------------------------------
    def visible(self, node_id: str) -> bool:
        """Whether the viewer may see this node (areas always; meetings and stakeholders by rules)."""
        attrs = self.projection.graph._node.get(node_id)
        if attrs is None:
            return False
        obj = attrs["obj"]
        if attrs["kind"] is NodeKind.AREA:
            return True
        if not self.viewer.may_see(obj):
            return False
        if self._day is not None and obj.kind is NodeKind.INITIATIVE:
            started, ended = obj.started, obj.ended
            if (started and started.toordinal() > self._day) or (ended and ended.toordinal() < self._day):
                return False
        return True

    def _in_network(self, node_id: str) -> bool:
        return self.projection.graph._node[node_id]["kind"] is not NodeKind.AREA and self.visible(node_id)

    def relation_visible(self, rel_id: int) -> bool:
        p = self.projection
        if self._codes is not None and p.kind[rel_id] not in self._codes:
            return False
        if self._day is not None:
            since, until = p.since[rel_id], p.until[rel_id]
            if (since != NO_DATE and since > self._day) or (until != NO_DATE and until < self._day):
                return False
        return True

    def _edge_visible(self, u: str, v: str) -> bool:
        return any(self.relation_visible(r) for r in self.projection.edge_relations(u, v))

    # -- reads -----------------------------------------------------------------------------
    def node(self, node_id: str) -> Node | Area | None:
        """The node, or None when it does not exist or the viewer may not see it."""
        return self.projection.obj(node_id) if self.visible(node_id) else None

    def stakeholder(self, node_id: str) -> Node | None:
        obj = self.node(node_id)
        return obj if isinstance(obj, Node) and obj.kind in STAKEHOLDER_KINDS else None

    def edge_relations(self, u: str, v: str) -> list[int]:
        return [r for r in self.projection.edge_relations(u, v) if self.relation_visible(r)]

    def relations_of(
        self, node_id: str, kinds: frozenset[RelationKind] | None = None, direction: str = "BOTH"
    ) -> list[int]:
        """Ids of the visible relations of a node, to visible ends, ordered by id."""
        p = self.projection
        if not self.visible(node_id):
            return []
        codes = frozenset(RELATION_CODES[k] for k in kinds) if kinds else None
        found = []
        for neighbour in p.graph._adj[node_id]:
            if not self.visible(neighbour):
                continue
            for rel_id in p.edge_relations(node_id, neighbour):
                if codes is not None and p.kind[rel_id] not in codes:
                    continue
                outgoing = p.source[rel_id] == node_id
                if (direction == "OUT" and not outgoing) or (direction == "IN" and outgoing):
                    continue
                if self.relation_visible(rel_id):
                    found.append(rel_id)
        return sorted(found)

    def strength(self, rel_id: int, default: float = 0.5) -> float:
        value = self.projection.strength[rel_id]
        return default if math.isnan(value) else value

    def stakeholders(
        self,
        kinds: frozenset[NodeKind] | None = None,
        area: str | None = None,
        theme: str | None = None,
        text: str | None = None,
    ) -> Iterator[Node]:
        """Visible stakeholders matching every filter given; text is case- and accent-insensitive."""
        needle = fold(text) if text else None
        wanted = kinds or STAKEHOLDER_KINDS
        search = self.projection.search
        for node_id, attrs in self.projection.graph._node.items():
            if attrs["kind"] not in wanted or not self.visible(node_id):
                continue
            node = attrs["obj"]
            if theme is not None and theme not in node.themes:
                continue
            if area is not None and not any(within(code, area) for code in node.areas):
                continue
            if needle is not None and needle not in search[node_id]:
                continue
            yield node
