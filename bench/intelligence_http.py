"""HTTP benchmark of the connection-intelligence queries, and of how fast the cached global measures refresh.

What it measures, on the synthetic city of ``graphsvc generate`` (100k stakeholders, ~1M relations by default),
generated and imported with the ``graphsvc`` CLI by ``bench/api_http.py``'s ``prepare_city`` (same ``--keep``
layout), against ``graphsvc serve --demo false`` (one uvicorn worker) on 127.0.0.1, pinned to the first CPU
(``taskset``); wrk (one thread) and this process on the second:

1. latency at 1 connection with wrk (``POST /graphql``; a Lua script rotating over ``--ids`` requests; p50, p99 and
   max of ``--seconds`` after a ``--warmup`` of the same requests, and the server's CPU time per request):

   - ``matchPartners(initiative: {name, themes, areaCode, needs, memberIds}, first: 5)
     { score partner { id } introductions { linker { id } } }`` with random drafts: a buurt (BU...) where at least
     two visible stakeholders have an area, 1-3 random themes, 0-2 random needs, 1-2 of those stakeholders as
     members. Target p99 <= 50 ms;
   - ``introducers(from, to, maxHops: 4, first: 5) { share stakeholder { id } }`` between random visible
     stakeholders of one district (``api_http.path_bodies``' pairs). Target p99 <= 100 ms;
   - ``connectionPaths(from, to, maxHops: 4, first: 3, weighted: true) { length nodes { id } }``, the same pairs.
     Target p99 <= 100 ms;
   - ``egoNetwork(id, hops: 2, first: 100) { nodes { hops node { id } } relations { id } }`` of random visible
     stakeholders. Target p99 <= 25 ms.

   Before a case is loaded every one of its requests is sent once and checked (status 200, no GraphQL ``errors``:
   they are printed, and the case is skipped); the table says how many answers were non-empty.
2. refresh of the cached global measures after a write: after start-up, ``{ brokers(first: 5) { freshness
   { version stale pending } } communities { freshness { version stale pending } } }`` is polled until both are
   computed for the graph's version (the start-up warm-up, timed too) before anything else is measured. At the
   end, a write (``link(input: {kind: KNOWS, sourceId, targetId})`` between two random visible residents), then
   every ~100 ms the same freshness query and a timed ``stakeholder`` lookup, until both freshness versions reach
   the graph version after the write (``/health``) and neither is stale or pending. Figures: the refresh time from
   the write's answer (target <= 10 s) and the lookups' (and freshness queries') latencies meanwhile.

Every query sent is first validated against ``schema/schema.graphql`` (graphql-core) and the running server's
``Query`` fields are checked; a case whose field is missing is skipped, saying so. The write goes to a copy of the
store (SQLite backup into a temp dir), so that a kept city stays as ``prepare_city`` made it. Every server started is
stopped however the run ends (error, Ctrl-C, SIGTERM). Needs wrk: ``apt-get update && apt-get install -y wrk``.

Run (with a kept city about 3 to 4 minutes at the default size; 1 more to make one)::

    /tmp/venv/bin/python bench/intelligence_http.py --keep /tmp/graphsvc-api-city
    /tmp/venv/bin/python bench/intelligence_http.py --stakeholders 10000 --relations 100000 --seconds 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import api_http as http  # bench/api_http.py: city, servers, requests, wrk (this folder is on sys.path when run)
from graphql import build_schema, parse, validate

from graphsvc.domain import Node
from graphsvc.domain.areas import level_of
from graphsvc.domain.kinds import NEEDS, AreaLevel, NodeKind

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
MATCH = (
    "query ($initiative: InitiativeInput!) { matchPartners(initiative: $initiative, first: 5) "
    "{ score partner { id } introductions { linker { id } } } }"
)
INTRODUCERS = (
    "query ($from: ID!, $to: ID!) "
    "{ introducers(from: $from, to: $to, maxHops: 4, first: 5) { share stakeholder { id } } }"
)
PATHS = (
    "query ($from: ID!, $to: ID!) "
    "{ connectionPaths(from: $from, to: $to, maxHops: 4, first: 3, weighted: true) { length nodes { id } } }"
)
EGO = "query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 100) { nodes { hops node { id } } relations { id } } }"
FRESHNESS = (
    "{ brokers(first: 5) { freshness { version stale pending } } communities { freshness { version stale pending } } }"
)
LINK = (
    "mutation ($source: ID!, $target: ID!) { link(input: {kind: KNOWS, sourceId: $source, targetId: $target}) "
    "{ relation { id } userErrors { field message code } } }"
)
# case: (Query field, query, p99 target in ms)
CASES = {
    "matchPartners": ("matchPartners", MATCH, 50.0),
    "introducers": ("introducers", INTRODUCERS, 100.0),
    "connectionPaths weighted": ("connectionPaths", PATHS, 100.0),
    "egoNetwork hops 2": ("egoNetwork", EGO, 25.0),
}
REFRESH_TARGET_S = 10.0
POLL_S = 0.1


# -- what to ask for ------------------------------------------------------------------------------------------------
def buurt_members(nodes: list[Node]) -> dict[str, list[Node]]:
    """Visible stakeholders by the buurten (neighbourhood codes) they name, buurten with at least two only."""
    found: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        for code in node.areas:
            if level_of(code) is AreaLevel.NEIGHBOURHOOD:
                found[code].append(node)
    return {code: members for code, members in found.items() if len(members) >= 2}


def match_bodies(nodes: list[Node], count: int, rng: random.Random) -> list[dict]:
    """``count`` matchPartners requests for random drafts in random buurten."""
    by_buurt = buurt_members(nodes)
    buurten = sorted(by_buurt)
    themes = sorted({t for n in nodes for t in n.themes})
    needs = sorted(NEEDS)
    bodies = []
    for i in range(count):
        buurt = rng.choice(buurten)
        draft = {
            "name": f"Bench initiative {i}",
            "themes": rng.sample(themes, rng.randint(1, 3)),
            "areaCode": buurt,
            "needs": rng.sample(needs, rng.randint(0, 2)),
            "memberIds": [http.global_id(m) for m in rng.sample(by_buurt[buurt], rng.randint(1, 2))],
        }
        bodies.append({"query": MATCH, "variables": {"initiative": draft}})
    return bodies


def pair_bodies(nodes: list[Node], count: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """introducers and weighted connectionPaths requests for the same random same-district pairs."""
    pairs = [body["variables"] for body in http.path_bodies(nodes, count, rng)]
    return [{"query": INTRODUCERS, "variables": p} for p in pairs], [{"query": PATHS, "variables": p} for p in pairs]


def ego_bodies(nodes: list[Node], count: int, rng: random.Random) -> list[dict]:
    return [{"query": EGO, "variables": {"id": http.global_id(n)}} for n in rng.sample(nodes, min(count, len(nodes)))]


# -- checks -----------------------------------------------------------------------------------------------------------
def schema_problems() -> list[str]:
    """Every query this script sends, validated against schema/schema.graphql; empty when all are valid."""
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    problems = []
    for query in (*(q for _, q, _ in CASES.values()), FRESHNESS, LINK, http.LOOKUP):
        problems += [f"{error.message} in: {query}" for error in validate(schema, parse(query))]
    return problems


def failure(status: int, answer: Any) -> str | None:
    """Why an answer is not a good one (None when it is): the status, and the GraphQL errors in full."""
    if status == 200 and isinstance(answer, dict) and not answer.get("errors") and answer.get("data"):
        return None
    return f"HTTP {status}: {json.dumps(answer)[:1000]}"


EDITOR: dict[str, str] = {}  # the editor token of the one write (the questions are asked as a broker)


def ask(url: str, body: dict, token: str | None = None) -> dict:
    """``data`` of a request that must succeed; its errors are printed and raised otherwise."""
    status, answer = http.post(url, body, token=token)
    why = failure(status, answer)
    if why is not None:
        print(f"GraphQL request failed: {json.dumps(body)[:300]}\n  {why}", file=sys.stderr)
        raise RuntimeError(why)
    return answer["data"]


def probe(url: str, field: str, bodies: list[dict]) -> tuple[int, str | None]:
    """Send every body once: how many answers are non-empty, or the first failure (GraphQL errors printed)."""
    non_empty, failed = 0, []
    for body in bodies:
        status, answer = http.post(url, body)
        why = failure(status, answer)
        if why is not None:
            failed.append(why)
            if len(failed) <= 3:
                print(f"{field} failed for {json.dumps(body['variables'])[:300]}\n  {why}", file=sys.stderr)
            continue
        value = answer["data"][field]
        non_empty += bool(value.get("nodes") if isinstance(value, dict) else value)
    if failed:
        return non_empty, f"{len(failed)} of {len(bodies)} requests failed, e.g. {failed[0][:200]}"
    return non_empty, None


# -- the global measures --------------------------------------------------------------------------------------------
def freshness(url: str) -> tuple[dict, dict]:
    data = ask(url, {"query": FRESHNESS})
    return data["brokers"]["freshness"], data["communities"]["freshness"]


def graph_version(base: str) -> int:
    with http.DIRECT.open(f"{base}/health", timeout=30) as response:
        return json.load(response)["graph"]["version"]


def fresh(found: tuple[dict, dict], version: int) -> bool:
    return all(
        f["version"] is not None and f["version"] >= version and not f["stale"] and not f["pending"] for f in found
    )


def wait_warm(url: str, base: str, timeout: float) -> dict[str, Any]:
    """Poll the freshness of brokers and communities until both are computed for the graph's version."""
    version = graph_version(base)
    started = time.monotonic()
    polls = 0
    while time.monotonic() - started < timeout:
        found = freshness(url)
        polls += 1
        if fresh(found, version):
            return {"seconds": time.monotonic() - started, "version": version, "polls": polls}
        time.sleep(0.5)
    raise RuntimeError(f"brokers/communities still not computed {timeout:.0f} s after start: {found}")


