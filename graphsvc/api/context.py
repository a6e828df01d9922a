"""What every resolver gets: the engine, the app's global measures, the caller's view, and the request's DataLoaders.

``view`` is the caller's view of the current graph version (the engine makes it once per version
and caller, and shares it); every resolver reads the graph through it or through ``view_for``
(the same caller on a past day or over some relation kinds), never through the store directly.
Reading either is where the request gives way (``call.give_way``: queued writes are applied, a
query over its time is stopped), so after a mutation the next resolver's ``view`` is the new
version's. Who the caller is (``viewer``)
comes from the request's API token, in one place: ``api/auth.py``, called where the Context is made.
``measures`` is the app's cache of brokers and communities (built by ``build_app``, started and
stopped by its lifespan), handed to those analyses.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from strawberry.dataloader import DataLoader

from ..analysis import Measures
from ..domain import Relation, RelationKind
from ..domain.periods import Periods
from ..engine import BROKER, Engine, View, Viewer
from ..settings import Settings
from .call import give_way
from .ratelimit import RateLimiter


@dataclass
class Context:
    engine: Engine
    settings: Settings
    measures: Measures
    viewer: Viewer = BROKER
    language: str = "en"  # of reasons and explanations: "nl" or "en" (``words.language_of`` the Accept-Language)
    registering: RateLimiter | None = None  # the app's budget for self-registrations (GRAPHSVC_REGISTER_RATE_LIMIT)
    relations: DataLoader[int, Relation | None] = field(init=False)

    def __post_init__(self) -> None:
        self.relations = DataLoader(load_fn=self._load_relations)

    @property
    def view(self) -> View:
        """The caller's view of the current graph version."""
        give_way(self.engine)
        return self.engine.view(self.viewer)

    def view_for(self, active_on: date | None = None, relation_kinds: list[RelationKind] | None = None) -> View:
        """The caller's view as it stood on ``active_on`` and over ``relation_kinds`` (all when None)."""
        kinds = frozenset(relation_kinds) if relation_kinds else None
        give_way(self.engine)
        return self.engine.view(self.viewer, active_on, kinds)

    @property
    def stale_periods(self) -> Periods:
        """How long facts stay fresh, per municipality (``GRAPHSVC_STALE_AFTER``)."""
        return Periods.parse(self.settings.stale_after, "GRAPHSVC_STALE_AFTER")

    @property
    def today(self) -> date:
        """The day of the caller's view (staleness and recency are measured on it)."""
        return date.fromordinal(self.view.day)

    async def _load_relations(self, ids: list[int]) -> list[Relation | None]:
        """One store read for all relation details a request asks for (no N+1)."""
        found = await asyncio.to_thread(self.engine.store.read_relations, ids)
        return [found.get(rel_id) for rel_id in ids]
