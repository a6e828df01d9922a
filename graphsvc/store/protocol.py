"""The store interface: the durable truth behind the in-memory projection.

Every backend (SQLite embedded, Neo4j over Bolt) implements ``Store`` and passes the one
contract suite in ``tests/test_store_contract.py``. The interface is small on purpose:
write batches atomically, read by id, stream everything, and a version
counter with a change feed so that projections in several processes stay in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from ..domain import Area, Batch, Node, Relation, Review, Theme
from ..domain.registration import Registration
from ..domain.trust import ApiToken, AuditEntry

# A relation as the projection needs it: (id, kind, source, target, since, until, strength,
# confirmed); dates as ISO strings. Tuples, not objects: a rebuild streams a million of them.
Edge = tuple[int, str, str, str, "str | None", "str | None", "float | None", "str | None"]

# Above this many items, a batch is recorded in the change feed as "reload everything"
# instead of id by id: another process then rebuilds its projection.
FEED_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Applied:
    """What a committed batch became: the new version, and the id its first new relation got.

    A store numbers the relations without id in batch order from ``first_id`` on;
    ``numbered`` gives them their ids.
    """

    version: int
    first_id: int

    def numbered(self, relations: Iterable[Relation]) -> Iterator[Relation]:
        next_id = self.first_id
        for rel in relations:
            if rel.id is None:
                yield rel._replace(id=next_id)
                next_id += 1
            else:
                yield rel


@dataclass(slots=True)
class Changes:
    """What changed after a version: ids to re-read, ids deleted. ``reload`` means too much."""

    version: int
    reload: bool = False
    nodes: set[str] = field(default_factory=set)
    relations: set[int] = field(default_factory=set)
    deleted_nodes: set[str] = field(default_factory=set)
    deleted_relations: set[int] = field(default_factory=set)
    areas: bool = False
    themes: bool = False
    reviews: bool = False


@runtime_checkable
class Store(Protocol):
    """Durable storage of the graph. Every write is one transaction: all of it or none."""

    url: str  # where it is, without secrets

    def apply(self, batch: Batch) -> Applied:
        """Write a batch atomically and bump the version; relations without id get one.

        Relations with an id are written first (replacing any with that id); then those
        without, numbered in batch order after the highest id. Deleting a node deletes its
        relations. Returns only after the commit.
        """
        ...

    def version(self) -> int: ...

    def next_relation_id(self) -> int:
        """The id a new relation would get now: above every relation id the store holds."""
        ...

    def changes_since(self, version: int) -> Changes:
        """What changed after ``version``, folded together (``reload`` if the feed lacks it)."""
        ...

    def read_nodes(self, ids: Sequence[str]) -> dict[str, Node]: ...

    def read_relations(self, ids: Sequence[int]) -> dict[int, Relation]: ...

    def areas(self) -> list[Area]:
        """Every area, parents before children (``areas.tree_order``)."""
        ...

    def themes(self) -> list[Theme]: ...

    def reviews(self) -> list[Review]: ...

    def iter_nodes(self, page: int = 10_000) -> Iterator[list[Node]]: ...

    def iter_relations(self, page: int = 50_000) -> Iterator[list[Relation]]: ...

    def iter_edges(self, page: int = 100_000) -> Iterator[list[Edge]]:
        """Relations as ``Edge`` tuples, in pages, for rebuilding a projection."""
        ...

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts of nodes per kind, relations per kind and stakeholders per area code."""
        ...

    def ping(self) -> bool:
        """Whether the store answers now."""
        ...

    def close(self) -> None: ...

    # -- trust: API tokens, the audit log, erasure ------------------------------------------
    def save_token(self, token: ApiToken) -> None:
        """Keep a new token (its digest, never the secret); a token with that prefix is replaced."""
        ...

    def tokens(self) -> list[ApiToken]:
        """Every token, newest first."""
        ...

    def find_tokens(self, digests: Sequence[str]) -> dict[str, ApiToken]:
        """The tokens with these digests that the store knows, by digest (one question for many)."""
        ...

    def revoke_token(self, prefix: str, at: datetime) -> ApiToken | None:
        """Revoke the token with that display prefix (once: a revoked token keeps its first date)."""
        ...

    def touch_tokens(self, used: dict[str, datetime]) -> None:
        """Note when tokens (by digest) were last used."""
        ...

    def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Append to the audit log (never changed afterwards, except by ``forget``)."""
        ...

    def audit_log(self, after: int = 0, first: int = 100) -> list[AuditEntry]:
        """Audit entries with ``seq`` above ``after``, oldest first."""
        ...

    def history(self, subjects: Sequence[str], first: int = 20) -> list[AuditEntry]:
        """The acts in the audit log that name any of ``subjects``, newest first, at most ``first``
        (reads, whose action starts with ``trust.READ``, are not acts on a record: left out)."""
        ...

    def forget(self, node_id: str, label: str) -> None:
        """Erasure: after the node is deleted, remove its id from the change feed (entries naming it
        become 'reload'), put ``label`` for it in the audit log, and delete the approved
        self-registration it came from, if any."""
        ...

    # -- self-registration: sign-ups waiting for an editor, kept apart from the graph -----------
    # Nothing here is a node: no version, no change feed, no count, no query or export sees them.
    def add_registration(self, registration: Registration) -> None:
        """Keep a new registration (its code's digest, never the code)."""
        ...

    def registrations(self) -> list[Registration]:
        """Every pending registration, oldest first."""
        ...

    def registration(self, key: str) -> Registration | None:
        """A registration, pending or approved, by its key."""
        ...

    def registration_by_code(self, code_digest: str) -> Registration | None:
        """A registration, pending or approved, by the digest of its withdrawal code."""
        ...

    def approve_registration(self, key: str, stakeholder: str) -> Registration | None:
        """Mark a pending registration approved as ``stakeholder``, keeping only what withdrawal needs
        (``Registration.approved``); None when there is no pending one with that key."""
        ...

    def delete_registrations(self, keys: Sequence[str]) -> int:
        """Delete registrations, pending or approved, leaving no copy of them behind; how many there were."""
        ...


def feed_entry(batch: Batch, explicit_ids: list[int], numbered: int) -> dict[str, Any]:
    """A batch as a change-feed entry (every backend writes the same): the ids it wrote, the count
    of relations it numbered from the change's first id on, or ``reload`` when there are too many."""
    if len(batch) > FEED_LIMIT:
        return {"reload": True}
    return {
        "nodes": [n.id for n in batch.nodes],
        "relations": explicit_ids,
        "numbered": numbered,
        "deletedNodes": batch.delete_nodes,
        "deletedRelations": batch.delete_relations,
        "areas": bool(batch.areas),
        "themes": bool(batch.themes),
        "reviews": bool(batch.reviews),
    }


def fold_change(changes: Changes, entry: dict[str, Any], first_id: int) -> None:
    """Add one feed entry (whose numbered relations start at ``first_id``) to ``changes``."""
    if entry.get("reload"):
        changes.reload = True
        return
    changes.nodes.update(entry["nodes"])
    changes.relations.update(entry["relations"])
    changes.relations.update(range(first_id, first_id + entry["numbered"]))
    changes.deleted_nodes.update(entry["deletedNodes"])
    changes.deleted_relations.update(entry["deletedRelations"])
    changes.nodes.difference_update(entry["deletedNodes"])
    changes.relations.difference_update(entry["deletedRelations"])
    changes.areas |= entry["areas"]
    changes.themes |= entry["themes"]
    changes.reviews |= entry["reviews"]
