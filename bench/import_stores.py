"""Import and rebuild on both stores in one run: SQLite, and Neo4j's store on a Bolt server (FalkorDB).

What it measures, on the city of ``graphsvc.generate.generate_city`` (100k stakeholders and
~1M relations by default; ``--stakeholders``/``--relations`` shrink it), for each store:

1. the import rate (relations/s): ``Engine(store).import_document(city)``, what ``graphsvc
   import`` does after reading the file: validate, write (one batch), project; the store's
   write (``store.apply``) is timed apart;
2. the projection rebuild time: ``build_projection(store)`` on a freshly opened store, what a
   restart does (everything streamed from the store page by page).

The Bolt server is FalkorDB 4.18.3 started by ``tests/bolt_server.py`` on free ports of
127.0.0.1 (downloaded once into ``~/.cache/graphsvc-test``), or any server given with ``--uri``
(its database is emptied first). Run from the repository root::

    /tmp/venv/bin/python bench/import_stores.py --stakeholders 20000 --relations 200000

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.bolt_server

from graphsvc.domain import Batch
from graphsvc.engine import Engine, build_projection
from graphsvc.generate import generate_city
from graphsvc.store import Applied, Store, open_store
from tests.bolt_server import BoltServer, empty_graph


def measure(open_it: Callable[[], Store], city: dict, closed: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Import ``city`` into the empty store ``open_it`` gives, then rebuild from a new store object.

    ``closed`` runs after a store is closed (FalkorDB needs ``BoltServer.settle`` then).
    """
    store = open_it()
    writes: list[float] = []
    store.apply = _timed(store.apply, writes)  # type: ignore[method-assign]
    started = time.perf_counter()
    Engine(store).import_document(city)
    imported = time.perf_counter() - started
    store.close()
    closed()
    gc.collect()
    store = open_it()
    started = time.perf_counter()
    projection = build_projection(store)
    rebuilt = time.perf_counter() - started
    store.close()
    closed()
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


@contextmanager
def bolt_server(given: str | None, workdir: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """The URI of an empty Bolt database (``given``, or a FalkorDB started here) and what to do after a close."""
    if given:
        empty_graph(given)
        yield given, lambda: None
        return
    server = BoltServer(workdir / "falkordb")
    server.start()
    try:
        yield server.uri, server.settle
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uri", help="a Bolt server to use instead of starting FalkorDB (emptied first)")
    args = parser.parse_args(argv)
    city = generate_city(args.stakeholders, args.relations, args.seed)
    results: dict[str, Any] = {"stakeholders": len(city["stakeholders"]), "relations": len(city["relations"])}
    with tempfile.TemporaryDirectory() as tmp, bolt_server(args.uri, Path(tmp)) as (uri, settle):
        results["sqlite"] = measure(lambda: open_store(Path(tmp) / "graph.sqlite"), city)
        results["bolt"] = measure(lambda: open_store(uri), city, settle)
    print(f"{results['stakeholders']} stakeholders, {results['relations']} relations")
    print(f"{'':<8} {'import rel/s':>13} {'write rel/s':>12} {'import s':>9} {'rebuild s':>10}")
    for name in ("sqlite", "bolt"):
        r = results[name]
        print(
            f"{name:<8} {r['import_relations_per_s']:>13,} {r['write_relations_per_s']:>12,}"
            f" {r['import_s']:>9} {r['rebuild_s']:>10}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
