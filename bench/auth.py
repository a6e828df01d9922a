"""What authorization costs: the API as a broker with a token against the same API without authorization.

Two servers on the same store, one core, measured in turns with wrk at 1 connection (``api_http.py``'s helpers):

* **ours**: ``graphsvc serve`` as shipped; every request carries ``Authorization: Bearer`` with a broker token
  (for every municipality), so each one resolves the token (a dict look-up, a store read once a second),
  checks the root fields' permissions, answers from the broker's view, and writes reads that named a
  resident to the audit log (in batches, from a worker thread).
* **the floor**: the same app started by this script with authorization taken out: no token look-up (every
  caller is a broker, as before tokens), no permission check and no read audit
  (``operation.Operations`` without ``forbidden`` and ``audit_reads``).

Figures: p50/p99 of a ``stakeholder`` lookup and of ``connectionPaths(maxHops: 4, first: 3)`` between stakeholders
of one district (``api_http.lookup_bodies`` / ``path_bodies``: visible stakeholders, residents included), and
the server's CPU per request. Target (issue #13): p99 with authorization at most 10% above the floor's.

    python bench/auth.py --keep /tmp/graphsvc-auth-city               # 20k stakeholders / 200k relations
    python bench/auth.py --stakeholders 100000 --relations 1000000    # the api_http.py city
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_http as h

TARGET = 1.10  # p99 with authorization / p99 without


def serve_without_authorization(store: str, port: int) -> None:
    """Serve the app with the token look-up, the permission check and the read audit taken out."""
    import uvicorn

    from graphsvc.api import app as app_module
    from graphsvc.api import guard as guard_module
    from graphsvc.api import http as http_module
    from graphsvc.api import operation as operation_module
    from graphsvc.engine import BROKER
    from graphsvc.settings import Settings
    from graphsvc.store import open_store

    async def broker(request: Any, engine: Any) -> Any:
        return BROKER

    http_module.viewer_of = broker  # type: ignore[assignment]
    app_module.viewer_of = broker  # type: ignore[assignment]
    guard_module.forbidden = lambda viewer, document, operation_name: []  # type: ignore[assignment]
    operation_module.audit_reads = lambda context, document, operation_name, data: None  # type: ignore[assignment]
    settings = Settings(store=store, port=port, demo=False, rate_limit="")  # as graphql_server: no 429s
    app = app_module.build_app(settings, open_store(store))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def lua(path: Path, bodies: list[dict], token: str | None) -> Path:
    return h.write_lua(path, bodies, token)


def check(url: str, bodies: list[dict], token: str | None) -> None:
    import httpx

    headers = {"authorization": f"Bearer {token}"} if token else {}
    for body in bodies[:50]:
        answer = httpx.post(url, json=body, headers=headers, timeout=60).json()
        if answer.get("errors"):
            raise RuntimeError(f"{url} answered {answer} to {body}")


def settled(url: str, token: str | None, timeout: float = 1200.0) -> None:
    """Wait until the server's background measures are done: they share the core and would be measured too."""
    import time

    import httpx

    query = "{ brokers(first: 1) { freshness { pending } } communities { freshness { pending } } }"
    headers = {"authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = httpx.post(url, json={"query": query}, headers=headers, timeout=600).json()["data"]
        if not data["brokers"]["freshness"]["pending"] and not data["communities"]["freshness"]["pending"]:
            return
        time.sleep(2)
    raise RuntimeError(f"{url}: brokers and communities still pending after {timeout:.0f} s")


def run(args: argparse.Namespace, folder: Path, cleanup: ExitStack) -> dict[str, Any]:
    store = h.prepare_city(folder, args)
    token = h.broker_token(store)
    server_pin, wrk_pin = h.cores()
    ports = h.free_ports(2)
    h.step("starting both servers (graphsvc serve; the same app without authorization)")
    ours = h.start(h.graphql_server(store, ports[0], server_pin), folder / "auth.log", cleanup)
    floor_command = [*server_pin, sys.executable, __file__, "--serve-floor", str(store), "--port", str(ports[1])]
    floor = h.start(floor_command, folder / "floor.log", cleanup)
    nodes = h.visible_stakeholders(store)
    rng = random.Random(args.seed)
    lookups, _ = h.lookup_bodies(nodes, args.ids, rng)
    paths = h.path_bodies(nodes, args.ids, rng)
    ours_url = h.up(ours, ports[0], folder / "auth.log") + "/graphql"
    floor_url = h.up(floor, ports[1], folder / "floor.log") + "/graphql"
    for url, secret in ((ours_url, token), (floor_url, None)):
        check(url, lookups, secret)
        check(url, paths, secret)
    h.step("waiting until both servers have computed brokers and communities (they run in the background)")
    for url, secret in ((ours_url, token), (floor_url, None)):
        settled(url, secret)
    scripts = {
        ("lookup", "ours"): lua(folder / "lookup_auth.lua", lookups, token),
        ("lookup", "floor"): lua(folder / "lookup_floor.lua", lookups, None),
        ("paths", "ours"): lua(folder / "paths_auth.lua", paths, token),
        ("paths", "floor"): lua(folder / "paths_floor.lua", paths, None),
    }
    result: dict[str, Any] = {"stakeholders": len(nodes), "uvicorn": h.uvicorn_stack(), "rounds": []}
    h.check_quiet(result, "before the runs")
    for round_ in range(args.rounds):  # in turns, so that both see the same machine
        figures: dict[str, dict] = {}
        for case in ("lookup", "paths"):
            for who, url, process in (("floor", floor_url, floor), ("ours", ours_url, ours)):
                h.step(f"round {round_ + 1}: {case}, {who}")
                figures[f"{case} {who}"] = h.measure(url, scripts[(case, who)], 1, args, wrk_pin, process.pid)
        result["rounds"].append(figures)
    return result


def report(result: dict[str, Any]) -> None:
    def median(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    print(
        f"{result['stakeholders']} visible stakeholders; uvicorn {result['uvicorn']}; {len(result['rounds'])} round(s)"
    )
    print(f"{'case':<22}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'CPU us/req':>12}")
    summary = {}
    for case in ("lookup", "paths"):
        for who in ("floor", "ours"):
            rows = [r[f"{case} {who}"] for r in result["rounds"]]
            med = {k: median([row[k] for row in rows]) for k in ("p50_ms", "p99_ms", "rps", "cpu_us_per_request")}
            summary[f"{case} {who}"] = med
            label = f"{case} {'with token' if who == 'ours' else 'no authorization'}"
            print(
                f"{label:<22}{med['p50_ms']:>9.2f}{med['p99_ms']:>9.2f}{med['rps']:>9.0f}{med['cpu_us_per_request']:>12.0f}"
            )
        ratio = summary[f"{case} ours"]["p99_ms"] / summary[f"{case} floor"]["p99_ms"]
        met = "met" if ratio <= TARGET else "NOT met"
        print(f"{case} p99 with/without authorization: {ratio:.3f} (target <= {TARGET:.2f}): {met}")
        summary[f"{case} p99 ratio"] = ratio  # type: ignore[assignment]
    result["summary"] = summary
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=20_000)
    parser.add_argument("--relations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per figure")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds before each figure")
    parser.add_argument("--ids", type=int, default=300, help="stakeholders (and pairs) the requests rotate over")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all four figures; medians are reported")
    parser.add_argument("--keep", type=Path, help="make the city here and keep it; re-used when it is there")
    parser.add_argument("--serve-floor", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        serve_without_authorization(args.serve_floor, args.port)
        return
    with ExitStack() as cleanup, tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        report(run(args, folder, cleanup))


if __name__ == "__main__":
    main()
