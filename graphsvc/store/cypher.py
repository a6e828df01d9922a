"""Every Cypher statement the Neo4j store sends, in one place to read, review and lint.

Values always travel as parameters (``$name``), never in the text. Labels and relationship
types cannot be parameters in Cypher, so a statement that must touch one relation or node kind
is written out once per kind from the ``RelationKind``/``NodeKind`` enums (a dict by kind): kind
names are schema, not data.

The graph: every stakeholder, meeting and area is a ``:Node`` with an ``id`` (relations may
end at any of them), plus ``:Stakeholder`` and one label per kind (``:Resident``...),
``:Meeting`` or ``:Area``; node properties are the import format's record. Relations are
relationships typed by kind, with ``id`` and their fields as properties. ``(:Graph)`` holds
the version, the next relation id and ``live``, the large imports switched in but not yet
finalized; ``(:Change)`` nodes are the change feed; ``(:Theme)`` and ``(:Review)`` nodes hold
themes and reviews; a ``(:Stage)`` node is a large import being written.

A write is one transaction of several statements (``neo4j.Neo4jStore.apply``), which Neo4j
rolls back whole on any failure. A large import is written in pages, each its own transaction,
onto nodes and relationships that carry ``stage`` (the import's token): every read leaves them
out (``_VISIBLE``) until one small transaction adds the token to ``Graph.live``; the tags are
then removed in the background of that switch (``FINALIZE_*``), and an import that never
switched is deleted (``ABANDON_*``).
"""

from __future__ import annotations

from ..domain import NodeKind, RelationKind

_KIND_LABELS = {  # a node kind: all its labels
    NodeKind.RESIDENT: ":Stakeholder:Resident",
    NodeKind.ORGANISATION: ":Stakeholder:Organisation",
    NodeKind.WIJKPARTNER: ":Stakeholder:Wijkpartner",
    NodeKind.INITIATIVE: ":Stakeholder:Initiative",
    NodeKind.MUNICIPALITY_ROLE: ":Stakeholder:MunicipalityRole",
    NodeKind.MEETING: ":Meeting",
}
_EVERY_KIND_LABEL = ":Stakeholder:Resident:Organisation:Wijkpartner:Initiative:MunicipalityRole:Meeting"


def _per_relation_kind(template: str, joiner: str = "\n") -> str:
    """``template`` once per relation kind, with ``<KIND>`` replaced by the kind's name."""
    return joiner.join(template.replace("<KIND>", kind.value) for kind in RelationKind)


def _by_relation_kind(template: str) -> dict[str, str]:
    """``template`` for each relation kind (by its name), with ``<KIND>`` replaced by it."""
    return {kind.value: template.replace("<KIND>", kind.value) for kind in RelationKind}


def _by_node_kind(template: str) -> dict[str, str]:
    """``template`` for each node kind (by its name), with ``<LABELS>`` replaced by its labels."""
    return {kind.value: template.replace("<LABELS>", labels) for kind, labels in _KIND_LABELS.items()}


# Reads start with ``_LIVE`` and keep what is ``_VISIBLE``: not staged, or staged by an import
# that has switched in. One index look-up per statement.
_LIVE = "OPTIONAL MATCH (g:Graph {key: 'graph'}) WITH coalesce(g.live, []) AS live"


def _visible(name: str) -> str:
    return f"({name}.stage IS NULL OR {name}.stage IN live)"


