"""The server store: the graph in Neo4j (or any server speaking Bolt and Cypher), over the official driver.

One driver per store object and process; every call runs in a managed transaction
(``execute_read``/``execute_write``, which retry transient failures) on a session that shares
one bookmark manager, so a process reads its own writes even on a cluster. Another process
sees a write once its projection syncs (``Engine.sync``, every ``sync_seconds``).

A batch is ONE statement (``cypher.APPLY_BATCH``): FalkorDB, the Bolt server the tests run
on, does not roll back a transaction of several statements, while one failing statement
writes nothing on both servers. The statement carries a token, so a retry of a batch whose
commit was lost is not written twice. The store checks what it can before sending, so
that bad input gives a ``ValidationError`` rather than a server error.

Statements are in ``cypher``; the one difference between the servers, the schema, sits
behind ``self.is_neo4j`` (uniqueness constraints on Neo4j, plain indexes on FalkorDB).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
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

from ..domain import Area, Batch, Node, NodeKind, Relation, RelationKind, Review, StoreUnavailableError, Theme
from ..domain.areas import tree_order
from ..domain.errors import Problem, ValidationError
from ..domain.records import (
    area_from_record,
    fold,
    node_from_record,
    relation_from_row,
    review_from_record,
    search_text,
    to_area_record,
    to_node_record,
    to_review_record,
)
from ..domain.trust import ApiToken, AuditEntry
from . import cypher
from .protocol import Applied, Changes, Edge, StakeholderQuery, feed_entry, fold_change

T = TypeVar("T")
CONNECT_SECONDS = 5.0  # to open a connection (and get a free one from the pool)
RETRY_SECONDS = 10.0  # how long a managed transaction retries a lost connection
EDGE_CHUNK = 100  # edges per record of a rebuild (see cypher.EDGE_PAGE)
FEED_SLICE = 15_000  # characters of a feed payload per record (<= 60 KiB in UTF-8)
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
    ):
        self.url = without_secrets(uri)
        self._database = database or None
        self._driver = open_driver(uri, user, password, connect_seconds, retry_seconds)
        self._bookmarks = GraphDatabase.bookmark_manager()
        try:
            with self._reaching():
                self._driver.verify_connectivity()
                self.is_neo4j = self._answers_as_neo4j()
                self._create_schema()
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
        sent = self._sendable(params)
        return self._read(lambda tx: list(tx.run(statement, sent)))

    def _sendable(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters as the server needs them: as they are for Neo4j; for FalkorDB with
        every string escaped, because its Bolt layer pastes parameter values between single
        quotes unescaped (an apostrophe in a value fails the statement: measured with 4.18.3)."""
        return params if self.is_neo4j else _escaped(params)

    def _answers_as_neo4j(self) -> bool:
        """Whether the server is Neo4j (FalkorDB calls itself Neo4j too, but lacks dbms.components)."""
        try:
            with self._session() as session:
                return session.run(cypher.IS_NEO4J).single() is not None
        except Neo4jError:
            return False

    def _create_schema(self) -> None:
        if self.is_neo4j:
            for statement in cypher.NEO4J_SCHEMA:
                self._execute(statement)
        else:
            existing = {(r["label"], p) for r in self._rows(cypher.FALKORDB_EXISTING_INDEXES) for p in r["properties"]}
            for key, statement in cypher.FALKORDB_INDEXES.items():
                if key not in existing:
                    self._execute(statement)
        self._execute(cypher.INIT_GRAPH)

    def _execute(self, statement: str) -> None:
        """Run a write statement that returns nothing."""
        self._write(lambda tx: tx.run(statement).consume())

    # -- writes ----------------------------------------------------------------------------
    def apply(self, batch: Batch) -> Applied:
        if problems := list(batch_problems(batch)):
            raise ValidationError(f"{len(problems)} problem(s) in the batch", problems=problems)
        params = self._sendable(batch_parameters(batch))
        version, first, dropped = self._write(lambda tx: _apply_once(tx, params))
        highest_deleted = max([dropped or 0, *batch.delete_relations])
        if highest_deleted and highest_deleted >= first + params["numbered"] - 1:
            self._execute(cypher.RESET_NEXT_ID)
        return Applied(version, first)

    # -- reads -----------------------------------------------------------------------------
    def version(self) -> int:
        rows = self._rows(cypher.VERSION)
        return rows[0]["version"] if rows else 0

    def next_relation_id(self) -> int:
        rows = self._rows(cypher.VERSION)
        return rows[0]["nextId"] if rows else 1

    def changes_since(self, version: int) -> Changes:
        parts: dict[int, tuple[int, list[str]]] = {}
        for row in self._rows(cypher.CHANGES_SINCE, after=version, slice=FEED_SLICE):
            parts.setdefault(row["version"], (row["first"], []))[1].append(row["part"])
        versions = sorted(parts)
        changes = Changes(version=versions[-1] if versions else version)
        if versions and versions[0] != version + 1:
            changes.reload = True
        for v in versions:
            first, texts = parts[v]
            fold_change(changes, json.loads("".join(texts)), first)
        return changes

    def read_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        nodes = (node_from_record(row["props"]) for row in self._rows(cypher.READ_NODES, ids=list(ids)))
        return {node.id: node for node in nodes}

    def read_relations(self, ids: Sequence[int]) -> dict[int, Relation]:
        rows = self._rows(cypher.READ_RELATIONS, ids=list(ids))
        return {row["id"]: relation_from_row(tuple(row.values())) for row in rows}

    def query(self, query: StakeholderQuery) -> list[Node]:
        area = query.area
        rows = self._rows(
            cypher.QUERY_STAKEHOLDERS,
            kinds=sorted(kind.value for kind in query.kinds or ()),
            area=area,
            within=area[2:] if area and area[:2] in ("GM", "WK") else None,
            theme=query.theme,
            text=fold(query.text) if query.text else None,
            limit=query.limit,
        )
        return [node_from_record(row["props"]) for row in rows]

    def areas(self) -> list[Area]:
        return sorted((area_from_record(row["props"]) for row in self._rows(cypher.AREAS)), key=tree_order)

    def themes(self) -> list[Theme]:
        return [Theme(*row.values()) for row in self._rows(cypher.THEMES)]

    def reviews(self) -> list[Review]:
        return [review_from_record(row["props"]) for row in self._rows(cypher.REVIEWS)]

    def iter_nodes(self, page: int = 10_000) -> Iterator[list[Node]]:
        """Nodes in id order (as SQLite sorts text: by code point), ``page`` at a time."""
        ids = sorted(row["id"] for row in self._rows(cypher.NODE_IDS))
        for start in range(0, len(ids), page):
            wanted = ids[start : start + page]
            found = self.read_nodes(wanted)
            yield [found[node_id] for node_id in wanted if node_id in found]

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
            else:
                starts = [row["id"] for row in self._rows(cypher.NEXT_RELATION_ID, low=low) if row["id"] is not None]
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
        """One round trip, not retried: whether the server answers now."""
        try:
            with self._session() as session:
                session.run(cypher.PING).consume()
        except (DriverError, Neo4jError, OSError):
            return False
        return True

    def close(self) -> None:
        self._driver.close()

    # -- trust: API tokens, the audit log, erasure (statements in ``cypher``, at its end) ----
    def _run_write(self, statement: str, **params: Any) -> list[dict]:
        sent = self._sendable(params)
        return self._write(lambda tx: [dict(row) for row in tx.run(statement, sent)])

    def save_token(self, token: ApiToken) -> None:
        row = {key: value for key, value in token.record().items() if value is not None}
        self._run_write(cypher.SAVE_TOKEN, row=row)

    def tokens(self) -> list[ApiToken]:
        found = [ApiToken.from_record(row["props"]) for row in self._rows(cypher.TOKENS)]
        return sorted(found, key=lambda t: (t.created_at, t.prefix), reverse=True)

    def find_token(self, digest: str) -> ApiToken | None:
        rows = self._rows(cypher.FIND_TOKEN, digest=digest)
        return ApiToken.from_record(rows[0]["props"]) if rows else None

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

    def forget(self, node_id: str, label: str) -> None:
        self._run_write(cypher.FORGET_IN_FEED, needle=json.dumps(node_id), reload=json.dumps({"reload": True}))
        self._run_write(cypher.FORGET_IN_AUDIT, id=node_id, label=label)


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
        )
    except (ConfigurationError, ValueError) as error:
        raise ValidationError(f"'{without_secrets(uri)}' is not a Neo4j URI: {error}", field="store") from error


