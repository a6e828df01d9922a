"""Every Cypher statement the Neo4j store sends, in one place to read, review and lint.

Values always travel as parameters (``$name``), never in the text. Labels and relationship
types cannot be parameters in Cypher, so a part that must touch every relation kind is
written out once per kind from the ``RelationKind`` enum: kind names are schema, not data.

The graph: every stakeholder, meeting and area is a ``:Node`` with an ``id`` (relations may
end at any of them), plus ``:Stakeholder`` and one label per kind (``:Resident``...),
``:Meeting`` or ``:Area``; node properties are the import format's record. Relations are
relationships typed by kind, with ``id`` and their fields as properties. ``(:Graph)`` holds
the version and the next relation id; ``(:Change)`` nodes are the change feed; ``(:Theme)``
and ``(:Review)`` nodes hold themes and reviews.

Everything here is Neo4j 5 Cypher that also runs on FalkorDB, the Bolt server the tests
use, except the schema statements: ``NEO4J_SCHEMA`` is sent only to Neo4j (uniqueness
constraints, ``IF NOT EXISTS``), ``FALKORDB_INDEXES`` only to FalkorDB, which has neither.
"""

from __future__ import annotations

from ..domain import NodeKind, RelationKind

_KIND_LABELS = {  # a node kind: (the label only it has, all its labels)
    NodeKind.RESIDENT: (":Resident", ":Stakeholder:Resident"),
    NodeKind.ORGANISATION: (":Organisation", ":Stakeholder:Organisation"),
    NodeKind.WIJKPARTNER: (":Wijkpartner", ":Stakeholder:Wijkpartner"),
    NodeKind.INITIATIVE: (":Initiative", ":Stakeholder:Initiative"),
    NodeKind.MUNICIPALITY_ROLE: (":MunicipalityRole", ":Stakeholder:MunicipalityRole"),
    NodeKind.MEETING: (":Meeting", ":Meeting"),
}
_EVERY_KIND_LABEL = ":Stakeholder:Resident:Organisation:Wijkpartner:Initiative:MunicipalityRole:Meeting"


def _per_relation_kind(template: str, joiner: str = "\n") -> str:
    """``template`` once per relation kind, with ``<KIND>`` replaced by the kind's name."""
    return joiner.join(template.replace("<KIND>", kind.value) for kind in RelationKind)


def _per_node_kind(template: str) -> str:
    """``template`` once per node kind, with ``<KIND>``, ``<LABEL>`` and ``<LABELS>`` filled in."""
    return "\n".join(
        template.replace("<KIND>", kind.value).replace("<LABELS>", labels).replace("<LABEL>", label)
        for kind, (label, labels) in _KIND_LABELS.items()
    )


# -- start-up -----------------------------------------------------------------------------------
# Answers on Neo4j (any version); FalkorDB has no such procedure and fails it.
IS_NEO4J = "CALL dbms.components() YIELD name RETURN name"

NEO4J_SCHEMA = (
    "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT graph_key IF NOT EXISTS FOR (g:Graph) REQUIRE g.key IS UNIQUE",
    "CREATE CONSTRAINT change_version IF NOT EXISTS FOR (c:Change) REQUIRE c.version IS UNIQUE",
    "CREATE CONSTRAINT change_token IF NOT EXISTS FOR (c:Change) REQUIRE c.token IS UNIQUE",
    "CREATE CONSTRAINT theme_key IF NOT EXISTS FOR (t:Theme) REQUIRE t.key IS UNIQUE",
    "CREATE INDEX review_source IF NOT EXISTS FOR (v:Review) ON (v.source)",
    "CREATE INDEX review_target IF NOT EXISTS FOR (v:Review) ON (v.target)",
    *(
        f"CREATE INDEX relation_id_{kind.value.lower()} IF NOT EXISTS FOR ()-[r:{kind.value}]-() ON (r.id)"
        for kind in RelationKind
    ),
)

# FalkorDB: which indexes exist (label or relationship type, properties), and how to create
# each one that is missing (it refuses IF NOT EXISTS and fails on an existing index).
FALKORDB_EXISTING_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"
FALKORDB_INDEXES = {
    ("Node", "id"): "CREATE INDEX FOR (n:Node) ON (n.id)",
    ("Graph", "key"): "CREATE INDEX FOR (g:Graph) ON (g.key)",
    ("Change", "version"): "CREATE INDEX FOR (c:Change) ON (c.version)",
    ("Change", "token"): "CREATE INDEX FOR (c:Change) ON (c.token)",
    ("Theme", "key"): "CREATE INDEX FOR (t:Theme) ON (t.key)",
    ("Review", "source"): "CREATE INDEX FOR (v:Review) ON (v.source)",
    ("Review", "target"): "CREATE INDEX FOR (v:Review) ON (v.target)",
    **{(kind.value, "id"): f"CREATE INDEX FOR ()-[r:{kind.value}]-() ON (r.id)" for kind in RelationKind},
}