# -- start-up -----------------------------------------------------------------------------------
SCHEMA = (
    "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT graph_key IF NOT EXISTS FOR (g:Graph) REQUIRE g.key IS UNIQUE",
    "CREATE CONSTRAINT change_version IF NOT EXISTS FOR (c:Change) REQUIRE c.version IS UNIQUE",
    "CREATE CONSTRAINT change_token IF NOT EXISTS FOR (c:Change) REQUIRE c.token IS UNIQUE",
    "CREATE CONSTRAINT theme_key IF NOT EXISTS FOR (t:Theme) REQUIRE t.key IS UNIQUE",
    "CREATE CONSTRAINT stage_token IF NOT EXISTS FOR (s:Stage) REQUIRE s.token IS UNIQUE",
    "CREATE CONSTRAINT registration_id IF NOT EXISTS FOR (r:Registration) REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT registration_code IF NOT EXISTS FOR (r:Registration) REQUIRE r.code IS UNIQUE",
    "CREATE INDEX node_stage IF NOT EXISTS FOR (n:Node) ON (n.stage)",
    "CREATE INDEX review_source IF NOT EXISTS FOR (v:Review) ON (v.source)",
    "CREATE INDEX review_target IF NOT EXISTS FOR (v:Review) ON (v.target)",
    *(
        f"CREATE INDEX relation_id_{kind.value.lower()} IF NOT EXISTS FOR ()-[r:{kind.value}]-() ON (r.id)"
        for kind in RelationKind
    ),
    *(
        f"CREATE INDEX relation_stage_{kind.value.lower()} IF NOT EXISTS FOR ()-[r:{kind.value}]-() ON (r.stage)"
        for kind in RelationKind
    ),
)
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"

INIT_GRAPH = "MERGE (g:Graph {key: 'graph'}) ON CREATE SET g.version = 0, g.nextId = 1"

# -- a batch: one transaction, these statements in this order -----------------------------------
# A retry of a batch whose commit was lost finds its change by the batch's token.
APPLIED_BY_TOKEN = "MATCH (c:Change {token: $token}) RETURN c.version AS version, c.firstId AS first"
# Setting the version takes the graph node's write lock first: batches are serialised from here
# on, so the next id read here stays the next id until this transaction ends.
LOCK_GRAPH = "\n".join(
    [
        "MERGE (g:Graph {key: 'graph'}) ON CREATE SET g.version = 0, g.nextId = 1",
        "SET g.version = g.version + 1",
        "RETURN g.version AS version, g.nextId AS nextId",
    ]
)
# Relation ends that are not in the store (as a reader sees it).
MISSING_NODES = "\n".join(
    [
        _LIVE,
        f"UNWIND $ids AS id OPTIONAL MATCH (n:Node {{id: id}}) WITH id, n, live WHERE n IS NULL OR NOT {_visible('n')}",
        "RETURN id",
    ]
)
# Which of these node ids exist (staged or not): those are updated, the others created.
EXISTING_NODES = "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id"
WRITE_THEMES = "UNWIND $rows AS row MERGE (t:Theme {key: row.key}) SET t = row"
WRITE_AREAS = (
    "UNWIND $rows AS row MERGE (a:Node {id: row.id}) ON CREATE SET a:Area WITH a, row WHERE a:Area SET a = row"
)
# Nodes of one kind: new ones created with their labels, existing ones given the new record
# (and the kind's labels, should the kind have changed).
CREATE_NODES = _by_node_kind("UNWIND $rows AS row CREATE (n:Node<LABELS>) SET n = row")
UPDATE_NODES = _by_node_kind(
    f"UNWIND $rows AS row MATCH (n:Node {{id: row.id}}) SET n = row REMOVE n{_EVERY_KIND_LABEL} SET n<LABELS>"
)
# Relations by id, one indexed look-up per kind (an untyped pattern would scan every relationship).
DELETE_RELATIONS = _per_relation_kind("CALL () { MATCH ()-[r:<KIND>]->() WHERE r.id IN $ids DELETE r }")
# Relations of one kind, ids given (``row.props.id``). ``created`` tells whether every end was found.
CREATE_RELATIONS = _by_relation_kind(
    "UNWIND $rows AS row MATCH (s:Node {id: row.source}) MATCH (t:Node {id: row.target})"
    " CREATE (s)-[r:<KIND>]->(t) SET r = row.props RETURN count(r) AS created"
)
# The highest relation id that goes with the nodes about to be deleted.
HIGHEST_OF_NODES = "UNWIND $ids AS id MATCH (:Node {id: id})-[r]-() RETURN max(r.id) AS highest"
DELETE_NODES = "UNWIND $ids AS id MATCH (n:Node {id: id}) DETACH DELETE n"
DELETE_REVIEWS_FROM = "UNWIND $ids AS id MATCH (v:Review {source: id}) DELETE v"
DELETE_REVIEWS_TO = "UNWIND $ids AS id MATCH (v:Review {target: id}) DELETE v"
WRITE_REVIEWS = "UNWIND $rows AS row MERGE (v:Review {source: row.source, target: row.target}) SET v = row"
# The highest relation id left, and the top of the ids reserved by large imports being written
# (after a batch deleted what had the highest id: the next id is the highest left + 1, as in SQLite).
HIGHEST_RELATION_ID = "\n".join(
    [
        "CALL () {",
        _per_relation_kind(
            "MATCH ()-[r:<KIND>]->() WHERE r.id IS NOT NULL RETURN r.id AS id ORDER BY r.id DESC LIMIT 1",
            joiner="\nUNION ALL\n",
        ),
        "UNION ALL",
        "MATCH (s:Stage) RETURN s.upTo - 1 AS id",
        "}",
        "RETURN max(id) AS highest",
    ]
)
FINISH = "\n".join(
    [
        "MATCH (g:Graph {key: 'graph'})",
        "SET g.nextId = $nextId",
        "CREATE (:Change {version: g.version, token: $token, firstId: $first, payload: $payload})",
    ]
)