def residents_pair(nodes: list[Node], rng: random.Random) -> tuple[Node, Node]:
    residents = [n for n in nodes if n.kind is NodeKind.RESIDENT]
    if len(residents) < 2:
        raise RuntimeError("fewer than two visible residents to link")
    a, b = rng.sample(residents, 2)
    return a, b


def refresh_after_write(url: str, base: str, nodes: list[Node], rng: random.Random, timeout: float) -> dict[str, Any]:
    """A KNOWS link, then freshness and a lookup every ~100 ms until both measures are fresh again."""
    before = freshness(url)
    if not fresh(before, graph_version(base)):
        raise RuntimeError(f"the measures are not fresh before the write: {before}")
    for _ in range(5):  # a pair tied already may be refused: try another
        a, b = residents_pair(nodes, rng)
        sent = time.monotonic()
        variables = {"source": http.global_id(a), "target": http.global_id(b)}
        data = ask(url, {"query": LINK, "variables": variables}, token=EDITOR["token"])
        answered = time.monotonic()
        if not data["link"]["userErrors"]:
            break
        print(f"link {a.id} -> {b.id} refused: {data['link']['userErrors']}", file=sys.stderr)
    else:
        raise RuntimeError("every link tried was refused")
    version = graph_version(base)
    lookups = [{"query": http.LOOKUP, "variables": {"id": http.global_id(n)}} for n in rng.sample(nodes, 200)]
    lookup_ms: list[float] = []
    freshness_ms: list[float] = []
    seen: list[tuple[float, Any, Any]] = []
    while True:
        poll = time.monotonic()
        if poll - answered > timeout:
            raise RuntimeError(f"brokers/communities not refreshed {timeout:.0f} s after the write: {seen[-1:]}")
        body = lookups[len(lookup_ms) % len(lookups)]
        t0 = time.perf_counter()
        found = ask(url, body)["stakeholder"]
        lookup_ms.append((time.perf_counter() - t0) * 1000)
        if found is None or found["id"] != body["variables"]["id"]:
            raise RuntimeError(f"lookup of {body['variables']['id']} answered {found}")
        t0 = time.perf_counter()
        now = freshness(url)
        done = time.monotonic()
        freshness_ms.append((time.perf_counter() - t0) * 1000)
        if not seen or (seen[-1][1], seen[-1][2]) != now:
            seen.append((done - answered, *now))
        if fresh(now, version):
            break
        time.sleep(max(0.0, POLL_S - (time.monotonic() - poll)))
    return {
        "version_before": before[0]["version"],
        "version_after": version,
        "link_ms": (answered - sent) * 1000,
        "refresh_s": done - answered,
        "polls": len(lookup_ms),
        "lookup_p50_ms": statistics.median(lookup_ms),
        "lookup_max_ms": max(lookup_ms),
        "freshness_p50_ms": statistics.median(freshness_ms),
        "freshness_max_ms": max(freshness_ms),
        "states": [{"after_s": t, "brokers": b, "communities": c} for t, b, c in seen],
    }


