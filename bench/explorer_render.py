"""First render of a 2-hop ego view in the explorer on the synthetic city (100k stakeholders, 1M relations).

What it does, as a user would: ``graphsvc generate`` the city, ``graphsvc import`` it into a fresh
SQLite store, ``graphsvc serve --demo false`` it on 127.0.0.1, then Debian's headless Chromium
(Playwright) opens ``/?focus=<id>&depth=2`` for several stakeholders, each in a fresh browser
context (an empty cache: the first visit a broker makes), signed in with a broker's token (the
public may not ask for a network), once the server has computed the brokers and communities it
starts with. The figure is the time from navigation start to the mark the page sets once the graph
is laid out and painted (``performance.mark("graph-drawn")``, with ``<html data-graph="drawn">``),
and of it the time until the model was loaded from the API (``graph-loaded``). Beside it: the same
egoNetwork query over HTTP without a browser (the API's share), and a warm reload (static files
revalidated). Then, for the
best connected of the partners measured, a depth-3 view: how long a click on a stakeholder takes
until the frame that shows the choice (the pointer rests on it first, as a person's does).

    python bench/explorer_render.py                          # 100k / 1M: generating and importing take minutes
    python bench/explorer_render.py --stakeholders 10000 --relations 100000   # a quick run
    python bench/explorer_render.py --keep /tmp/city          # keep (and reuse) city.json and city.sqlite

It prints a table, then all figures as one line of JSON (the last line of stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.explorer_helpers import CHROMIUM, CHROMIUM_ARGS, CLICK_TIMER, GRAPHSVC, Tab, make_token, serve

EGO = """query($id: ID!) { egoNetwork(id: $id, hops: 2, first: 150) {
  truncated nodes { hops node { __typename id ... on Stakeholder { name kind themes { key }
  areas { code name level parent { code name level } } } ... on Meeting { name date } } }
  relations { kind source { id } target { id } } } }"""


def prepare(folder: Path, stakeholders: int, relations: int, seed: int) -> Path:
    city, store = folder / "city.json", folder / "city.sqlite"
    if not store.exists():
        if not city.exists():
            started = time.perf_counter()
            subprocess.run(
                [
                    GRAPHSVC,
                    "generate",
                    "--stakeholders",
                    str(stakeholders),
                    "--relations",
                    str(relations),
                    "--seed",
                    str(seed),
                    "--out",
                    str(city),
                ],
                check=True,
            )
            print(f"generated {city} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        subprocess.run([GRAPHSVC, "import", "--quiet", "--store", str(store), str(city)], check=True)
        print(f"imported into {store} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return store


def centres(url: str, secret: str, count: int) -> list[str]:
    """Stakeholders of every kind, so that small and large neighbourhoods are both measured."""
    ids: list[str] = []
    for kind in ["WIJKPARTNER", "INITIATIVE", "ORGANISATION", "RESIDENT", "MUNICIPALITY_ROLE"]:
        query = "query($k: [StakeholderKind!]) { stakeholders(kinds: $k, first: 3) { nodes { id } } }"
        variables = {"k": [kind]}
        body = httpx.post(
            f"{url}/graphql", json={"query": query, "variables": variables}, headers=bearer(secret), timeout=60
        ).json()
        ids += [n["id"] for n in body["data"]["stakeholders"]["nodes"]]
    return ids[:count]


def wait_drawn(page) -> None:  # type: ignore[no-untyped-def]
    """Until the page has drawn its view; fails with the page's error when it drew nothing."""
    page.wait_for_function("() => ['drawn', 'empty'].includes(document.documentElement.dataset.graph)", timeout=120_000)
    if page.evaluate("document.documentElement.dataset.graph") != "drawn":
        raise RuntimeError(f"nothing drawn: {page.inner_text('#error')!r}")


FRESHNESS = "{ brokers(first: 1) { freshness { stale pending } } communities { freshness { stale pending } } }"