# -- a large import: pages, then the switch -----------------------------------------------------
# Reserve the ids of the import's new relations and record the import as being written.
BEGIN_STAGE = "\n".join(
    [
        "MATCH (g:Graph {key: 'graph'})",
        "SET g.nextId = g.nextId",
        "WITH g, CASE WHEN g.nextId > $above THEN g.nextId ELSE $above END AS first",
        "SET g.nextId = first + $numbered",
        "CREATE (:Stage {token: $token, upTo: first + $numbered, touched: timestamp()})",
        "RETURN first",
    ]
)
# Each page first says the import is alive (no row: it was given up as abandoned, so fail).
TOUCH_STAGE = "MATCH (s:Stage {token: $token}) SET s.touched = timestamp() RETURN s.token AS token"
STAGE_AREAS = "UNWIND $rows AS row CREATE (a:Node:Area) SET a = row, a.stage = $token"
STAGE_NODES = _by_node_kind("UNWIND $rows AS row CREATE (n:Node<LABELS>) SET n = row, n.stage = $token")
STAGE_RELATIONS = _by_relation_kind(
    "UNWIND $rows AS row MATCH (s:Node {id: row.source}) MATCH (t:Node {id: row.target})"
    " CREATE (s)-[r:<KIND>]->(t) SET r = row.props, r.stage = $token RETURN count(r) AS created"
)
# In the batch's transaction: the staged import becomes visible (no row: it was given up).
SWITCH_STAGE = "\n".join(
    [
        "MATCH (s:Stage {token: $token})",
        "MATCH (g:Graph {key: 'graph'})",
        "SET g.live = coalesce(g.live, []) + $token",
        "DELETE s",
        "RETURN $token AS token",
    ]
)
# After the switch, in transactions of their own (auto-commit; may repeat): drop the tags.
FINALIZE_NODES = "MATCH (n:Node) WHERE n.stage = $token CALL (n) { REMOVE n.stage } IN TRANSACTIONS OF $page ROWS"
FINALIZE_RELATIONS = _by_relation_kind(
    "MATCH ()-[r:<KIND>]->() WHERE r.stage = $token CALL (r) { REMOVE r.stage } IN TRANSACTIONS OF $page ROWS"
)
FINALIZED = "MATCH (g:Graph {key: 'graph'}) SET g.live = [t IN coalesce(g.live, []) WHERE t <> $token]"
# Imports switched in whose tags are still there (their process ended before it finished).
UNFINALIZED = "MATCH (g:Graph {key: 'graph'}) UNWIND coalesce(g.live, []) AS token RETURN token"
# Imports that stopped before their switch: not touched for $seconds. ``ABANDON_STAGE`` takes
# the stage's lock before checking again (a page may have touched it meanwhile).
STALE_STAGES = "MATCH (s:Stage) WHERE s.touched < timestamp() - $seconds * 1000 RETURN s.token AS token"
ABANDON_STAGE = "\n".join(
    [
        "MATCH (s:Stage {token: $token})",
        "SET s.touched = s.touched",
        "WITH s WHERE s.touched < timestamp() - $seconds * 1000",
        "DELETE s",
        "RETURN $token AS token",
    ]
)
ABANDON_RELATIONS = _by_relation_kind(
    "MATCH ()-[r:<KIND>]->() WHERE r.stage = $token CALL (r) { DELETE r } IN TRANSACTIONS OF $page ROWS"
)
ABANDON_NODES = "MATCH (n:Node) WHERE n.stage = $token CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $page ROWS"