# -- the batch as parameters ------------------------------------------------------------------
def by_id(rel: Relation) -> int:
    return rel.id or 0


def batch_parameters(batch: Batch) -> dict[str, Any]:
    """The parameters of ``cypher.APPLY_BATCH`` for a batch (checked by ``batch_problems``)."""
    explicit = {rel.id: rel for rel in batch.relations if rel.id is not None}  # the last of an id wins
    new = [rel for rel in batch.relations if rel.id is None]
    relations: dict[str, list[dict]] = {kind.value: [] for kind in RelationKind}
    for rel in explicit.values():
        relations[rel.kind.value].append(_relation_row(rel, None))
    for offset, rel in enumerate(new):
        relations[rel.kind.value].append(_relation_row(rel, offset))
    nodes: dict[str, list[dict]] = {kind.value: [] for kind in NODE_KINDS}
    for node in batch.nodes:
        nodes[node.kind.value].append({**to_node_record(node), "search": search_text(node)})
    arriving = {node.id for node in batch.nodes} | {area.code for area in batch.areas}
    return {
        "token": uuid.uuid4().hex,
        "endpoints": sorted({end for rel in batch.relations for end in (rel.source, rel.target)} - arriving),
        "above": max(explicit, default=0) + 1,
        "numbered": len(new),
        "themes": [{"key": t.key, "labelNl": t.label_nl, "labelEn": t.label_en} for t in batch.themes],
        "areas": [{**to_area_record(area), "id": area.code} for area in batch.areas],
        "nodes": nodes,
        "replaced": sorted(explicit),
        "relations": relations,
        "deleteNodes": list(batch.delete_nodes),
        "deleteRelations": list(batch.delete_relations),
        "reviews": [to_review_record(review) for review in batch.reviews],
        "payload": json.dumps(feed_entry(batch, sorted(explicit), len(new))),
    }