INIT_GRAPH = "MERGE (g:Graph {key: 'graph'}) ON CREATE SET g.version = 0, g.nextId = 1"

# -- the one write: a whole batch in one statement ----------------------------------------------
# One statement, so that it is atomic on FalkorDB too (which does not roll back a transaction
# of several statements). In the order of the SQLite store: themes, areas, nodes, relations
# with an id (replacing any with that id), new relations numbered from ``first``, deletions,
# reviews, then the change-feed entry. Parameters are built by ``neo4j.batch_parameters``.
# Nodes are updated where they exist, then created with their labels where they do not: a
# label set on an existing node costs FalkorDB time that grows with the graph (MERGE followed
# by SET n:Label took 15 s for 30,000 nodes, CREATE with the labels 0.7 s).
#
# The first lines refuse the batch (no row comes back, nothing is written) when a change with
# this batch's ``$token`` exists (a retry of a batch that was written) or when a relation ends
# at a node that neither exists nor comes with the batch (``$endpoints`` are those not in it).
# Setting the version first takes Neo4j's write lock on the graph node before reading nextId.
APPLY_BATCH = "\n".join(
    [
        "MERGE (g:Graph {key: 'graph'}) ON CREATE SET g.version = 0, g.nextId = 1",
        "WITH g",
        "OPTIONAL MATCH (done:Change {token: $token})",
        "CALL { UNWIND $endpoints AS id OPTIONAL MATCH (n:Node {id: id}) RETURN count(n) AS found }",
        "WITH g, done, found WHERE done IS NULL AND found = size($endpoints)",
        "SET g.version = g.version + 1",
        "WITH g, CASE WHEN g.nextId > $above THEN g.nextId ELSE $above END AS first",
        "CALL { UNWIND $themes AS row MERGE (t:Theme {key: row.key}) SET t = row }",
        "CALL { UNWIND $areas AS row MATCH (a:Area {id: row.id}) SET a = row }",
        "CALL { UNWIND $areas AS row OPTIONAL MATCH (old:Node {id: row.id}) WITH row, old WHERE old IS NULL"
        " CREATE (a:Node:Area) SET a = row }",
        _per_node_kind(
            "CALL { UNWIND $nodes.<KIND> AS row MATCH (n:Node {id: row.id}) SET n = row"
            f" WITH n WHERE NOT n<LABEL> REMOVE n{_EVERY_KIND_LABEL} SET n<LABELS> }}"
        ),
        _per_node_kind(
            "CALL { UNWIND $nodes.<KIND> AS row OPTIONAL MATCH (old:Node {id: row.id}) WITH row, old WHERE old IS NULL"
            " CREATE (n:Node<LABELS>) SET n = row }"
        ),
        _per_relation_kind("CALL { MATCH ()-[r:<KIND>]->() WHERE r.id IN $replaced DELETE r }"),
        _per_relation_kind(
            "CALL { WITH first UNWIND $relations.<KIND> AS row"
            " MATCH (s:Node {id: row.source}), (t:Node {id: row.target})"
            " CREATE (s)-[r:<KIND>]->(t) SET r = row.props, r.id = coalesce(row.id, first + row.offset) }"
        ),
        "CALL { UNWIND $deleteNodes AS id OPTIONAL MATCH (:Node {id: id})-[r]-() RETURN max(r.id) AS dropped }",
        _per_relation_kind("CALL { MATCH ()-[r:<KIND>]->() WHERE r.id IN $deleteRelations DELETE r }"),
        "CALL { UNWIND $deleteNodes AS id MATCH (n:Node {id: id}) DETACH DELETE n }",
        "CALL { UNWIND $deleteNodes AS id MATCH (v:Review {source: id}) DELETE v }",
        "CALL { UNWIND $deleteNodes AS id MATCH (v:Review {target: id}) DELETE v }",
        "CALL { UNWIND $reviews AS row MERGE (v:Review {source: row.source, target: row.target}) SET v = row }",
        "SET g.nextId = first + $numbered",
        "CREATE (:Change {version: g.version, token: $token, firstId: first, payload: $payload})",
        "RETURN g.version AS version, first, dropped",
    ]
)

# When APPLY_BATCH returns no row: was the batch written already (by an earlier try)?
APPLIED_BY_TOKEN = "MATCH (c:Change {token: $token}) RETURN c.version AS version, c.firstId AS first"
# ... or which relation ends are missing?
MISSING_NODES = "UNWIND $ids AS id OPTIONAL MATCH (n:Node {id: id}) WITH id, n WHERE n IS NULL RETURN id"

# After a batch deleted the relation with the highest id: the next id is the highest left + 1
# (as SQLite numbers). Setting nextId first takes the graph node's lock before reading.
RESET_NEXT_ID = "\n".join(
    [
        "MATCH (g:Graph {key: 'graph'})",
        "SET g.nextId = g.nextId",
        "WITH g",
        "OPTIONAL MATCH ()-[r]->()",
        "WITH g, max(r.id) AS top",
        "SET g.nextId = coalesce(top, 0) + 1",
    ]
)

