"""Load test: N concurrent clients for T seconds against a real ``graphsvc serve``, mixed reads and writes.

Each client (default 64) sends one request at a time, for ``--seconds`` (default 60), over its own
keep-alive connection with its own editor's token (made in the store before the server starts, so
that the per-client limits treat them as the different clients they are, and writes are allowed;
the rate limit is off for the run). It picks, at random:

* ``search``: ``stakeholders(search: <the start of a name>, first: 10)``;
* ``egoNetwork``: two hops around a stakeholder, at most 100 nodes;
* ``connectionPaths``: between two stakeholders of one district, ``maxHops: 4, first: 3``;
* ``matchPartners``: partners for a new initiative on a theme in a buurt, ``first: 5``;
* ``write`` (``--writes``, default 5%): ``createStakeholder`` (a new initiative) and ``link``
  (a partner WORKS_ON it) in one request.

The clients of a run start one after the other over its first second (``RAMP_UP``), not all in the
same millisecond; every request is counted. Three runs in one invocation, on one server: the reads
alone (the floor for reads), one lone writer (the floor for writes), then the mix, once the
server's start-up work is done (the CPUs quiet). Each prints requests/s, errors by type and p50/p99/max per
operation. Then the server is stopped and every acknowledged write (200, no errors, no userErrors)
is looked up in the store: the run fails if one is missing.

The server runs on one CPU and the clients on another (``taskset``, when there are two). The city
is made by ``graphsvc generate`` and imported into a temp dir, or into ``--keep DIR`` where a later
run re-uses it (same sizes and seed; see ``bench/api_http.py``)::

    .venv/bin/python bench/load.py --stakeholders 20000 --relations 200000 --keep /tmp/load-city --seconds 30
    .venv/bin/python bench/load.py --keep /tmp/graphsvc-api-city      # the 100k / 1M city, 64 clients, 60 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_http import (
    check_quiet,
    cores,
    district_of,
    free_ports,
    global_id,
    graphsvc_command,
    prepare_city,
    start,
    step,
    up,
    visible_stakeholders,
)

from graphsvc.domain import Node
from graphsvc.domain.areas import level_of
from graphsvc.domain.kinds import AreaLevel, NodeKind
from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role
from graphsvc.store import open_store

SEARCH = "query ($q: String!) { stakeholders(search: $q, first: 10) { totalCount nodes { id name kind } } }"
EGO = (
    "query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 100) "
    "{ truncated nodes { hops node { id } } relations { kind } } }"
)
PATHS = (
    "query ($from: ID!, $to: ID!) { connectionPaths(from: $from, to: $to, maxHops: 4, first: 3) "
    "{ length nodes { id } } }"
)
MATCH = (
    "query ($initiative: InitiativeInput!) { matchPartners(initiative: $initiative, first: 5) "
    "{ score partner { id } } }"
)
WRITE = """mutation ($input: StakeholderInput!, $link: LinkInput!) {
  createStakeholder(input: $input) { stakeholder { id key } userErrors { field message code } }
  link(input: $link) { relation { key } userErrors { field message code } }
}"""
READS = {"search": 0.35, "egoNetwork": 0.25, "connectionPaths": 0.2, "matchPartners": 0.2}
RAMP_UP = 1.0  # seconds over which the clients of a run start (see ``load``)


@dataclass
class City:
    """What the requests are made of: visible stakeholders, same-district pairs, partners, buurten, themes."""

    nodes: list[Node]
    pairs_by_district: dict[str, list[Node]]
    districts: list[str]
    partners: list[Node]
    buurten: list[str]
    themes: list[str]

    @classmethod
    def of(cls, nodes: list[Node]) -> City:
        by_district: dict[str, list[Node]] = defaultdict(list)
        for node in nodes:
            district = district_of(node)
            if district is not None:
                by_district[district].append(node)
        buurten = sorted({c for n in nodes for c in n.areas if level_of(c) is AreaLevel.NEIGHBOURHOOD})
        return cls(
            nodes=nodes,
            pairs_by_district=by_district,
            districts=sorted(d for d, members in by_district.items() if len(members) >= 2),
            partners=[n for n in nodes if n.kind in (NodeKind.WIJKPARTNER, NodeKind.ORGANISATION)],
            buurten=buurten,
            themes=sorted({t for n in nodes for t in n.themes}),
        )


@dataclass
class Run:
    """What one run saw: latencies (s) per operation, errors by type, acknowledged writes."""

    name: str
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    cpu: float = 0.0  # CPU seconds the server (with its worker processes) used during the run
    written: list[tuple[str, int]] = field(default_factory=list)  # (stakeholder key, relation key)


def body_for(operation: str, city: City, rng: random.Random, tag: str) -> dict[str, Any]:
    if operation == "search":
        name = rng.choice(city.nodes).name
        return {"query": SEARCH, "variables": {"q": name[: max(3, len(name) // 2)]}}
    if operation == "egoNetwork":
        return {"query": EGO, "variables": {"id": global_id(rng.choice(city.nodes))}}
    if operation == "connectionPaths":
        a, b = rng.sample(city.pairs_by_district[rng.choice(city.districts)], 2)
        return {"query": PATHS, "variables": {"from": global_id(a), "to": global_id(b)}}
    if operation == "matchPartners":
        initiative = {
            "name": f"Load test {tag}",
            "themes": [rng.choice(city.themes)],
            "areaCode": rng.choice(city.buurten),
            "needs": ["SPACE"],
        }
        return {"query": MATCH, "variables": {"initiative": initiative}}
    key = f"load-{tag}"
    new = {"kind": "INITIATIVE", "key": key, "name": f"Load test {tag}", "themes": [rng.choice(city.themes)]}
    new["areaCodes"] = [rng.choice(city.buurten)]
    link = {
        "kind": "WORKS_ON",
        "sourceId": global_id(rng.choice(city.partners)),
        "targetId": _initiative_id(key),
        "strength": 0.5,
    }
    return {"query": WRITE, "variables": {"input": new, "link": link}}


def _initiative_id(key: str) -> str:
    from graphsvc.api.ids import encode

    return encode("Initiative", key)


def classify(operation: str, status: int, answer: Any) -> tuple[str | None, tuple[str, int] | None]:
    """(the error's type or None, the acknowledged write or None)."""
    if status != 200:
        code = ""
        if isinstance(answer, dict) and answer.get("errors"):
            code = " " + str((answer["errors"][0].get("extensions") or {}).get("code", ""))
        return f"HTTP {status}{code}".strip(), None
    if answer.get("errors"):
        error = answer["errors"][0]
        code = (error.get("extensions") or {}).get("code")
        return f"GraphQL {code or error['message'][:60]}", None
    if operation != "write":
        return None, None
    created, linked = answer["data"]["createStakeholder"], answer["data"]["link"]
    if created["userErrors"] or linked["userErrors"]:
        first = (created["userErrors"] or linked["userErrors"])[0]
        return f"userError {first['code']}", None
    return None, (created["stakeholder"]["key"], linked["relation"]["key"])


async def client(
    http: httpx.AsyncClient,
    number: int,
    run: Run,
    city: City,
    mix: dict[str, float],
    end: float,
    seed: int,
    prefix: str,
    delay: float,
) -> None:
    rng = random.Random(seed * 1000 + number)
    operations, weights = list(mix), list(mix.values())
    count = 0
    await asyncio.sleep(delay)
    while time.monotonic() < end:
        operation = rng.choices(operations, weights)[0]
        count += 1
        body = body_for(operation, city, rng, f"{prefix}-{number}-{count}")
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json=body)
            status, answer = response.status_code, response.json()
        except (httpx.HTTPError, json.JSONDecodeError) as error:
            run.latencies[operation].append(time.perf_counter() - started)
            run.errors[f"{operation}: {type(error).__name__}"] += 1
            continue
        run.latencies[operation].append(time.perf_counter() - started)
        problem, written = classify(operation, status, answer)
        if problem:
            run.errors[f"{operation}: {problem}"] += 1
        if written:
            run.written.append(written)