def _relation_row(rel: Relation, offset: int | None) -> dict[str, Any]:
    fields = {"since": rel.since, "until": rel.until, "role": rel.role, "note": rel.note, "provenance": rel.provenance}
    props: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
    if rel.strength is not None:
        props["strength"] = float(rel.strength)  # as SQLite's REAL column gives it back
    return {"id": rel.id, "offset": offset, "source": rel.source, "target": rel.target, "props": props}


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


def _escaped(value: Any) -> Any:
    """``value`` with every string in it backslash-escaped for a single-quoted literal."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(item) for item in value]
    return value


def _apply_once(tx: ManagedTransaction, params: dict[str, Any]) -> tuple[int, int, int | None]:
    """Run the batch statement; without a row back, say why (written before, or missing nodes)."""
    row = tx.run(cypher.APPLY_BATCH, params).single()
    if row is not None:
        return row["version"], row["first"], row["dropped"]
    done = tx.run(cypher.APPLIED_BY_TOKEN, token=params["token"]).single()
    if done is not None:  # a retry after a lost connection: the first try was committed
        return done["version"], done["first"], None
    missing = [r["id"] for r in tx.run(cypher.MISSING_NODES, ids=params["endpoints"])]
    raise ValidationError(
        f"{len(missing)} relation end(s) not in the store",
        problems=[
            Problem("UNKNOWN_NODE", "relations", f"no stakeholder, meeting or area with id '{node_id}'")
            for node_id in missing
        ],
    )


# -- the change feed ------------------------------------------------------------------------------
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
