"""HTTP benchmark of the GraphQL API: requests/s and p50/p99 latency, against a bare Starlette floor.

What it measures, with wrk (https://github.com/wg/wrk) on 127.0.0.1 against one uvicorn worker serving the
synthetic city of ``graphsvc generate`` (100k stakeholders, ~1M relations by default):

a. ``stakeholder`` lookup: ``POST /graphql`` with ``query ($id: ID!) { stakeholder(id: $id) { id name kind } }``,
   rotating over a few hundred visible stakeholders (no PRIVATE residents), at 1 and at 32 connections;
b. the floor, in the same run: a bare Starlette JSON endpoint (``bench/bare_app.py``) doing the same lookup in the
   same kind of in-memory projection (``Engine(store).view().stakeholder(key)``), served by uvicorn the same way;
   the ratio graphql/bare requests/s at 32 connections (target >= 0.3);
c. ``connectionPaths(from, to, maxHops: 4, first: 3)`` between random pairs of visible stakeholders in the same
   district, p99 at 1 connection (target <= 25 ms); skipped, saying so, while the schema has no such field.

Both servers (``graphsvc serve --demo false`` and ``bench/bare_app.py``) run at once on one core (``taskset -c``
the first CPU this process may use), wrk (one thread) on another, and the two are measured in turns, so that
both see the same machine. Each figure is ``--seconds`` of wrk after a ``--warmup`` with the same requests; a
wrk Lua ``done`` function prints them as JSON. Beside req/s and latencies, the table gives the server's CPU time
per request (from /proc): on a machine busy with other work req/s drop and p99s jump, CPU per request much
less (the script measures how busy the CPUs are before the runs and says so). The city is generated and imported
with the ``graphsvc`` CLI into a temp dir, or into ``--keep DIR``, where a later run re-uses it (same sizes and seed).

uvicorn picks httptools and uvloop when they are installed (``uvicorn[standard]``), h11 and asyncio otherwise;
the table says which, as the floor roughly doubles with them.

Needs wrk: ``apt-get update && apt-get install -y wrk`` (Debian/Ubuntu). Run (about 2 minutes at the default size
with a kept city, 1 more to make one)::

    /tmp/venv/bin/python bench/api_http.py --keep /tmp/graphsvc-api-city
    /tmp/venv/bin/python bench/api_http.py --stakeholders 10000 --relations 100000 --seconds 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from graphsvc.api.ids import encode
from graphsvc.api.types.node import typename_of
from graphsvc.domain import Node
from graphsvc.domain.areas import level_of, parent_prefix
from graphsvc.domain.kinds import STAKEHOLDER_KINDS, AreaLevel
from graphsvc.engine import BROKER
from graphsvc.store import open_store

LOOKUP = "query ($id: ID!) { stakeholder(id: $id) { id name kind } }"
PATHS = (
    "query ($from: ID!, $to: ID!) "
    "{ connectionPaths(from: $from, to: $to, maxHops: 4, first: 3) { length nodes { id } } }"
)
FIELDS_OF_QUERY = '{ __type(name: "Query") { fields { name } } }'
TARGETS = {"ratio_32": 0.3, "paths_p99_ms": 25.0}
CONNECTIONS = (1, 32)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BARE_APP = Path(__file__).with_name("bare_app.py")
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never through a proxy
WRK_MISSING = "wrk is not installed: apt-get update && apt-get install -y wrk (Debian/Ubuntu; or see github.com/wg/wrk)"

LUA = """
local bodies = {
%s
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "errors": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


# -- set-up -------------------------------------------------------------------------------------------------------
def step(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def graphsvc_command() -> list[str]:
    """The ``graphsvc`` console command of this interpreter's environment (or the module)."""
    console = Path(sys.executable).with_name("graphsvc")
    return [str(console)] if console.exists() else [sys.executable, "-m", "graphsvc.cli"]


def prepare_city(folder: Path, args: argparse.Namespace) -> Path:
    """The store of the city of ``args`` in ``folder``: generated and imported unless a finished one is there."""
    store, stamp = folder / "city.sqlite", folder / "city.stamp"
    wanted = f"{args.stakeholders} {args.relations} {args.seed}"
    if store.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        step(f"re-using the store {store} ({wanted.replace(' ', ' / ')} stakeholders / relations / seed)")
        return store
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    city = folder / "city.json"
    step("generating the city")
    sizes = ["--stakeholders", str(args.stakeholders), "--relations", str(args.relations), "--seed", str(args.seed)]
    subprocess.run([*graphsvc_command(), "generate", *sizes, "--out", str(city)], check=True, stdout=subprocess.DEVNULL)
    step("importing it")
    importing = [*graphsvc_command(), "import", "--quiet", "--store", str(store), str(city)]
    subprocess.run(importing, check=True, stdout=sys.stderr)
    stamp.write_text(wanted + "\n")
    return store


def uvicorn_stack() -> str:
    """What uvicorn's "auto" picks in the servers (same interpreter and environment): httptools and uvloop when
    importable (``uvicorn[standard]``), else h11 and asyncio, which take about twice the CPU per request."""
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"http={http}, loop={loop}"


def cores() -> tuple[list[str], list[str]]:
    """``taskset`` prefixes putting the server on one CPU and wrk on another (none when that is not possible)."""
    cpus = sorted(os.sched_getaffinity(0))
    if shutil.which("taskset") is None or len(cpus) < 2:
        step("not pinning server and wrk to separate cores (needs taskset and 2 CPUs)")
        return [], []
    return ["taskset", "-c", str(cpus[0])], ["taskset", "-c", str(cpus[1])]


def busy_share(seconds: float = 1.0) -> float:
    """The share of all CPUs busy over ``seconds`` (from /proc/stat): other work makes the figures low and noisy."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def check_quiet(result: dict[str, Any], moment: str, settle: float = 180.0) -> None:
    """Wait (at most ``settle`` seconds) until the CPUs are quiet: the server's own start-up work (the
    global measures it computes at start, in a process on the server's core) is done; then note how busy."""
    deadline = time.monotonic() + settle
    while (share := busy_share()) > 0.1 and time.monotonic() < deadline:
        pass
    result.setdefault("busy_before", {})[moment] = share
    if share > 0.1:
        step(f"warning: {share:.0%} of the CPUs are busy with other work {moment}: figures will be low and noisy")


# -- what to ask for ------------------------------------------------------------------------------------------------
def visible_stakeholders(store_path: Path) -> list[Node]:
    """Every stakeholder a broker (the API's caller) may see: no PRIVATE residents."""
    store = open_store(store_path)
    try:
        return [n for page in store.iter_nodes() for n in page if n.kind in STAKEHOLDER_KINDS and BROKER.may_see(n)]
    finally:
        store.close()


def global_id(node: Node) -> str:
    return encode(typename_of(node.kind), node.id)


def district_of(node: Node) -> str | None:
    """The district (wijk) code of the node's first area, if it has one."""
    for code in node.areas:
        level = level_of(code)
        if level is AreaLevel.DISTRICT:
            return code
        if level is AreaLevel.NEIGHBOURHOOD:
            return parent_prefix(code)
    return None


def lookup_bodies(nodes: list[Node], count: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """The same ``count`` random stakeholders as GraphQL request bodies and as bare-endpoint bodies."""
    ids = [global_id(n) for n in rng.sample(nodes, min(count, len(nodes)))]
    return [{"query": LOOKUP, "variables": {"id": i}} for i in ids], [{"id": i} for i in ids]


def path_bodies(nodes: list[Node], count: int, rng: random.Random) -> list[dict]:
    """``count`` connectionPaths request bodies between random distinct stakeholders of one district."""
    by_district: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        district = district_of(node)
        if district is not None:
            by_district[district].append(node)
    districts = sorted(d for d, members in by_district.items() if len(members) >= 2)
    bodies = []
    for _ in range(count):
        a, b = rng.sample(by_district[rng.choice(districts)], 2)
        bodies.append({"query": PATHS, "variables": {"from": global_id(a), "to": global_id(b)}})
    return bodies


# -- servers --------------------------------------------------------------------------------------------------------
def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 (all held open until all are chosen)."""
    with ExitStack() as sockets:
        found = []
        for _ in range(count):
            s = sockets.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            found.append(s.getsockname()[1])
        return found


BEARER: dict[str, str] = {}  # the broker token the GraphQL requests carry (connection questions need one)


def broker_token(store: Path, role: str = "broker") -> str:
    """A token for every municipality (a broker's unless ``role`` says otherwise), made in the store with
    ``graphsvc token create``."""
    made = subprocess.run(
        [*graphsvc_command(), "token", "create", "--store", str(store), "--role", role, "--note", "bench"],
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip()


def post(url: str, body: dict, timeout: float = 30.0, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if url.endswith("/graphql") and (token or BEARER):
        headers["Authorization"] = f"Bearer {token or BEARER['token']}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)
    try:
        with DIRECT.open(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with DIRECT.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start(command: list[str], log: Path, cleanup: ExitStack) -> subprocess.Popen:
    """Start a server; ``cleanup`` stops it however the run ends."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    cleanup.callback(stop, process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def up(process: subprocess.Popen, port: int, log: Path) -> str:
    """The base URL of the started server once its /health answers."""
    base = f"http://127.0.0.1:{port}"
    wait_healthy(f"{base}/health", process, log)
    step(f"up (pid {process.pid}): {' '.join(map(str, process.args))}")
    return base


def graphql_server(store: Path, port: int, pin: list[str]) -> list[str]:
    flags = ["--store", str(store), "--host", "127.0.0.1", "--port", str(port), "--demo", "false"]
    # wrk is one client at thousands of requests a second: the per-client rate limit would answer 429
    return [*pin, *graphsvc_command(), "serve", *flags, "--rate-limit", "", "--log-level", "warning"]


def bare_server(store: Path, port: int, pin: list[str]) -> list[str]:
    return [*pin, sys.executable, str(BARE_APP), "--store", str(store), "--port", str(port), "--log-level", "warning"]


# -- checks before loading ------------------------------------------------------------------------------------------
def check_graphql_lookups(url: str, bodies: list[dict]) -> None:
    """Every body must find its stakeholder: null answers would flatter the figures."""
    for body in bodies:
        status, answer = post(url, body)
        found = (answer.get("data") or {}).get("stakeholder") or {}
        if status != 200 or answer.get("errors") or found.get("id") != body["variables"]["id"]:
            raise RuntimeError(f"{url} answered {status} {answer} to {body}")


def check_bare_lookups(url: str, bodies: list[dict]) -> None:
    for body in bodies:
        status, answer = post(url, body)
        if status != 200 or answer.get("id") != body["id"]:
            raise RuntimeError(f"{url} answered {status} {answer} to {body}")


def query_fields(url: str) -> set[str]:
    _, answer = post(url, {"query": FIELDS_OF_QUERY})
    return {f["name"] for f in ((answer.get("data") or {}).get("__type") or {}).get("fields", [])}


def probe_paths(url: str, bodies: list[dict], count: int = 20) -> str | None:
    """None when connectionPaths answers (saying how many of ``count`` pairs have a path); else why not."""
    if "connectionPaths" not in query_fields(url):
        return "the schema has no Query.connectionPaths field yet"
    with_path = 0
    for body in bodies[:count]:
        status, answer = post(url, body)
        if status != 200 or answer.get("errors"):
            return f"connectionPaths answered {status}: {json.dumps(answer)[:300]}"
        with_path += bool(answer["data"]["connectionPaths"])
    step(f"connectionPaths: {with_path} of {min(count, len(bodies))} probe pairs have a path within 4 hops")
    return None


# -- wrk --------------------------------------------------------------------------------------------------------------
def write_lua(path: Path, bodies: list[dict], token: str | None = None) -> Path:
    lines = ",\n".join(f"  [==[{json.dumps(body, separators=(',', ':'))}]==]" for body in bodies)
    text = LUA % lines
    if token:
        json_header = 'wrk.headers["Content-Type"] = "application/json"'
        text = text.replace(json_header, f'{json_header}\nwrk.headers["Authorization"] = "Bearer {token}"')
    path.write_text(text)
    return path


def wrk(url: str, lua: Path, connections: int, seconds: float, pin: list[str]) -> dict[str, float]:
    """One wrk run (one thread): requests/s, p50, p99 and max latency (ms), the error count."""
    command = [*pin, "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(lua), url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next((line for line in out.splitlines() if line.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"no figures in wrk's output:\n{out}")
    raw = json.loads(line[4:])
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "requests": raw["requests"],
        "errors": raw["errors"],
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def measure(url: str, lua: Path, connections: int, args: argparse.Namespace, pin: list[str], pid: int) -> dict:
    """wrk's figures after a warm-up, and the server's CPU time per request (steadier than req/s on a busy box)."""
    wrk(url, lua, connections, args.warmup, pin)
    before = cpu_seconds(pid)
    figures = wrk(url, lua, connections, args.seconds, pin)
    figures["cpu_us_per_request"] = (cpu_seconds(pid) - before) / max(figures["requests"], 1) * 1e6
    return figures


# -- the run ----------------------------------------------------------------------------------------------------------
def run(args: argparse.Namespace, folder: Path, cleanup: ExitStack) -> dict[str, Any]:
    store = prepare_city(folder, args)
    BEARER["token"] = broker_token(store)  # the API asks as a broker, as the bare endpoint does
    server_pin, wrk_pin = cores()
    ports = free_ports(2)
    step("starting both servers (graphsvc serve, bare_app.py)")
    graphql = start(graphql_server(store, ports[0], server_pin), folder / "graphql.log", cleanup)
    bare = start(bare_server(store, ports[1], server_pin), folder / "bare.log", cleanup)
    step("sampling visible stakeholders meanwhile")
    nodes = visible_stakeholders(store)
    rng = random.Random(args.seed)
    graphql_bodies, bare_bodies = lookup_bodies(nodes, args.ids, rng)
    paths = path_bodies(nodes, args.ids, rng)
    graphql_url = up(graphql, ports[0], folder / "graphql.log") + "/graphql"
    bare_url = up(bare, ports[1], folder / "bare.log") + "/lookup"
    check_graphql_lookups(graphql_url, graphql_bodies)
    check_bare_lookups(bare_url, bare_bodies)
    graphql_lua = write_lua(folder / "lookup_graphql.lua", graphql_bodies, BEARER["token"])
    bare_lua = write_lua(folder / "lookup_bare.lua", bare_bodies)

    cases: dict[str, dict[int, dict]] = {"graphql stakeholder": {}, "bare Starlette lookup": {}}
    result: dict[str, Any] = {
        "stakeholders": len(nodes),
        "lookup_ids": len(bare_bodies),
        "uvicorn": uvicorn_stack(),
        "cases": cases,
    }
    check_quiet(result, "before the runs")
    for connections in CONNECTIONS:  # interleaved, so that both see the same machine
        step(f"stakeholder lookup, {connections} connection(s), graphql then bare")
        cases["graphql stakeholder"][connections] = measure(
            graphql_url, graphql_lua, connections, args, wrk_pin, graphql.pid
        )
        cases["bare Starlette lookup"][connections] = measure(bare_url, bare_lua, connections, args, wrk_pin, bare.pid)
    result["paths_skipped"] = probe_paths(graphql_url, paths)
    if result["paths_skipped"] is None:
        step("connectionPaths, 1 connection")
        lua = write_lua(folder / "paths_graphql.lua", paths, BEARER["token"])
        cases["graphql connectionPaths"] = {1: measure(graphql_url, lua, 1, args, wrk_pin, graphql.pid)}
    else:
        step(f"connectionPaths skipped: {result['paths_skipped']}")
    return result


# -- report -----------------------------------------------------------------------------------------------------------
def figures(result: dict[str, Any]) -> dict[str, Any]:
    """The ratios graphql/bare (by req/s, and by the server's CPU per request) and the targets, added to ``result``."""
    cases = result["cases"]
    ours, bare = cases["graphql stakeholder"], cases["bare Starlette lookup"]
    result["ratio"] = {c: ours[c]["rps"] / bare[c]["rps"] for c in CONNECTIONS}
    result["cpu_ratio"] = {c: bare[c]["cpu_us_per_request"] / ours[c]["cpu_us_per_request"] for c in CONNECTIONS}
    paths = cases.get("graphql connectionPaths", {}).get(1)
    p99 = paths["p99_ms"] if paths else None
    result["targets"] = {
        "ratio_32": {"value": result["ratio"][32], "target": TARGETS["ratio_32"]},
        "paths_p99_ms": {"value": p99, "target": TARGETS["paths_p99_ms"]},
    }
    result["targets"]["ratio_32"]["met"] = result["ratio"][32] >= TARGETS["ratio_32"]
    result["targets"]["paths_p99_ms"]["met"] = None if p99 is None else p99 <= TARGETS["paths_p99_ms"]
    return result


def print_table(result: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\ncity: {args.stakeholders:,} stakeholders, {args.relations:,} relations, seed {args.seed}; "
        f"{result['stakeholders']:,} visible; requests rotate over {result['lookup_ids']} ids (or pairs); "
        f"{args.seconds:g} s per figure; uvicorn {result['uvicorn']}\n"
    )
    print(f"{'case':<26}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>7}{'cpu us/req':>12}")
    for name, runs in result["cases"].items():
        for connections, r in runs.items():
            print(
                f"{name:<26}{connections:>6}{r['rps']:>9,.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                f"{r['max_ms']:>9.1f}{r['errors']:>7}{r['cpu_us_per_request']:>12,.0f}"
            )
    if result["paths_skipped"]:
        print(f"{'graphql connectionPaths':<26}{1:>6}  skipped: {result['paths_skipped']}")
    for moment, share in result["busy_before"].items():
        if share > 0.1:
            print(f"note: {share:.0%} of the CPUs were busy with other work {moment}: req/s low, latencies noisy")
    print(f"\n{'figure':<54}{'measured':>10}{'target':>10}  met")
    ratio = result["targets"]["ratio_32"]
    print(f"{'graphql/bare req/s, 32 connections':<54}{ratio['value']:>10.2f}{'>= 0.3':>10}  {met(ratio['met'])}")
    print(f"{'graphql/bare req/s, 1 connection':<54}{result['ratio'][1]:>10.2f}")
    for connections in reversed(CONNECTIONS):
        what = f"graphql/bare by server CPU per request, {connections} conn."
        print(f"{what:<54}{result['cpu_ratio'][connections]:>10.2f}")
    paths = result["targets"]["paths_p99_ms"]
    measured = "skipped" if paths["value"] is None else f"{paths['value']:.2f}"
    print(f"{'connectionPaths p99 ms, 1 connection':<54}{measured:>10}{'<= 25':>10}  {met(paths['met'])}")
    print()


def met(flag: bool | None) -> str:
    return "-" if flag is None else "yes" if flag else "NO"


# -- main -------------------------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=12, help="measured seconds per figure (default 12)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each figure (default 3)")
    parser.add_argument("--ids", type=int, default=300, help="stakeholders (and pairs) the requests rotate over")
    parser.add_argument("--keep", type=Path, help="make the city here and keep it; re-used when it is there")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(f"api_http: {WRK_MISSING}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-ups (servers stopped) on kill too
    try:
        with ExitStack() as cleanup:  # servers stopped and the temp dir removed however the run ends
            folder = args.keep or Path(tempfile.mkdtemp(prefix="graphsvc-api-bench-"))
            folder.mkdir(parents=True, exist_ok=True)
            if args.keep is None:
                cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
            result = figures(run(args, folder, cleanup))
    except KeyboardInterrupt:
        print("api_http: interrupted; servers stopped", file=sys.stderr)
        return 130
    print_table(result, args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