# -- the run ----------------------------------------------------------------------------------------------------------
def copy_store(store: Path, folder: Path) -> Path:
    """A private copy of the store (the write must not change a kept city), by SQLite's online backup."""
    copy = folder / "served.sqlite"
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as source, closing(sqlite3.connect(copy)) as to:
        source.backup(to)
    return copy


def run(args: argparse.Namespace, folder: Path, work: Path, cleanup: ExitStack) -> dict[str, Any]:
    problems = schema_problems()
    for problem in problems:
        print(f"schema/schema.graphql: {problem}", file=sys.stderr)
    store = http.prepare_city(folder, args)
    http.step("copying the store (the write goes to the copy)")
    store = copy_store(store, work)
    server_pin, wrk_pin = http.cores()
    port = http.free_ports(1)[0]
    http.BEARER["token"] = http.broker_token(store)  # the connection questions are answered to brokers
    EDITOR["token"] = http.broker_token(store, role="editor")
    http.step("starting graphsvc serve")
    started = time.monotonic()
    server = http.start(http.graphql_server(store, port, server_pin), work / "graphql.log", cleanup)
    if wrk_pin:  # this process (requests of part 2) beside wrk, off the server's core
        os.sched_setaffinity(0, {int(wrk_pin[-1])})
    http.step("sampling visible stakeholders and making the requests meanwhile")
    nodes = http.visible_stakeholders(store)
    rng = random.Random(args.seed)
    introducers, paths = pair_bodies(nodes, args.ids, rng)
    bodies = {
        "matchPartners": match_bodies(nodes, args.ids, rng),
        "introducers": introducers,
        "connectionPaths weighted": paths,
        "egoNetwork hops 2": ego_bodies(nodes, args.ids, rng),
    }
    base = http.up(server, port, work / "graphql.log")
    url = base + "/graphql"
    result: dict[str, Any] = {
        "stakeholders": len(nodes),
        "ids": args.ids,
        "uvicorn": http.uvicorn_stack(),
        "schema_problems": problems,
        "started_s": time.monotonic() - started,
        "cases": {},
    }
    fields = http.query_fields(url)
    http.step("waiting for the start-up computation of brokers and communities")
    result["warm"] = wait_warm(url, base, args.warm_timeout)
    result["warm"]["after_start_s"] = time.monotonic() - started
    http.step(f"brokers and communities computed {result['warm']['after_start_s']:.0f} s after start")
    http.check_quiet(result, "before the runs")
    for name, (field, _query, target) in CASES.items():
        case: dict[str, Any] = {"target_p99_ms": target}
        result["cases"][name] = case
        if field not in fields:
            case["skipped"] = f"the server's schema has no Query.{field}"
        else:
            http.step(f"{name}: checking the {len(bodies[name])} requests")
            case["non_empty"], case["skipped"] = probe(url, field, bodies[name])
        if case["skipped"]:
            http.step(f"{name} skipped: {case['skipped']}")
            continue
        http.step(f"{name}, 1 connection")
        lua = http.write_lua(work / f"{field}.lua", bodies[name], http.BEARER["token"])
        case.update(http.measure(url, lua, 1, args, wrk_pin, server.pid))
    if {"brokers", "communities"} <= fields:
        http.step("a write, then brokers/communities freshness and a lookup every ~100 ms")
        result["refresh"] = refresh_after_write(url, base, nodes, rng, args.refresh_timeout)
    else:
        result["refresh"] = {"skipped": "the server's schema has no Query.brokers or Query.communities"}
    return result


