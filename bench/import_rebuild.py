"""Import and rebuild benchmark: a synthetic city imported end to end, then reloaded, against bare floors.

What it measures, on one city made by ``graphsvc.generate.generate_city`` (the ``graphsvc generate`` city):

1. the import rate end to end (relations/s): parse the JSON file (``read_files``), then ``import_into`` a fresh
   SQLite store (read what it holds, validate with ``batch_from_document``, write with ``store.apply``: rows and
   both relation indexes), then close it: exactly what ``graphsvc import`` does; each phase is timed too;
2. the projection rebuild time after a "restart": ``build_projection(open_store(path))`` in a fresh process;
3. the memory per relation: RSS growth of that process during the rebuild (``/proc/self/statm``) / relations.

Beside each, the floor measured in the same run:

a. a bare ``sqlite3`` ``executemany`` of the same relation rows into a fresh store file (same schema, WAL,
   ``synchronous=FULL``) plus building the two relation indexes, in one transaction;
b. a bare networkx load of the same edges (read from the store first, that read timed apart), gc off: an
   ``nx.Graph`` with ``{"r": id}`` per edge (the projection's shape) and an ``nx.MultiDiGraph`` with every field
   per edge; each in a fresh process, time and RSS bytes/relation.

Targets (from the issue): import >= 200k relations/s end to end, rebuild <= 6 s, <= 600 bytes/relation.

Run (about 2 minutes at the default size on 2 cores)::

    /tmp/venv/bin/python bench/import_rebuild.py                  # 100k stakeholders, ~1M relations
    /tmp/venv/bin/python bench/import_rebuild.py --stakeholders 10000 --relations 100000 --json out.json
    /tmp/venv/bin/python bench/import_rebuild.py --keep /tmp/city  # keep city.json and the store files

It prints a table, then the figures as one line of JSON (the last line of stdout, or ``--json FILE``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from unittest import mock

import apsw
import networkx as nx

from graphsvc.domain.validate import Validator
from graphsvc.engine import build_projection, import_into
from graphsvc.engine import engine as engine_module
from graphsvc.generate import generate_city
from graphsvc.interchange.files import read_files
from graphsvc.store import open_store
from graphsvc.store.sqlite import RELATION_COLUMNS, RELATION_INDEXES, SCHEMA, SQLiteStore

TARGETS = {"import_relations_per_s": 200_000, "rebuild_s": 6.0, "bytes_per_relation": 600}
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
FIELDS = RELATION_COLUMNS.split(", ")  # id, kind, source, target, since, until, strength, role, note, provenance


# -- measuring --------------------------------------------------------------------------------------------------
def rss() -> int:
    """Resident set size of this process, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def peak_rss() -> int:
    """High-water mark of the resident set size of this process, in bytes."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


class Stopwatch:
    """Accumulated seconds per phase; ``wrap`` times every call of a function under a phase name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, phase: str, func: Callable) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - start

        return timed


