"""What the explorer's browser tests share: Debian's Chromium (installed when missing and we are
root), ``graphsvc serve`` as a subprocess on 127.0.0.1 with a temporary SQLite store, and small
helpers that read the page through its mirrored tables and its URL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

from .serving import GRAPHSVC as GRAPHSVC  # for bench/explorer_render.py
from .serving import served

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
ROOT = Path(__file__).resolve().parent.parent
AXE = "/static/vendor/axe-core/axe.min.js"
# Times each click on the drawing: from the button's release to the frame that shows the choice
# (window.__clicks, in ms). Shared by tests/test_explorer.py and bench/explorer_render.py.
CLICK_TIMER = """() => {
  window.__clicks = [];
  document.querySelector('#cy').addEventListener('mouseup', (e) => { window.__up = e.timeStamp; }, { capture: true });
  const select = explorer.select;
  explorer.select = function (...args) {
    const answer = select.apply(this, args);
    requestAnimationFrame(() => setTimeout(() => window.__clicks.push(performance.now() - window.__up)));
    return answer;
  };
}"""
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


@contextmanager
def serve(store: Path, *extra: str, timeout: float = 60.0) -> Iterator[str]:
    """``graphsvc serve`` on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    with served(store, None, *extra, timeout=timeout) as server:
        yield server.url


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
            name: r.querySelector('th').textContent.trim(), hops: r.cells[2].textContent.trim()}))""",
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


# Words only English has, looked for on the Dutch page, and words only Dutch has, looked for on the
# English page (none of them is in a name of the demo city; names are marked translate="no").
ENGLISH_ONLY = [
    "the",
    "and",
    "with",
    "works",
    "shared",
    "steps",
    "capacity",
    "initiative",
    "both",
    "contacts",
    "within",
    "offers",
    "needs",
    "relations",
    "stakeholders",
    "connection",
    "show",
    "accept",
    "reject",
    "neighbourhood",
    "found",
    "none",
    "theme",
    "themes",
    "load",
    "already",
    "who",
    "what",
    "for",
    "on",
    "to",
    "from",
    "member",
    "members",
    "group",
    "groups",
    "nobody",
]
DUTCH_ONLY = [
    "niet",
    "werkt",
    "gedeelde",
    "stappen",
    "behoeften",
    "biedt",
    "allebei",
    "ontmoet",
    "bijeenkomst",
    "capaciteit",
    "verbinding",
    "belanghebbenden",
    "belanghebbende",
    "relaties",
    "inwoner",
    "inwoners",
    "soort",
    "waarom",
    "tonen",
    "zoeken",
    "een",
    "wie",
    "ook",
    "nog",
    "bij",
    "lid",
    "kent",
    "steunt",
    "accepteren",
    "afwijzen",
    "gebieden",
    "suggesties",
    "niemand",
]


def visible_text(page) -> str:  # type: ignore[no-untyped-def]
    """What a person reads on the page in its language: visible text (screen-reader-only text too),
    labels for assistive technology, and the drawing's own words (relation kinds, groups); names
    (translate="no") and text marked as another language (lang=...) left out."""
    return page.evaluate(
        """() => {
          const lang = document.documentElement.lang;
          const out = [];
          const skip = (el) => {
            if (!el || el.closest('[translate="no"], script, style')) return true;
            const other = el.closest('[lang]:not(html)');
            return !!other && other.lang !== lang;
          };
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (skip(el) || !el.checkVisibility({checkVisibilityCSS: true})) continue;
            out.push(n.textContent);
          }
          for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
            if (skip(el) || !el.checkVisibility({checkVisibilityCSS: true})) continue;
            for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
          }
          const cy = window.explorer?.graph?.cy;
          if (cy) {
            cy.edges().forEach(e => { if (e.visible()) out.push(e.data('label') || ''); });
            cy.nodes('.group').forEach(n => { if (n.visible()) out.push(n.data('label') || ''); });
          }
          return out.join(' \\n ');
        }"""
    )


def wrong_language(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Words of the other language on the page (empty: the page speaks one language)."""
    import re

    text = visible_text(page)
    words = ENGLISH_ONLY if page.evaluate("document.documentElement.lang") == "nl" else DUTCH_ONLY
    found = []
    for word in words:
        for m in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text, re.IGNORECASE):
            found.append(f"{word!r} in …{text[max(0, m.start() - 40) : m.end() + 40]!r}…")
            break
    return found


class Tab:
    """A fresh browser tab on ``server``, signed in with the token ``secret`` (None: the public), as a
    user who pasted it: every request it makes is recorded; ``close`` fails when one left 127.0.0.1
    or the console showed an error."""

    def __init__(  # type: ignore[no-untyped-def]
        self, browser, server: str, secret: str | None, viewport: tuple[int, int], locale: str | None = None
    ) -> None:
        self.server = server
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True, locale=locale
        )
        if secret:
            self.context.add_init_script(
                "if (!sessionStorage.getItem('graphsvc.token')) "
                f"sessionStorage.setItem('graphsvc.token', {json.dumps(secret)})"
            )
        self.page = self.context.new_page()
        self.requests: list = []
        self.problems: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.server}/{query}")
        if "focus=" in query or "view=" in query:
            wait_drawn(self.page)
        else:
            self.page.wait_for_function("() => document.documentElement.dataset.graph !== 'idle'")

    def external(self) -> list[str]:
        return [
            r.url
            for r in self.requests
            if not r.url.startswith(self.server) and not r.url.startswith(("data:", "blob:"))
        ]

    def close(self) -> None:
        assert self.external() == [], self.external()
        assert self.problems == [], self.problems
        self.context.close()