def wait_measures(url: str, secret: str, timeout: float = 900) -> float:
    """Until the brokers and communities the server computes after start-up are there (seconds
    waited): a broker's first visit meets a server that has started, not one still computing them."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        body = httpx.post(f"{url}/graphql", json={"query": FRESHNESS}, headers=bearer(secret), timeout=60).json()
        if not any(f["freshness"]["stale"] or f["freshness"]["pending"] for f in body["data"].values()):
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"brokers and communities not computed {timeout:.0f} s after start")


def bearer(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


def api_ms(url: str, secret: str, node: str) -> float:
    started = time.perf_counter()
    body = {"query": EGO, "variables": {"id": node}}
    response = httpx.post(f"{url}/graphql", json=body, headers=bearer(secret), timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    assert "errors" not in response.json(), response.text[:500]
    return elapsed


def click_latency(browser, url: str, secret: str, node: str, clicks: int = 9) -> dict:  # type: ignore[no-untyped-def]
    tab = Tab(browser, url, secret, (1366, 800))
    page = tab.page
    page.goto(f"{url}/?focus={node}&depth=3")
    wait_drawn(page)
    page.locator("#cy").scroll_into_view_if_needed()
    page.evaluate(CLICK_TIMER)
    targets = page.evaluate(f"explorer.graph.cy.nodes(':visible').not('.group').map(n => n.id()).slice(0, {clicks})")
    for i, target in enumerate(targets):
        spot = page.evaluate(f"explorer.graph.pagePosition({target!r})")
        page.mouse.move(spot["x"] - page.evaluate("scrollX"), spot["y"] - page.evaluate("scrollY"))
        page.wait_for_timeout(150)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_function(f"() => window.__clicks.length >= {i + 1}")
    times = page.evaluate("window.__clicks")
    size = page.evaluate("[explorer.model.nodes.size, explorer.model.edges.size]")
    tab.close()
    return {"id": node, "nodes": size[0], "relations": size[1], "click_ms": times}


def measure(url: str, secret: str, ids: list[str]) -> tuple[list[dict], dict | None]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for node in ids:
            tab = Tab(browser, url, secret, (1366, 900))
            page = tab.page
            page.goto(f"{url}/?focus={node}&depth=2")
            wait_drawn(page)
            cold = page.evaluate("performance.getEntriesByName('graph-drawn')[0].startTime")
            loaded = page.evaluate("performance.getEntriesByName('graph-loaded')[0].startTime")
            shown = page.evaluate("explorer.model.nodes.size"), page.evaluate("explorer.model.edges.size")
            page.reload()
            wait_drawn(page)
            warm = page.evaluate("performance.getEntriesByName('graph-drawn')[0].startTime")
            tab.close()
            rows.append(
                {
                    "id": node,
                    "nodes": shown[0],
                    "relations": shown[1],
                    "cold_ms": cold,
                    "loaded_ms": loaded,
                    "warm_ms": warm,
                    "api_ms": api_ms(url, secret, node),
                }
            )
        hub = max((r for r in rows if r["id"] in ids[:3]), key=lambda r: r["nodes"], default=None)
        clicks = click_latency(browser, url, secret, hub["id"]) if hub else None
        browser.close()
    return rows, clicks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--centres", type=int, default=10, help="stakeholders to put in the middle, one run each")
    parser.add_argument("--keep", type=Path, help="folder for city.json and city.sqlite (reused when there)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        store = prepare(folder, args.stakeholders, args.relations, args.seed)
        secret = make_token(store, "broker")
        started = time.perf_counter()
        with serve(store, "--demo", "false", timeout=600) as url:
            print(f"serve answered after {time.perf_counter() - started:.1f} s", file=sys.stderr)
            waited = wait_measures(url, secret)
            print(f"brokers and communities computed {waited:.1f} s later", file=sys.stderr)
            rows, clicks = measure(url, secret, centres(url, secret, args.centres))

    print(
        f"{'centre':<32} {'nodes':>5} {'rels':>5} {'first render ms':>15} {'of it loaded':>12} {'drawn':>6}"
        f" {'warm ms':>8} {'API ms':>7}"
    )
    for r in rows:
        print(
            f"{r['id']:<32} {r['nodes']:>5} {r['relations']:>5} {r['cold_ms']:>15.0f} {r['loaded_ms']:>12.0f}"
            f" {r['cold_ms'] - r['loaded_ms']:>6.0f} {r['warm_ms']:>8.0f} {r['api_ms']:>7.1f}"
        )
    cold = [r["cold_ms"] for r in rows]
    summary = {
        "city": {"stakeholders": args.stakeholders, "relations": args.relations, "seed": args.seed},
        "runs": len(rows),
        "first_render_ms": {"p50": statistics.median(cold), "max": max(cold)},
        "loaded_ms": {"p50": statistics.median(r["loaded_ms"] for r in rows)},
        "drawn_after_loaded_ms": {"p50": statistics.median(r["cold_ms"] - r["loaded_ms"] for r in rows)},
        "warm_render_ms": {"p50": statistics.median(r["warm_ms"] for r in rows)},
        "api_ms": {"p50": statistics.median(r["api_ms"] for r in rows)},
        "nodes": {"p50": statistics.median(r["nodes"] for r in rows), "max": max(r["nodes"] for r in rows)},
        "rows": rows,
        "depth3_click_ms": {
            "centre": clicks["id"],
            "nodes": clicks["nodes"],
            "p50": statistics.median(clicks["click_ms"]),
            "max": max(clicks["click_ms"]),
            "all": clicks["click_ms"],
        }
        if clicks
        else None,
        "load_per_cpu": os.getloadavg()[0] / (os.cpu_count() or 1),
    }
    print(
        f"first render of a 2-hop ego view: p50 {summary['first_render_ms']['p50']:.0f} ms, "
        f"max {summary['first_render_ms']['max']:.0f} ms (of it: loaded p50 {summary['loaded_ms']['p50']:.0f} ms, "
        f"then drawn and painted p50 {summary['drawn_after_loaded_ms']['p50']:.0f} ms; "
        f"warm p50 {summary['warm_render_ms']['p50']:.0f} ms, API alone p50 {summary['api_ms']['p50']:.1f} ms; "
        f"machine load {summary['load_per_cpu']:.1f} per CPU)"
    )
    if clicks:
        print(
            f"a click on a depth-3 view of {clicks['id']} ({clicks['nodes']} stakeholders): "
            f"p50 {summary['depth3_click_ms']['p50']:.0f} ms, max {summary['depth3_click_ms']['max']:.0f} ms "
            f"(machine load {summary['load_per_cpu']:.1f} per CPU)"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