# -- report -----------------------------------------------------------------------------------------------------------
def print_table(result: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\ncity: {args.stakeholders:,} stakeholders, {args.relations:,} relations, seed {args.seed}; "
        f"{result['stakeholders']:,} visible; requests rotate over {result['ids']} drafts/pairs/ids; "
        f"1 connection, {args.seconds:g} s per figure after {args.warmup:g} s warm-up; uvicorn {result['uvicorn']}"
    )
    warm = result["warm"]
    print(
        f"server up {result['started_s']:.1f} s after start; brokers and communities computed "
        f"{warm['after_start_s']:.1f} s after start (graph version {warm['version']})\n"
    )
    head = f"{'case':<26}{'non-empty':>10}{'requests':>9}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>7}"
    print(f"{head}{'cpu us/req':>11}{'target':>10}  met")
    for name, case in result["cases"].items():
        target = f"<= {case['target_p99_ms']:g}"
        if case.get("skipped"):
            print(f"{name:<26}  skipped: {case['skipped']}{'':>4}{target:>10}  -")
            continue
        print(
            f"{name:<26}{case['non_empty']:>6}/{result['ids']:<3}{case['requests']:>9}{case['p50_ms']:>8.2f}"
            f"{case['p99_ms']:>8.2f}{case['max_ms']:>8.1f}{case['errors']:>7}{case['cpu_us_per_request']:>11,.0f}"
            f"{target:>10}  {met(case['p99_ms'] <= case['target_p99_ms'])}"
        )
    refresh = result["refresh"]
    print()
    if "skipped" in refresh:
        print(f"refresh after a write: skipped: {refresh['skipped']}")
    else:
        print(
            f"refresh after a write (link KNOWS {refresh['link_ms']:.0f} ms; graph version "
            f"{refresh['version_before']} -> {refresh['version_after']}; {refresh['polls']} polls):"
        )
        for state in refresh["states"]:
            print(
                f"  {state['after_s']:>6.2f} s  brokers {_state(state['brokers'])}, communities {_state(state['communities'])}"
            )
        print(
            f"  {'refresh time s':<44}{refresh['refresh_s']:>8.1f}{'<= ' + f'{REFRESH_TARGET_S:g}':>10}  "
            f"{met(refresh['refresh_s'] <= REFRESH_TARGET_S)}"
        )
        print(f"  {'stakeholder lookup meanwhile, p50 / max ms':<44}{_pair(refresh, 'lookup')}")
        print(f"  {'freshness query meanwhile, p50 / max ms':<44}{_pair(refresh, 'freshness')}")
    for moment, share in result["busy_before"].items():
        if share > 0.1:
            print(f"note: {share:.0%} of the CPUs were busy with other work {moment}: latencies noisy")
    for problem in result["schema_problems"]:
        print(f"schema/schema.graphql: {problem}")
    print()