def in_fresh_process(func: Callable, *args: Any) -> Any:
    """``func(*args)`` in a new interpreter (spawned, not forked), so its memory starts clean."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


# -- the city ---------------------------------------------------------------------------------------------------
def write_city(path: Path, stakeholders: int, relations: int, seed: int) -> float:
    """Generate the city and write it as ``graphsvc generate`` does; returns the seconds taken."""
    start = time.perf_counter()
    doc = generate_city(stakeholders, relations, seed)
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return time.perf_counter() - start


# -- ours: import end to end ------------------------------------------------------------------------------------
PHASES = {  # key: what it is (the function timed)
    "parse": "parse JSON (read_files)",
    "validate": "validate (batch_from_document)",
    "validate_relations": "  of which relations (relations_fast)",
    "write": "store write (SQLiteStore.apply)",
    "write_relations": "  of which relations + indexes (node rows beside)",
    "close": "close the store",
    "other": "other: open and read the store, free batch",
}
SUBPHASES = ("validate_relations", "write_relations")


def import_city(city: Path, store_path: Path, floor_path: Path) -> dict[str, Any]:
    """Import ``city`` into a fresh store the way ``graphsvc import`` does, timing each phase; then floor (a)."""
    watch = Stopwatch()
    with ExitStack() as patches:
        _instrument(patches, watch)
        start = time.perf_counter()
        doc, sources = watch.wrap("parse", read_files)([city])
        store = open_store(store_path)
        import_into(store, doc, sources.locate)  # as graphsvc import does
        watch.wrap("close", store.close)()  # a WAL checkpoint may be left for the close
        seconds = time.perf_counter() - start
    phases = watch.seconds
    phases["other"] = seconds - sum(s for key, s in phases.items() if key not in SUBPHASES)
    del doc
    rows = relation_rows(city)
    return {
        "relations": len(rows),
        "seconds": seconds,
        "phases": {key: phases.get(key, 0.0) for key in PHASES},
        "floor_write": bare_write(floor_path, rows),
        "floor_write_apsw": bare_write(floor_path, rows, "apsw"),
    }


def _instrument(patches: ExitStack, watch: Stopwatch) -> None:
    """Time the phases inside ``import_into`` by wrapping the functions it calls."""
    wrapped = (
        (engine_module, "batch_from_document", "validate"),
        (Validator, "relations_fast", "validate_relations"),
        (SQLiteStore, "apply", "write"),
    )
    for owner, name, phase in wrapped:
        patches.enter_context(mock.patch.object(owner, name, watch.wrap(phase, getattr(owner, name))))
    write_relations = staticmethod(watch.wrap("write_relations", SQLiteStore._write_relations))
    patches.enter_context(mock.patch.object(SQLiteStore, "_write_relations", write_relations))


def relation_rows(city: Path) -> list[tuple]:
    """The city's relation rows as the store's columns, id NULL (the store numbers them)."""
    doc = json.loads(city.read_bytes())
    return [(None, *(rel.get(name) for name in FIELDS[1:])) for rel in doc.get("relations", ())]


# -- floor (a): bare sqlite ---------------------------------------------------------------------------------------
def bare_write(path: Path, rows: list[tuple], binding: str = "sqlite3") -> float:
    """Seconds for one transaction: executemany of ``rows`` into a fresh store file, then both indexes,
    then close; with the stdlib ``sqlite3`` or with apsw (the store's binding: 3-4x faster at binding rows)."""
    remove_store(path)
    db: Any = sqlite3.connect(path, isolation_level=None) if binding == "sqlite3" else apsw.Connection(str(path))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    if binding == "sqlite3":
        db.executescript(SCHEMA)  # a trigger's body holds ';': the script is not split by hand
    else:
        db.execute(SCHEMA)  # apsw runs every statement it is given
    insert = f"INSERT INTO relations ({RELATION_COLUMNS}) VALUES ({', '.join('?' * len(FIELDS))})"
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(insert, rows)
    for statement in RELATION_INDEXES:
        db.execute(statement)
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - start


def remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- ours: rebuild after a restart ---------------------------------------------------------------------------------
def rebuild(store_path: Path) -> dict[str, Any]:
    """In a fresh process: the projection built from the store file, its time and RSS growth."""
    gc.collect()
    before, start = rss(), time.perf_counter()
    store = open_store(store_path)
    projection = build_projection(store)
    seconds = time.perf_counter() - start
    grown, peak = rss() - before, peak_rss() - before
    store.close()
    return {
        "seconds": seconds,
        "rss_growth": grown,
        "peak_growth": peak,
        "relations": projection.relation_count,
        "nodes": projection.graph.number_of_nodes(),
    }


# -- floor (b): bare networkx ---------------------------------------------------------------------------------------
def bare_networkx(store_path: Path, shape: str) -> dict[str, Any]:
    """In a fresh process: the store's relation rows read, then loaded into networkx with gc off."""
    start = time.perf_counter()
    db = sqlite3.connect(store_path)
    rows = db.execute(f"SELECT {RELATION_COLUMNS} FROM relations ORDER BY id").fetchall()
    db.close()
    read = time.perf_counter() - start
    gc.collect()
    gc.disable()
    before, start = rss(), time.perf_counter()
    graph = LOADERS[shape](rows)
    seconds = time.perf_counter() - start
    grown = rss() - before
    gc.enable()
    return {"read_seconds": read, "seconds": seconds, "rss_growth": grown, "edges": graph.number_of_edges()}


def small_graph(rows: list[tuple]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from((row[2], row[3], {"r": row[0]}) for row in rows)
    return graph


def full_multidigraph(rows: list[tuple]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    keep = [i for i, name in enumerate(FIELDS) if name not in ("source", "target")]
    graph.add_edges_from((row[2], row[3], {FIELDS[i]: row[i] for i in keep}) for row in rows)
    return graph


LOADERS = {"Graph": small_graph, "MultiDiGraph": full_multidigraph}


# -- report ---------------------------------------------------------------------------------------------------------
def figures(args: argparse.Namespace, generated: float, imported: dict, rebuilt: dict, floors: dict) -> dict:
    """Every figure of the run, with ratios ours/floor and whether each target is met."""
    relations = imported["relations"]
    phases = imported["phases"]
    ours_rate = relations / imported["seconds"]
    floor_rate = relations / imported["floor_write"]
    graph, multi = floors["Graph"], floors["MultiDiGraph"]
    floor_rebuild = graph["read_seconds"] + graph["seconds"]
    ours_bytes = rebuilt["rss_growth"] / rebuilt["relations"]
    floor_bytes = graph["rss_growth"] / graph["edges"]
    return {
        "stakeholders": args.stakeholders,
        "relations": relations,
        "seed": args.seed,
        "generate_s": generated,
        "import": {
            "seconds": imported["seconds"],
            "relations_per_s": ours_rate,
            "phases_s": phases,
            "parse_validate_write_relations_per_s": relations
            / (phases["parse"] + phases["validate"] + phases["write"]),
            "floor_sqlite_s": imported["floor_write"],
            "floor_relations_per_s": floor_rate,
            "floor_apsw_s": imported["floor_write_apsw"],
            "floor_apsw_relations_per_s": relations / imported["floor_write_apsw"],
            "ratio": ours_rate / floor_rate,
            "target": TARGETS["import_relations_per_s"],
            "met": ours_rate >= TARGETS["import_relations_per_s"],
        },
        "rebuild": {
            **rebuilt,
            "floor_read_s": graph["read_seconds"],
            "floor_graph_s": graph["seconds"],
            "floor_multidigraph_s": multi["seconds"],
            "ratio": rebuilt["seconds"] / floor_rebuild,
            "target": TARGETS["rebuild_s"],
            "met": rebuilt["seconds"] <= TARGETS["rebuild_s"],
        },
        "memory": {
            "bytes_per_relation": ours_bytes,
            "peak_bytes_per_relation": rebuilt["peak_growth"] / rebuilt["relations"],
            "floor_graph_bytes_per_relation": floor_bytes,
            "floor_multidigraph_bytes_per_relation": multi["rss_growth"] / multi["edges"],
            "ratio": ours_bytes / floor_bytes,
            "target": TARGETS["bytes_per_relation"],
            "met": ours_bytes <= TARGETS["bytes_per_relation"],
        },
    }


def row(name: str, *cells: str) -> None:
    print(f"  {name:<46}" + "".join(f"{cell:>16}" for cell in cells))


def print_table(f: dict) -> None:
    imp, reb, mem, n = f["import"], f["rebuild"], f["memory"], f["relations"]
    print(f"\ncity: {f['stakeholders']:,} stakeholders, {n:,} relations, seed {f['seed']}", end="")
    print(f" (generated and written in {f['generate_s']:.1f} s)\n")
    print("IMPORT (one process, as `graphsvc import`)")
    row("", "s", "relations/s")
    for key, seconds in imp["phases_s"].items():
        row(PHASES[key], f"{seconds:.2f}", f"{n / seconds:,.0f}" if seconds else "")
    row("end to end", f"{imp['seconds']:.2f}", f"{imp['relations_per_s']:,.0f}")
    row("parse + validate + write (no projection)", "", f"{imp['parse_validate_write_relations_per_s']:,.0f}")
    row(
        "floor (a): bare executemany + 2 indexes",
        f"{imp['floor_sqlite_s']:.2f}",
        f"{imp['floor_relations_per_s']:,.0f}",
    )
    row(
        "floor (a'): the same with apsw (the store's binding)",
        f"{imp['floor_apsw_s']:.2f}",
        f"{imp['floor_apsw_relations_per_s']:,.0f}",
    )
    print("\nREBUILD (fresh process)")
    row("", "s", "bytes/relation")
    row("ours: build_projection(open_store(path))", f"{reb['seconds']:.2f}", f"{mem['bytes_per_relation']:,.0f}")
    row("  peak during the rebuild", "", f"{mem['peak_bytes_per_relation']:,.0f}")
    row("floor (b): read the rows (sqlite3)", f"{reb['floor_read_s']:.2f}", "")
    row(
        "floor (b): nx.Graph, {'r': id} per edge",
        f"{reb['floor_graph_s']:.2f}",
        f"{mem['floor_graph_bytes_per_relation']:,.0f}",
    )
    row(
        "floor (b): nx.MultiDiGraph, all fields",
        f"{reb['floor_multidigraph_s']:.2f}",
        f"{mem['floor_multidigraph_bytes_per_relation']:,.0f}",
    )
    print("\nSUMMARY")
    row("", "ours", "floor", "ours/floor", "target", "met")
    floor_rebuild = reb["floor_read_s"] + reb["floor_graph_s"]
    summary = (
        (
            "import, relations/s (floor a)",
            f"{imp['relations_per_s']:,.0f}",
            f"{imp['floor_relations_per_s']:,.0f}",
            imp,
            ">= 200,000",
        ),
        ("rebuild, s (floor b: read + Graph)", f"{reb['seconds']:.2f}", f"{floor_rebuild:.2f}", reb, "<= 6"),
        (
            "memory, bytes/relation (floor b: Graph)",
            f"{mem['bytes_per_relation']:,.0f}",
            f"{mem['floor_graph_bytes_per_relation']:,.0f}",
            mem,
            "<= 600",
        ),
    )
    for name, ours, floor, part, target in summary:
        row(name, ours, floor, f"{part['ratio']:.2f}", target, "yes" if part["met"] else "NO")
    print()


# -- main -------------------------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them (default: a temp dir, removed)")
    parser.add_argument("--json", type=Path, help="write the figures here instead of as stdout's last line")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, folder: Path) -> dict:
    city, store, floor = folder / "city.json", folder / "store.sqlite", folder / "floor.sqlite"
    for path in (store, floor):
        remove_store(path)
    step("generating the city")
    generated = in_fresh_process(write_city, city, args.stakeholders, args.relations, args.seed)
    step("importing (and floor a: bare sqlite)")
    imported = in_fresh_process(import_city, city, store, floor)
    step("rebuilding in a fresh process")
    rebuilt = in_fresh_process(rebuild, store)
    step("floor b: bare networkx")
    floors = {shape: in_fresh_process(bare_networkx, store, shape) for shape in LOADERS}
    return figures(args, generated, imported, rebuilt, floors)


def step(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, folder)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    else:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
