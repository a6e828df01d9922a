"""The server store: the graph in Neo4j 5 (or a 2025+ calendar release), over the official driver.

One driver per store object and process; every call runs in a managed transaction
(``execute_read``/``execute_write``, which retry transient failures) on a session that shares
one bookmark manager, so a process reads its own writes even on a cluster. Another process
sees a write once its projection syncs (``Engine.sync``, every ``sync_seconds``).

A batch is one transaction of several small statements (``cypher``, "a batch"), which Neo4j
rolls back whole on any failure; it takes the graph node's lock first, so batches are
serialised and new relation ids are numbered here. The transaction carries a token, so a retry
of a batch whose commit was lost is not written twice. The store checks what it can before
sending, so that bad input gives a ``ValidationError`` rather than a server error.

A batch of more than ``page_items`` items (a large import) is written in pages of that many,
each its own transaction, so the server's transaction memory stays bounded; the new nodes and
relations of the pages carry the import's token as ``stage`` and every read leaves them out
until the last transaction switches the import in (the batch's other parts, the version and
the change feed go there too). An import that fails is deleted again; one whose process died
is deleted by the next store that opens after ``STAGE_STALE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import Driver, GraphDatabase, ManagedTransaction, Record, Session
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConnectionPoolError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from ..domain import (
    Area,
    Batch,
    ConflictError,
    Node,
    NodeKind,
    Relation,
    RelationKind,
    Review,
    StoreUnavailableError,
    Theme,
)
from ..domain.areas import tree_order
from ..domain.errors import GraphsvcError, Problem, ValidationError
from ..domain.records import (
    area_from_record,
    node_from_record,
    relation_from_row,
    review_from_record,
    to_area_record,
    to_node_record,
    to_review_record,
)
from ..domain.registration import Registration
from ..domain.trust import READ, ApiToken, AuditEntry
from . import cypher
from .protocol import Applied, Changes, Edge, feed_entry, fold_change

T = TypeVar("T")
log = logging.getLogger(__name__)
CONNECT_SECONDS = 5.0  # to open a connection (and get a free one from the pool)
RETRY_SECONDS = 10.0  # how long a managed transaction retries a lost connection
EDGE_CHUNK = 100  # edges per record of a rebuild (see cypher.EDGE_PAGE)
PAGE_ITEMS = 20_000  # a batch of more items is a large import, written in pages of this many
STAGE_STALE_SECONDS = 120.0  # a large import not written to for this long was abandoned
UNREACHABLE = (ServiceUnavailable, SessionExpired, ConnectionPoolError)
NODE_KINDS = [kind for kind in NodeKind if kind is not NodeKind.AREA]


class Neo4jStore:
    """The ``Store`` on a Neo4j database at a ``neo4j://`` or ``bolt://`` URI."""

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        connect_seconds: float = CONNECT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        page_items: int = PAGE_ITEMS,
    ):
        self.url = without_secrets(uri)
        self.page_items = page_items
        # Told how many items each page of a large import wrote (``graphsvc import`` shows a bar).
        self.progress: Callable[[int], None] | None = None
        self._database = database or None
        self._driver = open_driver(uri, user, password, connect_seconds, retry_seconds)
        self._bookmarks = GraphDatabase.bookmark_manager()
        try:
            with self._reaching():
                self._driver.verify_connectivity()
                self._create_schema()
                self.recover()
        except BaseException:
            self._driver.close()
            raise

    # -- plumbing --------------------------------------------------------------------------
    @contextmanager
    def _reaching(self) -> Iterator[None]:
        """Turn a lost or refused connection into ``StoreUnavailableError`` naming the store."""
        try:
            yield
        except IncompleteCommit as error:
            raise StoreUnavailableError(
                f"the connection to the Neo4j store at {self.url} was lost while committing: the write may or "
                "may not be stored (the change feed tells)"
            ) from error
        except AuthError as error:
            raise StoreUnavailableError(f"the Neo4j store at {self.url} refused the user and password") from error
        except UNREACHABLE as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreUnavailableError(f"the Neo4j store at {self.url} cannot be reached: {reason}") from error

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self._reaching(), self._session() as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self._reaching(), self._session() as session:
            return session.execute_write(work)

    def _session(self) -> Session:
        return self._driver.session(database=self._database, bookmark_manager=self._bookmarks)

    def _rows(self, statement: str, **params: Any) -> list[Record]:
        return self._read(lambda tx: list(tx.run(statement, params)))

    def _execute(self, statement: str, **params: Any) -> None:
        """Run a write statement that returns nothing, in a transaction of its own."""
        self._write(lambda tx: tx.run(statement, params).consume())

    def _auto_commit(self, statement: str, **params: Any) -> None:
        """Run a statement that commits as it goes (``CALL ... IN TRANSACTIONS``)."""
        with self._reaching(), self._session() as session:
            session.run(statement, params).consume()

    def _create_schema(self) -> None:
        for statement in cypher.SCHEMA:
            self._execute(statement)
        self._auto_commit(cypher.AWAIT_INDEXES)
        self._execute(cypher.INIT_GRAPH)

    def recover(self, stale_seconds: float = STAGE_STALE_SECONDS) -> None:
        """Finish what large imports whose process ended left: remove the tags of those switched in,
        delete those not written to for ``stale_seconds`` and never switched in. Runs at start-up."""
        for row in self._rows(cypher.UNFINALIZED):
            self._finalize(row["token"])
        for row in self._rows(cypher.STALE_STAGES, seconds=stale_seconds):
            self._abandon(row["token"], stale_seconds)

    # -- writes ----------------------------------------------------------------------------
    def apply(self, batch: Batch) -> Applied:
        if problems := list(batch_problems(batch)):
            raise ValidationError(f"{len(problems)} problem(s) in the batch", problems=problems)
        plan = Plan.of(batch)
        if len(batch) > self.page_items:
            return self._apply_large(plan)
        with self._reaching():
            version, first = self._write(lambda tx: _write_batch(tx, plan))
        return Applied(version, first)

    def _apply_large(self, plan: Plan) -> Applied:
        """Stage the new nodes and relations page by page, then switch them in with the rest."""
        token = plan.token
        with self._reaching():
            if missing := self._missing_nodes(plan.endpoints):
                raise _missing_error(missing)
            above, numbered = plan.above, plan.numbered
            staged = plan.split(self._existing_nodes(plan.node_ids()), self._existing_relations(plan.explicit_ids()))
            begun = self._rows_written(cypher.BEGIN_STAGE, token=token, above=above, numbered=numbered)
            first = begun[0]["first"]
        try:
            with self._reaching():
                for statement, rows in staged.pages(first, self.page_items):
                    self._write(partial(_stage_page, token=token, statement=statement, rows=rows))
                    if self.progress:
                        self.progress(len(rows))
                version, first_id = self._write(lambda tx: _write_batch(tx, plan, stage=first))
        except BaseException:
            with contextlib.suppress(GraphsvcError, DriverError, Neo4jError, OSError):
                self._abandon(token, -1.0)
            raise
        try:
            self._finalize(token)
        except (GraphsvcError, DriverError, Neo4jError, OSError) as error:  # the next store to open does it
            log.warning("the tags of import %s stay until the next start: %s", token, error)
        return Applied(version, first_id)

    def _rows_written(self, statement: str, **params: Any) -> list[Record]:
        return self._write(lambda tx: list(tx.run(statement, params)))

    def _missing_nodes(self, ids: list[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(ids), self.page_items):
            found += [row["id"] for row in self._rows(cypher.MISSING_NODES, ids=ids[start : start + self.page_items])]
        return found

    def _existing_nodes(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), self.page_items):
            found.update(
                row["id"] for row in self._rows(cypher.EXISTING_NODES, ids=ids[start : start + self.page_items])
            )
        return found

    def _existing_relations(self, ids: list[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(ids), self.page_items):
            found.update(
                row["id"] for row in self._rows(cypher.READ_RELATIONS, ids=ids[start : start + self.page_items])
            )
        return found

    def _finalize(self, token: str) -> None:
        """Remove a switched-in import's tags, in transactions of ``page_items`` (may repeat)."""
        self._auto_commit(cypher.FINALIZE_NODES, token=token, page=self.page_items)
        for statement in cypher.FINALIZE_RELATIONS.values():
            self._auto_commit(statement, token=token, page=self.page_items)
        self._execute(cypher.FINALIZED, token=token)

    def _abandon(self, token: str, stale_seconds: float) -> None:
        """Delete an import that was not switched in (if it was not written to for ``stale_seconds``)."""
        if not self._rows_written(cypher.ABANDON_STAGE, token=token, seconds=stale_seconds):
            return  # touched meanwhile: alive after all
        for statement in cypher.ABANDON_RELATIONS.values():
            self._auto_commit(statement, token=token, page=self.page_items)
        self._auto_commit(cypher.ABANDON_NODES, token=token, page=self.page_items)

    # -- reads -----------------------------------------------------------------------------
    def version(self) -> int:
        rows = self._rows(cypher.VERSION)
        return rows[0]["version"] if rows else 0

    def next_relation_id(self) -> int:
        rows = self._rows(cypher.VERSION)
        return rows[0]["nextId"] if rows else 1

    def changes_since(self, version: int) -> Changes:
        rows = self._rows(cypher.CHANGES_SINCE, after=version)
        changes = Changes(version=rows[-1]["version"] if rows else version)
        if rows and rows[0]["version"] != version + 1:
            changes.reload = True
        for row in rows:
            fold_change(changes, json.loads(row["payload"]), row["first"])
        return changes

    def read_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        nodes = (node_from_record(row["props"]) for row in self._rows(cypher.READ_NODES, ids=list(ids)))
        return {node.id: node for node in nodes}

    def read_relations(self, ids: Sequence[int]) -> dict[int, Relation]:
        rows = self._rows(cypher.READ_RELATIONS, ids=list(ids))
        return {row["id"]: relation_from_row(tuple(row.values())) for row in rows}

    def areas(self) -> list[Area]:
        return sorted((area_from_record(row["props"]) for row in self._rows(cypher.AREAS)), key=tree_order)

    def themes(self) -> list[Theme]:
        return [Theme(*row.values()) for row in self._rows(cypher.THEMES)]

    def reviews(self) -> list[Review]:
        return [review_from_record(row["props"]) for row in self._rows(cypher.REVIEWS)]

    def iter_nodes(self, page: int = 10_000) -> Iterator[list[Node]]:
        """Nodes in id order (by code point, as SQLite sorts text), ``page`` at a time: range scans
        of the unique index on ``Node.id``."""
        after = ""
        while True:
            nodes = [node_from_record(row["props"]) for row in self._rows(cypher.NODE_PAGE, after=after, page=page)]
            if nodes:
                yield nodes
            if len(nodes) < page:
                return
            after = nodes[-1].id

    def iter_relations(self, page: int = 50_000) -> Iterator[list[Relation]]:
        def read(low: int, high: int) -> list[Relation]:
            rows = self._rows(cypher.RELATION_PAGE, low=low, high=high)
            return sorted((relation_from_row(tuple(row.values())) for row in rows), key=by_id)

        yield from self._id_ranges(read, page)

    def iter_edges(self, page: int = 100_000) -> Iterator[list[Edge]]:
        def read(low: int, high: int) -> list[Edge]:
            rows = self._rows(cypher.EDGE_PAGE, low=low, high=high, chunk=EDGE_CHUNK)
            return [tuple(edge) for row in rows for edge in row["edges"]]  # type: ignore[misc]

        yield from self._id_ranges(read, page)

    def _id_ranges(self, read: Callable[[int, int], list[T]], page: int) -> Iterator[list[T]]:
        """What ``read(low, high)`` gives for the relation ids in ``[low, high)``, ``page`` ids at a
        time up to the highest id, skipping gaps in the ids."""
        rows = self._rows(cypher.VERSION)
        highest = rows[0]["nextId"] - 1 if rows else 0
        low = 1
        while low <= highest:
            if found := read(low, low + page):
                yield found
                low += page
            else:  # nothing in [low, low + page): go on from the next id above it
                starts = [r["id"] for r in self._rows(cypher.NEXT_RELATION_ID, low=low + page) if r["id"] is not None]
                low = min(starts, default=highest + 1)

    def counts(self) -> dict[str, dict[str, int]]:
        def counted(statement: str) -> dict[str, int]:
            return dict(sorted((row["key"], row["n"]) for row in self._rows(statement)))

        return {
            "nodes": counted(cypher.COUNT_NODES),
            "relations": counted(cypher.COUNT_RELATIONS),
            "areas": counted(cypher.COUNT_AREAS),
        }

    def ping(self) -> bool:
        """Whether the server answers now: one round trip, tried twice (a pooled connection that
        died with a restarted server fails its first use and is dropped then)."""
        for _ in range(2):
            try:
                with self._session() as session:
                    session.run(cypher.PING).consume()
            except (DriverError, Neo4jError, OSError):
                continue
            return True
        return False

    def close(self) -> None:
        self._driver.close()

    # -- trust: API tokens, the audit log, erasure (statements in ``cypher``, at its end) ----
    def _run_write(self, statement: str, **params: Any) -> list[dict]:
        return self._write(lambda tx: [dict(row) for row in tx.run(statement, params)])

    def save_token(self, token: ApiToken) -> None:
        row = {key: value for key, value in token.record().items() if value is not None}
        self._run_write(cypher.SAVE_TOKEN, row=row)

    def tokens(self) -> list[ApiToken]:
        found = [ApiToken.from_record(row["props"]) for row in self._rows(cypher.TOKENS)]
        return sorted(found, key=lambda t: (t.created_at, t.prefix), reverse=True)

    def find_tokens(self, digests: Sequence[str]) -> dict[str, ApiToken]:
        rows = self._rows(cypher.FIND_TOKENS, digests=list(digests))
        return {row["props"]["digest"]: ApiToken.from_record(row["props"]) for row in rows}

    def revoke_token(self, prefix: str, at: datetime) -> ApiToken | None:
        rows = self._run_write(cypher.REVOKE_TOKEN, prefix=prefix, at=at.isoformat())
        return ApiToken.from_record(rows[0]["props"]) if rows else None

    def touch_tokens(self, used: dict[str, datetime]) -> None:
        rows = [{"digest": digest, "at": at.isoformat()} for digest, at in used.items()]
        if rows:
            self._run_write(cypher.TOUCH_TOKENS, used=rows)

    def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        rows = [{k: v for k, v in entry.record().items() if v is not None} for entry in entries]
        if rows:
            self._run_write(cypher.APPEND_AUDIT, entries=rows)

    def audit_log(self, after: int = 0, first: int = 100) -> list[AuditEntry]:
        rows = self._rows(cypher.AUDIT_LOG, after=after, first=first)
        return [AuditEntry.from_record(row["props"], row["props"]["seq"]) for row in rows]

    def history(self, subjects: Sequence[str], first: int = 20) -> list[AuditEntry]:
        wanted = list(dict.fromkeys(subjects))
        if not wanted or first <= 0:
            return []
        rows = self._rows(cypher.HISTORY, ids=wanted, first=first, read=READ)
        return [AuditEntry.from_record(row["props"], row["props"]["seq"]) for row in rows]

    def forget(self, node_id: str, label: str) -> None:
        self._run_write(cypher.FORGET_IN_FEED, needle=json.dumps(node_id), reload=json.dumps({"reload": True}))
        self._run_write(cypher.FORGET_IN_AUDIT, id=node_id, label=label)
        self._run_write(cypher.FORGET_REGISTRATION, id=node_id)

    # -- self-registration: (:Registration) nodes, apart from the graph (statements in ``cypher``) --
    def add_registration(self, registration: Registration) -> None:
        row = registration.to_record()
        props = {
            "id": registration.id,
            "code": registration.code,
            "state": registration.state,
            "createdAt": row["createdAt"] or "",
            "record": json.dumps(row),
        }
        self._run_write(cypher.ADD_REGISTRATION, row=props)

    def registrations(self) -> list[Registration]:
        return [Registration.from_record(json.loads(r["record"])) for r in self._rows(cypher.PENDING_REGISTRATIONS)]

    def registration(self, key: str) -> Registration | None:
        rows = self._rows(cypher.REGISTRATION, id=key)
        return Registration.from_record(json.loads(rows[0]["record"])) if rows else None

    def registration_by_code(self, code_digest: str) -> Registration | None:
        rows = self._rows(cypher.REGISTRATION_BY_CODE, code=code_digest)
        return Registration.from_record(json.loads(rows[0]["record"])) if rows else None

    def approve_registration(self, key: str, stakeholder: str) -> Registration | None:
        def work(tx: ManagedTransaction) -> Registration | None:
            found = tx.run(cypher.REGISTRATION, id=key).single()
            if found is None:
                return None
            approved = Registration.from_record(json.loads(found["record"])).approved(stakeholder)
            record = json.dumps(approved.to_record())
            done = tx.run(cypher.APPROVE_REGISTRATION, id=key, record=record, stakeholder=stakeholder).single()
            return approved if done is not None else None

        return self._write(work)

    def delete_registrations(self, keys: Sequence[str]) -> int:
        rows = self._run_write(cypher.DELETE_REGISTRATIONS, ids=list(keys))
        return int(rows[0]["gone"]) if rows else 0


def open_driver(
    uri: str, user: str | None, password: str | None, connect_seconds: float, retry_seconds: float
) -> Driver:
    """The driver for ``uri``; a user and password in the URI count as given (the driver refuses them there)."""
    parts = urlsplit(uri)
    user = user or (unquote(parts.username) if parts.username else None)
    password = password or (unquote(parts.password) if parts.password else None)
    try:
        return GraphDatabase.driver(
            without_secrets(uri),
            auth=(user, password or "") if user else None,
            connection_timeout=connect_seconds,
            connection_acquisition_timeout=connect_seconds,
            max_transaction_retry_time=retry_seconds,
            notifications_min_severity="OFF",  # warnings about absent properties (optional fields)
        )
    except (ConfigurationError, ValueError) as error:
        raise ValidationError(f"'{without_secrets(uri)}' is not a Neo4j URI: {error}", field="store") from error


# -- the batch as rows --------------------------------------------------------------------------
def by_id(rel: Relation) -> int:
    return rel.id or 0


@dataclass
class Plan:
    """A checked batch as the rows its statements send (relations of one kind keep batch order)."""

    batch: Batch
    token: str
    nodes: dict[str, list[dict[str, Any]]]  # by kind
    areas: list[dict[str, Any]]
    explicit: dict[int, Relation]  # relations with an id (the last of an id wins)
    new: list[Relation]  # relations without id, numbered in this order
    endpoints: list[str]  # relation ends that do not come with the batch
    themes: list[dict[str, Any]] = field(default_factory=list)
    staged_ids: list[int] = field(default_factory=list)  # explicit ids that were staged (for the feed)
    staged_new: int = 0  # new relations that were staged (numbered from the stage's first id)

    @classmethod
    def of(cls, batch: Batch) -> Plan:
        nodes: dict[str, list[dict]] = {kind.value: [] for kind in NODE_KINDS}
        for node in batch.nodes:
            nodes[node.kind.value].append(to_node_record(node))
        arriving = {node.id for node in batch.nodes} | {area.code for area in batch.areas}
        return cls(
            batch=batch,
            token=uuid.uuid4().hex,
            nodes=nodes,
            areas=[{**to_area_record(area), "id": area.code} for area in batch.areas],
            explicit={rel.id: rel for rel in batch.relations if rel.id is not None},
            new=[rel for rel in batch.relations if rel.id is None],
            endpoints=sorted({end for rel in batch.relations for end in (rel.source, rel.target)} - arriving),
            themes=[{"key": t.key, "labelNl": t.label_nl, "labelEn": t.label_en} for t in batch.themes],
        )

    @property
    def above(self) -> int:
        """New relations are numbered above every explicit id of the batch."""
        return max(self.explicit, default=0) + 1

    @property
    def numbered(self) -> int:
        return len(self.new)

    def node_ids(self) -> list[str]:
        return [row["id"] for rows in self.nodes.values() for row in rows] + [row["id"] for row in self.areas]

    def explicit_ids(self) -> list[int]:
        return sorted(self.explicit)

    def relation_rows(self, first: int, explicit: Sequence[Relation], new: Sequence[Relation]) -> dict[str, list]:
        """Rows per relation kind: those with an id, then the new ones numbered from ``first``."""
        rows: dict[str, list[dict[str, Any]]] = {kind.value: [] for kind in RelationKind}
        for rel in explicit:
            rows[rel.kind.value].append(_relation_row(rel, rel.id))
        for offset, rel in enumerate(new):
            rows[rel.kind.value].append(_relation_row(rel, first + offset))
        return rows

    def split(self, existing_nodes: set[str], existing_relations: set[int]) -> Staged:
        """Take the new nodes, areas and relations out of this plan, to be staged in pages; what
        changes or deletes existing things stays, for the switch."""
        staged = Staged(
            nodes={kind: [r for r in rows if r["id"] not in existing_nodes] for kind, rows in self.nodes.items()},
            areas=[row for row in self.areas if row["id"] not in existing_nodes],
            explicit=[rel for rel_id, rel in self.explicit.items() if rel_id not in existing_relations],
            new=self.new,
        )
        self.nodes = {kind: [r for r in rows if r["id"] in existing_nodes] for kind, rows in self.nodes.items()}
        self.areas = [row for row in self.areas if row["id"] in existing_nodes]
        self.staged_ids = sorted(rel.id for rel in staged.explicit if rel.id is not None)
        self.explicit = {rel_id: rel for rel_id, rel in self.explicit.items() if rel_id in existing_relations}
        self.staged_new = len(self.new)
        self.new = []
        return staged


@dataclass
class Staged:
    """The new parts of a large import, written in pages before its switch."""

    nodes: dict[str, list[dict[str, Any]]]
    areas: list[dict[str, Any]]
    explicit: list[Relation]
    new: list[Relation]

    def pages(self, first: int, size: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(statement, rows) for each page: areas and nodes first, then relations (their ends exist)."""
        yield from _paged(cypher.STAGE_AREAS, self.areas, size)
        for kind, rows in self.nodes.items():
            yield from _paged(cypher.STAGE_NODES[kind], rows, size)
        rows_by_kind: dict[str, list[dict[str, Any]]] = {kind.value: [] for kind in RelationKind}
        for rel in self.explicit:
            rows_by_kind[rel.kind.value].append(_relation_row(rel, rel.id))
        for offset, rel in enumerate(self.new):
            rows_by_kind[rel.kind.value].append(_relation_row(rel, first + offset))
        for kind, rows in rows_by_kind.items():
            yield from _paged(cypher.STAGE_RELATIONS[kind], rows, size)


def _paged(statement: str, rows: list[dict[str, Any]], size: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for start in range(0, len(rows), size):
        yield statement, rows[start : start + size]


def _relation_row(rel: Relation, rel_id: int | None) -> dict[str, Any]:
    fields = {
        "since": rel.since,
        "until": rel.until,
        "role": rel.role,
        "note": rel.note,
        "provenance": rel.provenance,
        "confirmed": rel.confirmed,
        "purpose": rel.purpose,
    }
    props: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
    if rel.strength is not None:
        props["strength"] = float(rel.strength)  # as SQLite's REAL column gives it back
    props["id"] = rel_id
    return {"source": rel.source, "target": rel.target, "props": props}


def batch_problems(batch: Batch) -> Iterator[Problem]:
    """What the server would refuse or store wrongly, found before sending anything."""
    for i, node in enumerate(batch.nodes):
        where = f"nodes[{i}]"
        if not isinstance(node.id, str) or not node.id:
            yield Problem("REQUIRED", f"{where}.id", "an id (text) is required")
        if not isinstance(node.name, str):
            yield Problem("REQUIRED", f"{where}.name", "a name (text) is required")
        if node.kind not in NODE_KINDS:
            yield Problem("INVALID", f"{where}.kind", f"{node.kind!r} is not a stakeholder or meeting kind")
    for i, area in enumerate(batch.areas):
        if not isinstance(area.code, str) or not isinstance(area.name, str):
            yield Problem("REQUIRED", f"areas[{i}]", "an area needs a code and a name (text)")
    for i, rel in enumerate(batch.relations):
        yield from _relation_problems(rel, f"relations[{i}]")


def _relation_problems(rel: Relation, where: str) -> Iterator[Problem]:
    if not isinstance(rel.kind, RelationKind):
        yield Problem("INVALID", f"{where}.kind", f"{rel.kind!r} is not a relation kind")
    if rel.id is not None and (type(rel.id) is not int or rel.id <= 0):
        yield Problem("INVALID", f"{where}.id", f"expected a whole number above 0, got {rel.id!r}")
    if not isinstance(rel.source, str) or not isinstance(rel.target, str):
        yield Problem("REQUIRED", where, "a relation needs a source and a target id (text)")
    strength = rel.strength
    if strength is not None and (not isinstance(strength, int | float) or not math.isfinite(strength)):
        yield Problem("INVALID", f"{where}.strength", f"expected a number, got {strength!r}")


def _missing_error(missing: Sequence[str]) -> ValidationError:
    return ValidationError(
        f"{len(missing)} relation end(s) not in the store",
        problems=[
            Problem("UNKNOWN_NODE", "relations", f"no stakeholder, meeting or area with id '{node_id}'")
            for node_id in missing
        ],
    )


# -- the transactions -------------------------------------------------------------------------------
def _stage_page(tx: ManagedTransaction, token: str, statement: str, rows: list[dict[str, Any]]) -> None:
    """One page of a large import, in a transaction of its own."""
    if tx.run(cypher.TOUCH_STAGE, token=token).single() is None:
        raise ConflictError(
            f"the import was given up: nothing was written to it for {STAGE_STALE_SECONDS:.0f} s", field="store"
        )
    created = tx.run(statement, token=token, rows=rows).single()
    if created is not None and created["created"] != len(rows):
        raise ConflictError("a relation end was deleted while the import was written", field="relations")


def _write_batch(tx: ManagedTransaction, plan: Plan, stage: int | None = None) -> tuple[int, int]:
    """A whole batch in one transaction: (the new version, the id of its first new relation).

    With ``stage`` (the first id the staged import reserved), it is a large import's switch: the
    new parts are written already, and become visible with this transaction."""
    done = tx.run(cypher.APPLIED_BY_TOKEN, token=plan.token).single()
    if done is not None:  # a retry after a lost connection: the first try was committed
        return done["version"], done["first"]
    graph = tx.run(cypher.LOCK_GRAPH).single()
    assert graph is not None
    version, next_id = graph["version"], graph["nextId"]
    if stage is None:
        if plan.endpoints and (missing := [r["id"] for r in tx.run(cypher.MISSING_NODES, ids=plan.endpoints)]):
            raise _missing_error(missing)
        first = max(next_id, plan.above)
    else:
        if tx.run(cypher.SWITCH_STAGE, token=plan.token).single() is None:
            raise ConflictError(
                f"the import was given up: nothing was written to it for {STAGE_STALE_SECONDS:.0f} s", field="store"
            )
        first = stage
    if plan.themes:
        tx.run(cypher.WRITE_THEMES, rows=plan.themes).consume()
    if plan.areas:
        tx.run(cypher.WRITE_AREAS, rows=plan.areas).consume()
    if any(plan.nodes.values()):
        existing = {r["id"] for r in tx.run(cypher.EXISTING_NODES, ids=plan.node_ids())}
        for kind, rows in plan.nodes.items():
            if new := [row for row in rows if row["id"] not in existing]:
                tx.run(cypher.CREATE_NODES[kind], rows=new).consume()
            if old := [row for row in rows if row["id"] in existing]:
                tx.run(cypher.UPDATE_NODES[kind], rows=old).consume()
    if plan.explicit:
        tx.run(cypher.DELETE_RELATIONS, ids=plan.explicit_ids()).consume()
    for kind, rows in plan.relation_rows(first, list(plan.explicit.values()), plan.new).items():
        if rows and tx.run(cypher.CREATE_RELATIONS[kind], rows=rows).single(strict=True)["created"] != len(rows):
            raise _missing_error(plan.endpoints)
    batch = plan.batch
    highest_deleted = max(batch.delete_relations, default=0)
    if batch.delete_nodes:
        row = tx.run(cypher.HIGHEST_OF_NODES, ids=batch.delete_nodes).single()
        highest_deleted = max(highest_deleted, (row["highest"] if row else None) or 0)
    if batch.delete_relations:
        tx.run(cypher.DELETE_RELATIONS, ids=batch.delete_relations).consume()
    if batch.delete_nodes:
        for statement in (cypher.DELETE_NODES, cypher.DELETE_REVIEWS_FROM, cypher.DELETE_REVIEWS_TO):
            tx.run(statement, ids=batch.delete_nodes).consume()
    if batch.reviews:
        tx.run(cypher.WRITE_REVIEWS, rows=[to_review_record(review) for review in batch.reviews]).consume()
    numbered = plan.numbered if stage is None else plan.staged_new
    after = max(next_id, first + numbered)
    if highest_deleted and highest_deleted >= after - 1:
        row = tx.run(cypher.HIGHEST_RELATION_ID).single()
        after = ((row["highest"] if row else None) or 0) + 1
    explicit_ids = plan.explicit_ids() if stage is None else sorted([*plan.explicit_ids(), *plan.staged_ids])
    payload = json.dumps(feed_entry(batch, explicit_ids, numbered))
    tx.run(cypher.FINISH, nextId=after, token=plan.token, first=first, payload=payload).consume()
    return version, first


def without_secrets(uri: str) -> str:
    """The URI without user and password: ``bolt://u:p@host:7687`` -> ``bolt://host:7687``.

    >>> without_secrets("neo4j://ann:s3cret@[::1]:7687?region=nl")
    'neo4j://[::1]:7687?region=nl'
    """
    parts = urlsplit(uri)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