def _state(found: dict[str, Any]) -> str:
    return f"version {found['version']}" + " stale" * found["stale"] + " pending" * found["pending"]


def _pair(refresh: dict[str, Any], what: str) -> str:
    return f"{refresh[what + '_p50_ms']:>8.1f} / {refresh[what + '_max_ms']:.1f}"


def met(flag: bool) -> str:
    return "yes" if flag else "NO"


# -- main -------------------------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per figure (default 20)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each figure (default 3)")
    parser.add_argument("--ids", type=int, default=300, help="drafts, pairs and ids the requests rotate over")
    parser.add_argument(
        "--refresh-timeout", type=float, default=120, help="give up on the refresh after this many s (default 120)"
    )
    parser.add_argument(
        "--warm-timeout", type=float, default=900, help="give up on the start-up warm-up after this many s"
    )
    parser.add_argument("--keep", type=Path, help="make the city here and keep it; re-used when it is there")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(f"intelligence_http: {http.WRK_MISSING}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-ups (server stopped) on kill too
    try:
        with ExitStack() as cleanup:  # the server stopped and temp dirs removed however the run ends
            work = Path(tempfile.mkdtemp(prefix="graphsvc-intelligence-bench-"))
            cleanup.callback(shutil.rmtree, work, ignore_errors=True)
            folder = args.keep or work
            folder.mkdir(parents=True, exist_ok=True)
            result = run(args, folder, work, cleanup)
    except KeyboardInterrupt:
        print("intelligence_http: interrupted; server stopped", file=sys.stderr)
        return 130
    print_table(result, args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
