"""Soak: does a real ``graphsvc serve`` keep its memory flat under a steady stream of writes?

A write every second (createStakeholder, then link it to a partner) and reads in between
(search, egoNetwork, connectionPaths, brokers), for ``--minutes`` (default 30), against a real
``graphsvc serve`` on 127.0.0.1 over a generated city. Prints the server's resident memory (RSS,
from /proc) at start (after a warm-up minute), after 5 minutes and at the end, and fails when
the end is more than ``--slack`` (default 10%) above the 5-minute figure: every write supersedes a
graph version, and a version's views and everything analyses kept with them must be freed.

    python bench/soak.py --keep /tmp/graphsvc-soak-city            # 30 minutes on a 20k city
    python bench/soak.py --minutes 6 --stakeholders 5000 --relations 50000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_http import (
    free_ports,
    global_id,
    graphql_server,
    graphsvc_command,
    prepare_city,
    start,
    step,
    up,
    visible_stakeholders,
)

SEARCH = "query($q: String!) { stakeholders(search: $q, first: 5) { totalCount nodes { id } } }"
EGO = "query($id: ID!) { egoNetwork(id: $id, hops: 2, first: 100) { nodes { hops } relations { kind } } }"
PATHS = "query($a: ID!, $b: ID!) { connectionPaths(from: $a, to: $b, maxHops: 4, first: 3) { length } }"
BROKERS = "{ brokers(first: 5) { freshness { version stale } brokers { betweenness } } }"
CREATE = """mutation($name: String!) { createStakeholder(input: {kind: INITIATIVE, name: $name, themes: ["care"]})
  { stakeholder { id } userErrors { message } } }"""
LINK = """mutation($a: ID!, $b: ID!) { link(input: {kind: SUPPORTS, sourceId: $a, targetId: $b})
  { relation { id } userErrors { message } } }"""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--stakeholders", type=int, default=20_000)
    parser.add_argument("--relations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slack", type=float, default=0.10, help="allowed growth after 5 minutes (share)")
    parser.add_argument("--keep", type=Path, help="make the city here and keep it; re-used when it is there")
    args = parser.parse_args(argv)
    with ExitStack() as cleanup:
        folder = args.keep or Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        store = prepare_city(folder, args)
        nodes = visible_stakeholders(store)
        partners = [global_id(n) for n in nodes if n.kind.value == "WIJKPARTNER"] or [global_id(nodes[0])]
        anyone = [global_id(n) for n in nodes]
        editor = subprocess.run(
            [*graphsvc_command(), "token", "create", "--store", str(store), "--role", "editor", "--note", "soak"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()  # writes need an editor's token
        (port,) = free_ports(1)
        server = start(graphql_server(store, port, []), folder / "soak-serve.log", cleanup)
        base = up(server, port, folder / "soak-serve.log")
        rng = random.Random(args.seed)
        headers = {"authorization": f"Bearer {editor}"}
        client = cleanup.enter_context(httpx.Client(base_url=base, timeout=120, headers=headers))

        def ask(query: str, variables: dict | None = None) -> dict:
            answer = client.post("/graphql", json={"query": query, "variables": variables or {}})
            answer.raise_for_status()
            return answer.json()

        started, writes, reads = time.monotonic(), 0, 0
        marks = {1.0: "after warm-up (1 min)", 5.0: "after 5 min", args.minutes: f"after {args.minutes:g} min"}
        seen: dict[str, float] = {}
        next_write = started
        while (elapsed := (time.monotonic() - started) / 60) < args.minutes:
            for minute, label in marks.items():
                if elapsed >= minute and label not in seen:
                    seen[label] = rss_mib(server.pid)
                    step(f"RSS {label}: {seen[label]:.1f} MiB ({writes} writes, {reads} reads)")
            if time.monotonic() >= next_write:
                made = ask(CREATE, {"name": f"Soak {writes}"})["data"]["createStakeholder"]["stakeholder"]["id"]
                ask(LINK, {"a": rng.choice(partners), "b": made})
                writes, next_write = writes + 1, next_write + 1.0
                continue
            kind = rng.choice(("search", "ego", "paths", "brokers"))
            if kind == "search":
                ask(SEARCH, {"q": rng.choice(["zorg", "buurt", "team", "soak"])})
            elif kind == "ego":
                ask(EGO, {"id": rng.choice(anyone)})
            elif kind == "paths":
                ask(PATHS, {"a": rng.choice(anyone), "b": rng.choice(anyone)})
            else:
                ask(BROKERS)
            reads += 1
        seen[marks[args.minutes]] = rss_mib(server.pid)
        print(
            f"\nsoak: {args.minutes:g} min, {writes} writes, {reads} reads, city {args.stakeholders:,} / {args.relations:,}"
        )
        for label, value in seen.items():
            print(f"  RSS {label:28} {value:8.1f} MiB")
        five, end = seen.get("after 5 min"), seen[marks[args.minutes]]
        if five is not None and end > five * (1 + args.slack):
            print(f"  FAIL: grew {end / five - 1:.0%} after the 5-minute mark (allowed {args.slack:.0%})")
            return 1
        print("  flat after warm-up" if five is not None else "  (shorter than 5 minutes: no verdict)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
