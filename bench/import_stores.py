"""Import and rebuild on both stores in one run: SQLite, and a real Neo4j 5.26 LTS, each beside its floor.

What it measures, on the city of ``graphsvc.generate.generate_city`` (100k stakeholders and
~1M relations by default; ``--stakeholders``/``--relations`` shrink it), for each store:

1. the import rate (relations/s): ``Engine(store).import_document(city)``, what ``graphsvc
   import`` does after reading the file: validate, write, project; the store's write
   (``store.apply``) is timed apart. On Neo4j the import is a large one: written in pages of
   ``--page`` items, each a transaction, then switched in and its tags removed (all timed).
2. the projection rebuild time: ``build_projection(store)`` on a freshly opened store, what a
   restart does (everything streamed from the store page by page).

Floors, measured in the same run on the same machine:

* Neo4j: the bare driver, into an emptied database with the same schema: the same node and
  relation rows the store sends, as ``UNWIND $rows AS row CREATE ...`` (relations: ``MATCH`` both
  ends by id, then ``CREATE``), in pages of the same size, each page one ``execute_write``.
* SQLite: ``bench/import_rebuild.py``'s bare apsw ``executemany`` of the relation rows into a
  fresh file with the same schema and both indexes, in one transaction.

Neo4j is started by ``tests/neo4j_server.py`` (the tests' launcher; ``--heap``, page cache 1 GB)
in a temporary folder, or named with ``--uri``/``--user``/``--password`` (its database is emptied).
Run from the repository root::

    .venv/bin/python bench/import_stores.py --stakeholders 20000 --relations 200000

It prints a table, then the figures as one line of JSON (the last line of stdout).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.neo4j_server and bench.*

from bench.import_rebuild import bare_write
from graphsvc.domain import Batch
from graphsvc.domain.document import batch_from_document
from graphsvc.engine import Engine, build_projection
from graphsvc.generate import generate_city
from graphsvc.store import Applied, Store, cypher, open_store
from graphsvc.store.neo4j import Neo4jStore, Plan
from tests.neo4j_server import Database, Neo4jServer


def measure(open_it: Callable[[], Store], city: dict) -> dict[str, float]:
    """Import ``city`` into the empty store ``open_it`` gives, then rebuild from a new store object."""
    store = open_it()
    writes: list[float] = []
    store.apply = _timed(store.apply, writes)  # type: ignore[method-assign]
    started = time.perf_counter()
    Engine(store).import_document(city)
    imported = time.perf_counter() - started
    store.close()
    gc.collect()
    store = open_it()
    started = time.perf_counter()
    projection = build_projection(store)
    rebuilt = time.perf_counter() - started
    store.close()
    relations = len(city["relations"])
    assert projection.relation_count == relations, (projection.relation_count, relations)
    return {
        "import_s": round(imported, 2),
        "import_relations_per_s": round(relations / imported),
        "write_s": round(sum(writes), 2),
        "write_relations_per_s": round(relations / sum(writes)),
        "rebuild_s": round(rebuilt, 2),
    }


def _timed(apply: Callable[[Batch], Applied], seconds: list[float]) -> Callable[[Batch], Applied]:
    def timed_apply(batch: Batch) -> Applied:
        started = time.perf_counter()
        try:
            return apply(batch)
        finally:
            seconds.append(time.perf_counter() - started)

    return timed_apply


def neo4j_floor(database: Database, city: dict, page: int) -> dict[str, float]:
    """The bare driver writing the rows the store would send for the city, page by page."""
    database.wipe()
    Neo4jStore(database.uri, user=database.user, password=database.password).close()  # the same schema
    plan = Plan.of(batch_from_document(city))
    nodes = [
        (f"UNWIND $rows AS row CREATE (n:Node{labels}) SET n = row", plan.nodes[kind])
        for kind, labels in _labels().items()
    ]
    areas = [("UNWIND $rows AS row CREATE (a:Node:Area) SET a = row", plan.areas)]
    relations = [
        (
            f"UNWIND $rows AS row MATCH (s:Node {{id: row.source}}) MATCH (t:Node {{id: row.target}})"
            f" CREATE (s)-[r:{kind}]->(t) SET r = row.props",
            rows,
        )
        for kind, rows in plan.relation_rows(1, list(plan.explicit.values()), plan.new).items()
    ]
    with database.driver() as driver:
        started = time.perf_counter()
        for statement, rows in [*areas, *nodes, *relations]:
            for start in range(0, len(rows), page):
                chunk = rows[start : start + page]
                driver.execute_query(statement, rows=chunk)
        seconds = time.perf_counter() - started
    database.wipe()
    n = len(city["relations"])
    return {"write_s": round(seconds, 2), "write_relations_per_s": round(n / seconds)}


def _labels() -> dict[str, str]:
    return {kind.value: labels for kind, labels in cypher._KIND_LABELS.items()}


def sqlite_floor(folder: Path, city: dict) -> dict[str, float]:
    rows = [
        (
            i,
            r["kind"],
            r["source"],
            r["target"],
            r.get("since"),
            r.get("until"),
            r.get("strength"),
            r.get("role"),
            r.get("note"),
            r.get("provenance"),
        )
        for i, r in enumerate(city["relations"], start=1)
    ]
    seconds = bare_write(folder / "floor.sqlite", rows, "apsw")
    return {"write_s": round(seconds, 2), "write_relations_per_s": round(len(rows) / seconds)}


@contextmanager
def neo4j(args: argparse.Namespace, workdir: Path) -> Iterator[Database]:
    """An empty Neo4j database: the one named, or one started here."""
    if args.uri:
        database = Database(args.uri, args.user, args.password)
        database.wipe()
        yield database
        return
    settings = {"db.tx_log.preallocate": "false", "server.memory.pagecache.size": "1g"}
    server = Neo4jServer(workdir / "neo4j", settings=settings, heap=args.heap)
    server.start()
    print(f"Neo4j {server.version} started in {server.start_seconds[-1]:.1f} s", file=sys.stderr)
    try:
        yield server.database
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page", type=int, default=20_000, help="items per Neo4j transaction (store and floor)")
    parser.add_argument("--heap", default="2g", help="the Neo4j JVM's heap")
    parser.add_argument("--uri", help="a Neo4j to use instead of starting one (emptied first)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--password", default="")
    args = parser.parse_args(argv)
    city = generate_city(args.stakeholders, args.relations, args.seed)
    results: dict[str, Any] = {"stakeholders": len(city["stakeholders"]), "relations": len(city["relations"])}
    with tempfile.TemporaryDirectory() as tmp, neo4j(args, Path(tmp)) as database:
        results["sqlite"] = measure(lambda: open_store(Path(tmp) / "graph.sqlite"), city)
        results["sqlite_floor"] = sqlite_floor(Path(tmp), city)
        results["neo4j_floor"] = neo4j_floor(database, city, args.page)
        results["neo4j"] = measure(
            lambda: open_store(database.uri, user=database.user, password=database.password, page_items=args.page),
            city,
        )
    results["neo4j_write_vs_floor"] = round(
        results["neo4j"]["write_relations_per_s"] / results["neo4j_floor"]["write_relations_per_s"], 2
    )
    print(f"{results['stakeholders']} stakeholders, {results['relations']} relations")
    print(f"{'':<14} {'import rel/s':>13} {'write rel/s':>12} {'import s':>9} {'write s':>8} {'rebuild s':>10}")
    for name in ("sqlite", "sqlite_floor", "neo4j", "neo4j_floor"):
        r = results[name]
        print(
            f"{name:<14} {r.get('import_relations_per_s', ''):>13} {r['write_relations_per_s']:>12,}"
            f" {r.get('import_s', ''):>9} {r['write_s']:>8} {r.get('rebuild_s', ''):>10}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
