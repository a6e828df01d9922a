"""What every resolver gets: the engine, the caller's view, and the request's DataLoaders.

The view is made once per request from the caller (a ``Viewer``); every resolver reads the
graph through it or through ``view_for`` (the same caller on a past day or over some relation
kinds), never through the projection or the store directly. This is where tokens and roles
will decide who the caller is.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from strawberry.dataloader import DataLoader

from ..domain import Relation, RelationKind
from ..engine import BROKER, Engine, View, Viewer
from ..settings import Settings


@dataclass
class Context:
    engine: Engine
    settings: Settings
    viewer: Viewer = BROKER
    view: View = field(init=False)
    relations: DataLoader[int, Relation | None] = field(init=False)

    def __post_init__(self) -> None:
        self.view = self.engine.view(self.viewer)
        self.relations = DataLoader(load_fn=self._load_relations)

    def view_for(self, active_on: date | None = None, relation_kinds: list[RelationKind] | None = None) -> View:
        """The caller's view as it stood on ``active_on`` and over ``relation_kinds`` (all when None)."""
        if active_on is None and not relation_kinds:
            return self.view
        kinds = frozenset(relation_kinds) if relation_kinds else None
        return self.engine.view(self.viewer, active_on, kinds)

    async def _load_relations(self, ids: list[int]) -> list[Relation | None]:
        """One store read for all relation details a request asks for (no N+1)."""
        found = await asyncio.to_thread(self.engine.store.read_relations, ids)
        return [found.get(rel_id) for rel_id in ids]