# -- reads --------------------------------------------------------------------------------------
PING = "RETURN 1 AS ok"

VERSION = "MATCH (g:Graph {key: 'graph'}) RETURN g.version AS version, g.nextId AS nextId"

# The feed's payloads in slices: FalkorDB's Bolt server hangs on a record over 64 KiB.
CHANGES_SINCE = "\n".join(
    [
        "MATCH (c:Change) WHERE c.version > $after",
        "UNWIND range(0, size(c.payload) - 1, $slice) AS at",
        "RETURN c.version AS version, c.firstId AS first, at, substring(c.payload, at, $slice) AS part",
        "ORDER BY version, at",
    ]
)

READ_NODES = "UNWIND $ids AS id MATCH (n:Node {id: id}) WHERE NOT n:Area RETURN properties(n) AS props"

# Every node id, to page through in order: FalkorDB's index answers ``n.id > $after`` wrongly
# for text, so pages are read by id (``READ_NODES``) rather than by range.
NODE_IDS = "MATCH (n:Node) WHERE NOT n:Area RETURN n.id AS id"

_RELATION = (
    "r.id AS id, type(r) AS kind, s.id AS source, t.id AS target, r.since AS since, r.until AS until,"
    " r.strength AS strength, r.role AS role, r.note AS note, r.provenance AS provenance"
)

# By id, one indexed look-up per kind: an untyped pattern would scan every relationship.
READ_RELATIONS = _per_relation_kind(
    f"MATCH (s)-[r:<KIND>]->(t) WHERE r.id IN $ids RETURN {_RELATION}", joiner="\nUNION ALL\n"
)
# Pages are id ranges [low, high): ids are dense, numbered by the store.
RELATION_PAGE = _per_relation_kind(
    f"MATCH (s)-[r:<KIND>]->(t) WHERE r.id >= $low AND r.id < $high RETURN {_RELATION}", joiner="\nUNION ALL\n"
)
# Edges for a rebuild, ``$chunk`` per record as lists in ``Edge`` order: the driver's cost is
# per record (a third of the CPU of a record per edge), and a chunk of 100 stays far below the
# 64 KiB that FalkorDB's Bolt server can send in one record.
EDGE_PAGE = "\n".join(
    [
        "CALL {",
        _per_relation_kind(
            "MATCH (s)-[r:<KIND>]->(t) WHERE r.id >= $low AND r.id < $high"
            " RETURN [r.id, type(r), s.id, t.id, r.since, r.until, r.strength] AS edge",
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

# ``$within``: the code's digits when ``$area`` is a municipality or district (areas.within).
QUERY_STAKEHOLDERS = "\n".join(
    [
        "MATCH (n:Stakeholder)",
        "WHERE (size($kinds) = 0 OR n.kind IN $kinds)",
        "  AND ($area IS NULL OR any(code IN n.areas WHERE code = $area OR ($within IS NOT NULL",
        "       AND size(code) > size($area) AND substring(code, 2) STARTS WITH $within)))",
        "  AND ($theme IS NULL OR $theme IN n.themes)",
        "  AND ($text IS NULL OR n.search CONTAINS $text)",
        "WITH n ORDER BY n.name, n.id LIMIT $limit",
        "RETURN properties(n) AS props",
    ]
)

AREAS = "MATCH (a:Area) RETURN properties(a) AS props"
THEMES = "MATCH (t:Theme) RETURN t.key AS key, t.labelNl AS labelNl, t.labelEn AS labelEn ORDER BY key"
REVIEWS = "MATCH (v:Review) RETURN properties(v) AS props ORDER BY v.source, v.target"

COUNT_NODES = "MATCH (n:Node) WHERE NOT n:Area RETURN n.kind AS key, count(*) AS n"
COUNT_RELATIONS = "MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n"
COUNT_AREAS = "MATCH (n:Stakeholder) UNWIND n.areas AS key RETURN key, count(*) AS n"

# -- trust: API tokens, the audit log, erasure ----------------------------------------------------
# A token is an ``(:ApiToken)`` node holding its record (digest, never the secret); the audit log
# is ``(:AuditEntry)`` nodes numbered by ``(:AuditLog {key: 'audit'}).next`` (set first, so that
# Neo4j takes the counter's write lock before reading it).
SAVE_TOKEN = "MERGE (t:ApiToken {prefix: $row.prefix}) SET t = $row"
TOKENS = "MATCH (t:ApiToken) RETURN properties(t) AS props"
FIND_TOKEN = "MATCH (t:ApiToken {digest: $digest}) RETURN properties(t) AS props"
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
# Erasure: feed entries naming the node become 'reload'; the audit log names it by a label.
FORGET_IN_FEED = "MATCH (c:Change) WHERE c.payload CONTAINS $needle SET c.payload = $reload"
FORGET_IN_AUDIT = (
    "MATCH (e:AuditEntry) WHERE $id IN e.subjects"
    " SET e.subjects = [s IN e.subjects | CASE WHEN s = $id THEN $label ELSE s END]"
)
