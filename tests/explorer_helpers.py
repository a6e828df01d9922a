"""What the explorer's browser tests share: Debian's Chromium (installed when missing and we are
root), ``graphsvc serve`` as a subprocess on 127.0.0.1 with a temporary SQLite store, and small
helpers that read the page through its mirrored tables and its URL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))
ROOT = Path(__file__).resolve().parent.parent
AXE = "/static/vendor/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Global ids of the demo city (base64 of "Type:key", as the API makes them).
DOCK = "V2lqa3BhcnRuZXI6ZG9jay11dHJlY2h0"
RESIDENT_OVERVECHT = "UmVzaWRlbnQ6cmVzLW92ZXJ2ZWNodC0wNTc"
OKE_NU = "SW5pdGlhdGl2ZTpva2UtbnU"


def chromium_or_reason() -> str | None:
    """None when Debian's Chromium is there (installing it when missing and we are root), else why not."""
    if Path(CHROMIUM).exists():
        return None
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-qq"], env=env, check=False, capture_output=True)
        subprocess.run([apt, "install", "-y", "-qq", "chromium"], env=env, check=False, capture_output=True)
        if Path(CHROMIUM).exists():
            return None
    return f"{CHROMIUM} is missing and could not be installed (apt-get install -y chromium as root)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(store: Path, *extra: str, timeout: float = 60.0) -> Iterator[str]:
    """``graphsvc serve`` on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE": str(store), "GRAPHSVC_PORT": str(port), "GRAPHSVC_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [GRAPHSVC, "serve", "--log-level", "warning", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"graphsvc serve stopped: {process.stderr.read() if process.stderr else ''}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("graphsvc serve did not come up")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def make_token(store: Path, role: str = "editor", *more: str) -> str:
    """An API token in ``store`` (made with ``graphsvc token create``), before or while it is served."""
    made = subprocess.run(
        [GRAPHSVC, "token", "create", "--store", str(store), "--role", role, *more],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def graphql(url: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def url_state(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The view's state as the URL holds it: {param: value}."""
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_drawn(page, timeout: float = 15_000) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("() => document.documentElement.dataset.graph === 'drawn'", timeout=timeout)


def mirrored_nodes(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The stakeholders the mirrored table lists: id, name, kind, hops."""
    return page.eval_on_selector_all(
        "#mirror table.ex-nodes tbody tr",
        """rows => rows.map(r => ({id: r.dataset.id, kind: r.dataset.kind,
            name: r.querySelector('th').innerText.trim(), hops: r.cells[2].innerText.trim()}))""",
    )


def mirrored_edges(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#mirror table.ex-edges tbody tr",
        "rows => rows.map(r => ({source: r.dataset.source, target: r.dataset.target, kind: r.dataset.kind}))",
    )


def axe_violations(page, context: str = "document") -> list[dict]:  # type: ignore[no-untyped-def]
    """WCAG 2.1 A/AA violations axe-core (the vendored copy, loaded from the page's own server) finds."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE)
    result = page.evaluate(
        f"async () => (await axe.run({context}, {{runOnly: {{type: 'tag', values: {WCAG_AA!r}}}}})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]], "help": v["help"]}
        for v in result
    ]


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a picture of the page into $EXPLORER_SCREENSHOTS (docs/screenshots when asked), if set."""
    folder = os.environ.get("EXPLORER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