# -- reads --------------------------------------------------------------------------------------
PING = "RETURN 1 AS ok"

VERSION = "MATCH (g:Graph {key: 'graph'}) RETURN g.version AS version, g.nextId AS nextId"

CHANGES_SINCE = "\n".join(
    [
        "MATCH (c:Change) WHERE c.version > $after",
        "RETURN c.version AS version, c.firstId AS first, c.payload AS payload",
        "ORDER BY version",
    ]
)

READ_NODES = "\n".join(
    [
        _LIVE,
        "UNWIND $ids AS id MATCH (n:Node {id: id})",
        f"WHERE NOT n:Area AND {_visible('n')}",
        "RETURN properties(n) AS props",
    ]
)

# A page of nodes after ``$after`` in id order: a range scan of the unique index on ``Node.id``.
NODE_PAGE = "\n".join(
    [
        _LIVE,
        "MATCH (n:Node) WHERE n.id > $after",
        f"WITH n, live ORDER BY n.id WHERE NOT n:Area AND {_visible('n')}",
        "WITH n LIMIT $page",
        "RETURN properties(n) AS props",
    ]
)

_RELATION = (
    "r.id AS id, type(r) AS kind, s.id AS source, t.id AS target, r.since AS since, r.until AS until,"
    " r.strength AS strength, r.role AS role, r.note AS note, r.provenance AS provenance, r.confirmed AS confirmed,"
    " r.purpose AS purpose"
)
_RELATION_COLUMNS = "id, kind, source, target, since, until, strength, role, note, provenance, confirmed, purpose"

READ_RELATIONS = "\n".join(
    [
        _LIVE,
        "CALL (live) {",
        _per_relation_kind(
            f"MATCH (s)-[r:<KIND>]->(t) WHERE r.id IN $ids AND {_visible('r')} RETURN {_RELATION}",
            joiner="\nUNION ALL\n",
        ),
        "}",
        f"RETURN {_RELATION_COLUMNS}",
    ]
)
# Pages are id ranges [low, high): ids are dense, numbered by the store.
RELATION_PAGE = "\n".join(
    [
        _LIVE,
        "CALL (live) {",
        _per_relation_kind(
            f"MATCH (s)-[r:<KIND>]->(t) WHERE r.id >= $low AND r.id < $high AND {_visible('r')} RETURN {_RELATION}",
            joiner="\nUNION ALL\n",
        ),
        "}",
        f"RETURN {_RELATION_COLUMNS}",
    ]
)
# Edges for a rebuild, ``$chunk`` per record as lists in ``Edge`` order: the driver's cost is
# per record (a third of the CPU of a record per edge).
EDGE_PAGE = "\n".join(
    [
        _LIVE,
        "CALL (live) {",
        _per_relation_kind(
            f"MATCH (s)-[r:<KIND>]->(t) WHERE r.id >= $low AND r.id < $high AND {_visible('r')}"
            " RETURN [r.id, type(r), s.id, t.id, r.since, r.until, r.strength, r.confirmed] AS edge",
            joiner="\nUNION ALL\n",
        ),
        "}",
        "WITH edge ORDER BY edge[0]",
        "WITH collect(edge) AS edges",
        "UNWIND range(0, size(edges) - 1, $chunk) AS at",
        "RETURN edges[at..at + $chunk] AS edges",
    ]
)
# The lowest id at or above $low, per kind (to skip a gap in the ids).
NEXT_RELATION_ID = _per_relation_kind(
    "MATCH ()-[r:<KIND>]->() WHERE r.id >= $low RETURN min(r.id) AS id", joiner="\nUNION ALL\n"
)

AREAS = f"{_LIVE}\nMATCH (a:Area) WHERE {_visible('a')} RETURN properties(a) AS props"
THEMES = "MATCH (t:Theme) RETURN t.key AS key, t.labelNl AS labelNl, t.labelEn AS labelEn ORDER BY key"
REVIEWS = "MATCH (v:Review) RETURN properties(v) AS props ORDER BY v.source, v.target"

