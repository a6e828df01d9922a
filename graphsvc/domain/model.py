"""Value types of the graph: nodes (stakeholders and meetings) and relations.

One flat ``Node`` type serves every stakeholder kind and meetings: a field that does not apply
to a kind stays ``None`` or empty, and validation says which fields a kind takes. Flat records
keep the store, the projection and the import format simple and equal for every kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import NamedTuple

import msgspec

from .areas import within
from .kinds import InitiativeStatus, NodeKind, RelationKind, Visibility


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class Node(msgspec.Struct, frozen=True, gc=False):
    """A stakeholder (resident, organisation, wijkpartner, initiative, municipality role) or a meeting.

    An immutable msgspec ``Struct`` rather than a frozen dataclass: made in C, six times faster
    (100k nodes in 0.04 s, not 0.22 s: an import or a rebuild makes one per node), and, holding
    no containers that could form a cycle, left out of the garbage collector's walks.
    """

    id: str
    kind: NodeKind
    name: str
    themes: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # where it lives, works, serves or is responsible
    tags: tuple[str, ...] = ()
    provenance: str | None = None  # source: who or what said so
    confirmed: date | None = None  # the day it was last confirmed true (``freshness``)
    type: str | None = None  # organisation, wijkpartner, initiative or role type (kinds.TYPES)
    visibility: Visibility | None = None  # residents only
    contact: str | None = None  # residents only; never served to the public
    capacity: int | None = None  # wijkpartners: initiatives it can support at once
    status: InitiativeStatus | None = None  # initiatives
    needs: tuple[str, ...] = ()  # initiatives: what they ask for (kinds.NEEDS)
    offers: tuple[str, ...] = ()  # partners: what they give (kinds.NEEDS)
    started: date | None = None  # initiatives: started; meetings: the date
    ended: date | None = None
    holder: str | None = None  # municipality roles: the holder's name, optional
    place: str | None = None  # meetings
    objected: bool = False  # residents: objected to the processing (AVG art. 21): in no answer while weighed
    merged_from: tuple[str, ...] = ()  # keys of the records merged into this one (their history is its history)
    created_at: datetime = EPOCH
    updated_at: datetime = EPOCH

    def is_stakeholder(self) -> bool:
        return self.kind not in (NodeKind.MEETING, NodeKind.AREA)

    def in_scope(self, area: str | None = None, theme: str | None = None) -> bool:
        """Whether it works on ``theme`` and names an area in or under ``area`` (None: any)."""
        return (theme is None or theme in self.themes) and (area is None or any(within(c, area) for c in self.areas))


class Relation(NamedTuple):
    """A typed, directed tie between two nodes, with the evidence for it.

    A named tuple in the store's column order, with dates as ISO strings (``YYYY-MM-DD``, as
    both stores keep them): an import of a million relations passes them on without copying.
    """

    id: int | None
    kind: RelationKind
    source: str
    target: str
    since: str | None = None
    until: str | None = None
    strength: float | None = None  # 0..1; unknown when None
    role: str | None = None
    note: str | None = None
    provenance: str | None = None  # source of the claim
    confirmed: str | None = None  # the day it was last confirmed true (``freshness``)
    purpose: str | None = None  # why it is kept, for a tie with a resident (``kinds.Purpose``)

    def active_on(self, day: date) -> bool:
        """Whether the relation held on ``day`` (no since: always before; no until: still).

        >>> Relation(1, RelationKind.KNOWS, "a", "b", since="2019-01-29").active_on(date(2020, 1, 1))
        True
        """
        iso = day.isoformat()
        return (self.since is None or self.since <= iso) and (self.until is None or iso <= self.until)


def relation_ids(relations: Iterable[Relation]) -> Iterator[int | None]:
    """The id of each relation, None where the store is to number it; in C, for a million.

    Given ids are above 0, so an id is truthy exactly when it was given: ``filter(None, ...)``
    keeps the given ones and ``itertools.compress`` picks the relations that have one.
    """
    return map(itemgetter(0), relations)


@dataclass(frozen=True, slots=True)
class Review:
    """A broker's verdict on a suggested collaboration between two stakeholders."""

    source: str
    target: str
    verdict: str  # ACCEPTED or REJECTED
    note: str | None = None
    reviewed_at: datetime = EPOCH
    relation_kind: RelationKind | None = None  # the relation an acceptance created, if any


@dataclass(slots=True)
class Batch:
    """Everything one write changes, applied by a store in one transaction."""

    themes: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    delete_nodes: list[str] = field(default_factory=list)
    delete_relations: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(
            len(part)
            for part in (
                self.themes,
                self.areas,
                self.nodes,
                self.relations,
                self.reviews,
                self.delete_nodes,
                self.delete_relations,
            )
        )