async def load(
    url: str,
    tokens: list[str],
    name: str,
    clients: int,
    seconds: float,
    mix: dict[str, float],
    city: City,
    seed: int,
    ramp_up: float = RAMP_UP,
) -> Run:
    run = Run(name, seconds)
    step(f"run '{name}': {clients} clients for {seconds:g} s")
    prefix = name.split()[0]
    async with AsyncExitStack() as stack:
        # Every client is made before the clock starts: making one (an SSL context each) holds this
        # process's loop for ~20 ms, so 64 made at the start delayed the first requests by a second.
        https = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=url,
                    headers={"authorization": f"Bearer {tokens[i]}", "accept": "application/json"},
                    timeout=120,
                    trust_env=False,
                )
            )
            for i in range(clients)
        ]
        end = time.monotonic() + seconds
        started = time.perf_counter()
        # The clients start one after the other over ``ramp_up`` seconds (every request counts): 64
        # first requests sent in the same millisecond would queue behind one another on the server, and
        # the run's first writes (a few of ~100) would measure that start rather than the load.
        await asyncio.gather(
            *(client(https[i], i, run, city, mix, end, seed, prefix, ramp_up * i / clients) for i in range(clients))
        )
        run.seconds = time.perf_counter() - started
    return run


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its children (the measures' worker process)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def measured(pid: int, load_run: Any) -> Run:
    """``load_run`` (a coroutine giving a ``Run``) run, with the server's CPU time during it."""
    before = cpu_seconds(pid)
    run: Run = asyncio.run(load_run)
    run.cpu = cpu_seconds(pid) - before
    return run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(run: Run) -> dict[str, Any]:
    total = sum(len(v) for v in run.latencies.values())
    out: dict[str, Any] = {"requests": total, "rps": total / run.seconds, "errors": dict(run.errors), "ops": {}}
    out["cpu_ms_per_request"] = 1000 * run.cpu / max(total, 1)
    print(
        f"\n{run.name}: {total:,} requests in {run.seconds:.1f} s = {out['rps']:,.1f} req/s; "
        f"server CPU {run.cpu:.1f} s = {out['cpu_ms_per_request']:.1f} ms per request"
    )
    print(f"  {'operation':<18}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for operation, values in sorted(run.latencies.items()):
        figures = {
            "count": len(values),
            "p50_ms": 1000 * statistics.median(values),
            "p99_ms": 1000 * percentile(values, 0.99),
            "max_ms": 1000 * max(values),
        }
        out["ops"][operation] = figures
        print(
            f"  {operation:<18}{figures['count']:>8,}{figures['p50_ms']:>10.1f}"
            f"{figures['p99_ms']:>10.1f}{figures['max_ms']:>10.1f}"
        )
    if run.errors:
        print("  errors:")
        for kind, count in run.errors.most_common():
            print(f"    {count:>6,}  {kind}")
    else:
        print("  errors: none")
    return out


def check_writes(store_path: Path, runs: list[Run]) -> dict[str, int]:
    """Every acknowledged write must be in the store: the initiative, and the relation to it."""
    written = [w for run in runs for w in run.written]
    store = open_store(store_path)
    try:
        nodes = store.read_nodes([key for key, _ in written])
        relations = store.read_relations([rel for _, rel in written])
    finally:
        store.close()
    missing_nodes = [key for key, _ in written if key not in nodes]
    missing_relations = [rel for key, rel in written if rel not in relations or relations[rel].target != key]
    print(
        f"\nacknowledged writes: {len(written):,}; missing from the store: {len(missing_nodes)} stakeholders, "
        f"{len(missing_relations)} relations"
    )
    return {
        "acknowledged": len(written),
        "missing_nodes": len(missing_nodes),
        "missing_relations": len(missing_relations),
    }


def editor_tokens(store_path: Path, count: int) -> list[str]:
    """One editor's token (every municipality) per client, made in the store the server will open."""
    store = open_store(store_path)
    try:
        return [issue_token(store, Role.EDITOR, note=f"load client {i}")[0] for i in range(count)]
    finally:
        store.close()


def serve_command(store: Path, port: int, pin: list[str]) -> list[str]:
    flags = ["--store", str(store), "--host", "127.0.0.1", "--port", str(port), "--demo", "false"]
    return [*pin, *graphsvc_command(), "serve", *flags, "--rate-limit", "", "--log-level", "warning"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60, help="seconds of the mixed run (default 60)")
    parser.add_argument("--floor-seconds", type=float, help="seconds of each floor run (default: a third of --seconds)")
    parser.add_argument("--writes", type=float, default=0.05, help="share of writes in the mixed run (default 0.05)")
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="make the city here and keep it; re-used when it is there")
    parser.add_argument("--no-floors", action="store_true", help="only the mixed run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    floor = args.floor_seconds or args.seconds / 3
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with ExitStack() as cleanup:
        folder = args.keep or Path(tempfile.mkdtemp(prefix="graphsvc-load-"))
        folder.mkdir(parents=True, exist_ok=True)
        if args.keep is None:
            cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        city_store = prepare_city(folder, args)
        store = folder / "load.sqlite"  # a copy: the writes never touch the kept city
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(city_store, store)
        city = City.of(visible_stakeholders(store))
        tokens = editor_tokens(store, args.clients)
        step(f"{len(city.nodes):,} visible stakeholders, {len(city.districts)} districts, {len(city.buurten)} buurten")
        server_pin, client_pin = cores()
        if client_pin:
            os.sched_setaffinity(0, {int(client_pin[-1])})
        (port,) = free_ports(1)
        process = start(serve_command(store, port, server_pin), folder / "load-serve.log", cleanup)
        url = up(process, port, folder / "load-serve.log")
        quiet: dict[str, Any] = {}
        check_quiet(quiet, "before the runs")  # the server's start-up measures would slow the first floor
        reads = dict(READS)
        mixed = {**{k: v * (1 - args.writes) for k, v in READS.items()}, "write": args.writes}
        runs: list[Run] = []
        if not args.no_floors:
            runs.append(
                measured(process.pid, load(url, tokens, "reads alone", args.clients, floor, reads, city, args.seed))
            )
            runs.append(
                measured(process.pid, load(url, tokens, "lone writer", 1, floor, {"write": 1.0}, city, args.seed))
            )
        mixed_name = f"mixed {args.writes:.0%} writes"
        runs.append(
            measured(process.pid, load(url, tokens, mixed_name, args.clients, args.seconds, mixed, city, args.seed))
        )
        alive = httpx.get(f"{url}/health", timeout=30, trust_env=False).json()["status"]
        process.terminate()
        process.wait(timeout=30)
        print(f"\ncity: {args.stakeholders:,} stakeholders, {args.relations:,} relations; {args.clients} clients")
        result = {"runs": {run.name: report(run) for run in runs}, "server_after": alive, **quiet}
        result["writes"] = check_writes(store, runs)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    lost = result["writes"]["missing_nodes"] + result["writes"]["missing_relations"]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