COUNT_NODES = f"{_LIVE}\nMATCH (n:Node) WHERE NOT n:Area AND {_visible('n')} RETURN n.kind AS key, count(*) AS n"
COUNT_RELATIONS = f"{_LIVE}\nMATCH ()-[r]->() WHERE {_visible('r')} RETURN type(r) AS key, count(*) AS n"
COUNT_AREAS = f"{_LIVE}\nMATCH (n:Stakeholder) WHERE {_visible('n')} UNWIND n.areas AS key RETURN key, count(*) AS n"

# -- trust: API tokens, the audit log, erasure ----------------------------------------------------
# A token is an ``(:ApiToken)`` node holding its record (digest, never the secret); the audit log
# is ``(:AuditEntry)`` nodes numbered by ``(:AuditLog {key: 'audit'}).next`` (set first, so that
# Neo4j takes the counter's write lock before reading it).
SAVE_TOKEN = "MERGE (t:ApiToken {prefix: $row.prefix}) SET t = $row"
TOKENS = "MATCH (t:ApiToken) RETURN properties(t) AS props"
FIND_TOKENS = "MATCH (t:ApiToken) WHERE t.digest IN $digests RETURN properties(t) AS props"
REVOKE_TOKEN = (
    "MATCH (t:ApiToken {prefix: $prefix}) SET t.revokedAt = coalesce(t.revokedAt, $at) RETURN properties(t) AS props"
)
TOUCH_TOKENS = "UNWIND $used AS row MATCH (t:ApiToken {digest: row.digest}) SET t.lastUsedAt = row.at"
APPEND_AUDIT = "\n".join(
    [
        "MERGE (log:AuditLog {key: 'audit'}) ON CREATE SET log.next = 1",
        "SET log.next = log.next + size($entries)",
        "WITH log.next - size($entries) AS first",
        "UNWIND range(0, size($entries) - 1) AS i",
        "CREATE (e:AuditEntry) SET e = $entries[i], e.seq = first + i",
    ]
)
AUDIT_LOG = "MATCH (e:AuditEntry) WHERE e.seq > $after RETURN properties(e) AS props ORDER BY e.seq LIMIT $first"
# A record's history: the acts (not reads: ``$read`` begins their action) naming any of ``$ids``.
HISTORY = (
    "MATCH (e:AuditEntry) WHERE NOT e.action STARTS WITH $read AND any(s IN e.subjects WHERE s IN $ids)"
    " RETURN properties(e) AS props ORDER BY e.seq DESC LIMIT $first"
)
# Erasure: feed entries naming the node become 'reload'; the audit log names it by a label.
FORGET_IN_FEED = "MATCH (c:Change) WHERE c.payload CONTAINS $needle SET c.payload = $reload"
FORGET_IN_AUDIT = (
    "MATCH (e:AuditEntry) WHERE $id IN e.subjects"
    " SET e.subjects = [s IN e.subjects | CASE WHEN s = $id THEN $label ELSE s END]"
)

# -- self-registration: ``(:Registration)`` nodes, never ``:Node``, so no read of the graph meets one ----
# The record is kept as JSON text in ``record``; ``state`` and ``createdAt`` beside it for the queue.
ADD_REGISTRATION = "CREATE (r:Registration) SET r = $row"
PENDING_REGISTRATIONS = "MATCH (r:Registration {state: 'PENDING'}) RETURN r.record AS record ORDER BY r.createdAt, r.id"
REGISTRATION = "MATCH (r:Registration {id: $id}) RETURN r.record AS record"
REGISTRATION_BY_CODE = "MATCH (r:Registration {code: $code}) RETURN r.record AS record"
APPROVE_REGISTRATION = (
    "MATCH (r:Registration {id: $id, state: 'PENDING'})"
    " SET r.state = 'APPROVED', r.record = $record, r.stakeholder = $stakeholder RETURN r.id AS id"
)
DELETE_REGISTRATIONS = "UNWIND $ids AS id MATCH (r:Registration {id: id}) DELETE r RETURN count(*) AS gone"
# Erasure of a stakeholder that came from a self-registration: its withdrawal record goes too.
FORGET_REGISTRATION = "MATCH (r:Registration {stakeholder: $id}) DELETE r"
