"""The explorer end to end: Debian's headless Chromium (Playwright) drives the page that a real
``graphsvc serve`` subprocess serves on 127.0.0.1 from the demo city in a temporary SQLite store.
What the page shows is read through its mirrored tables and lists, and the view's state through
the URL; axe-core (the vendored copy) checks WCAG 2.1 A/AA."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .explorer_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DOCK,
    GRAPHSVC,
    OKE_NU,
    RESIDENT_OVERVECHT,
    axe_violations,
    chromium_or_reason,
    graphql,
    make_token,
    mirrored_edges,
    mirrored_nodes,
    screenshot,
    serve,
    url_state,
    wait_drawn,
)

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")

_missing = chromium_or_reason()
if _missing and os.environ.get("CI"):
    pytest.fail(_missing, pytrace=False)
pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")


TOKENS: dict[str, str] = {}  # role -> a token of the module's server (pages sign in as the editor)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("explorer") / "graph.sqlite"
    TOKENS.update({role: make_token(store, role) for role in ("editor", "broker")})
    TOKENS["broker-GM0344"] = make_token(store, "broker", "--municipality", "GM0344")
    with serve(store) as url:
        TOKENS["store"] = str(store)
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium (never a downloaded browser build), headless."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


class Page:
    """A fresh page on the server: every request it makes is recorded, and none may leave 127.0.0.1."""

    def __init__(  # type: ignore[no-untyped-def]
        self, browser, server: str, viewport: tuple[int, int] = (1366, 900), token: str | None = "editor"
    ) -> None:
        self.server = server
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
        )
        if token:  # signed in as this role for the tab, as a user who pasted the token
            secret = json.dumps(TOKENS[token])
            self.context.add_init_script(
                f"if (!sessionStorage.getItem('graphsvc.token')) sessionStorage.setItem('graphsvc.token', {secret})"
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


@pytest.fixture
def ui(browser, server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    page = Page(browser, server)
    yield page
    page.close()


def test_the_page_and_its_assets_come_from_graphsvc(server: str, ui: Page):
    index = httpx.get(f"{server}/")
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    assert "default-src 'self'" in index.headers["content-security-policy"]
    module = httpx.get(f"{server}/static/vendor/cytoscape/cytoscape.esm.min.mjs")
    assert module.status_code == 200 and module.headers["content-type"].startswith("text/javascript")
    assert httpx.get(f"{server}/static/../api/pages.py").status_code == 404

    ui.open(f"?focus={DOCK}")
    paths = {r.url.removeprefix(ui.server).split("?")[0] for r in ui.requests}
    assert all(p == "/" or p == "/graphql" or p.startswith("/static/") for p in paths), paths
    assert {r.method for r in ui.requests if r.url.endswith("/graphql")} == {"POST"}
    assert "/static/vendor/utrecht/components.css" in paths


def test_type_ahead_search_puts_a_stakeholder_in_the_middle(ui: Page):
    page = ui.page
    ui.open()
    assert page.is_visible("#graph-empty")
    search = page.locator("#search-input")
    search.fill("dock")
    page.wait_for_selector("#search-list [role=option]")
    assert search.get_attribute("aria-expanded") == "true"
    names = page.locator("#search-list [role=option] .ex-option__name").all_inner_texts()
    assert "DOCK" in names
    for _ in range(names.index("DOCK") + 1):
        search.press("ArrowDown")
    assert search.get_attribute("aria-activedescendant")
    search.press("Enter")
    wait_drawn(page)
    assert url_state(page)["focus"] == DOCK

    nodes = mirrored_nodes(page)
    centre = [n for n in nodes if n["hops"] == "0"]
    assert [n["name"] for n in centre] == ["DOCK"]
    assert len(nodes) > 10 and {n["hops"] for n in nodes} == {"0", "1"}
    assert {e["source"] for e in mirrored_edges(page)} | {e["target"] for e in mirrored_edges(page)} >= {DOCK}
    legend = page.locator("#legend li[data-kind]").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert set(legend) == {n["kind"] for n in nodes}
    assert page.is_visible("#legend")
    assert "DOCK" in page.inner_text("#details-name")
    screenshot(page, "ego-depth-1")


def test_depth_stepper_grows_the_ego_network_and_the_url_keeps_it(ui: Page):
    page = ui.page
    ui.open(f"?focus={OKE_NU}")
    one = mirrored_nodes(page)
    page.click("#depth-more")
    wait_drawn(page)
    page.wait_for_function("() => document.querySelector('#depth-value').textContent === '2'")
    two = mirrored_nodes(page)
    assert url_state(page)["depth"] == "2"
    assert len(two) > len(one) and "2" in {n["hops"] for n in two}
    assert {n["id"] for n in one} <= {n["id"] for n in two}
    # The layout is concentric and fixed: the same view gives the same positions.
    first = page.evaluate("explorer.graph.cy.nodes().map(n => [n.id(), n.position()])")
    page.reload()
    wait_drawn(page)
    assert page.evaluate("explorer.graph.cy.nodes().map(n => [n.id(), n.position()])") == first
    assert len(mirrored_nodes(page)) == len(two)
    screenshot(page, "ego-depth-2")


def test_select_fades_others_then_hide_only_this_expand_and_fit(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}")
    nodes = mirrored_nodes(page)
    member = next(n for n in nodes if n["kind"] == "INITIATIVE")
    page.click(f'#mirror tr[data-id="{member["id"]}"] button')
    assert url_state(page)["sel"] == member["id"]
    assert page.get_attribute(f'#mirror tr[data-id="{member["id"]}"] button', "aria-pressed") == "true"
    faded = page.evaluate("explorer.graph.cy.nodes('.faded').length")
    assert 0 < faded < len(nodes)
    page.wait_for_function(f"() => document.querySelector('#details-name')?.textContent === {member['name']!r}")

    page.click("#act-expand")
    page.wait_for_function(f"() => explorer.state.expand.includes({member['id']!r})")
    page.wait_for_function(f"() => document.querySelectorAll('#mirror table.ex-nodes tbody tr').length > {len(nodes)}")
    assert "2" in {n["hops"] for n in mirrored_nodes(page)}
    assert url_state(page)["expand"] == member["id"]

    page.click(f'#mirror tr[data-id="{member["id"]}"] button')
    page.click("#act-only")
    page.wait_for_function("() => new URLSearchParams(location.search).has('only')")
    only = mirrored_nodes(page)
    assert member["id"] in {n["id"] for n in only} and len(only) < len(nodes) + 10
    edges = mirrored_edges(page)
    assert all(member["id"] in (e["source"], e["target"]) or DOCK in (e["source"], e["target"]) for e in edges)

    page.click("#act-reset")
    page.click(f'#mirror tr[data-id="{member["id"]}"] button')
    page.click("#act-hide")
    page.wait_for_function("() => new URLSearchParams(location.search).has('hide')")
    assert member["id"] not in {n["id"] for n in mirrored_nodes(page)}
    assert url_state(page)["hide"] == member["id"]
    page.click("#act-fit")
    zoom = page.evaluate("explorer.graph.cy.zoom()")
    assert zoom > 0


def test_keyboard_on_the_drawing_chooses_and_centres(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}")
    page.focus("#cy")
    page.keyboard.press("ArrowRight")  # the first in the drawing's order: the centre
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('sel') === {DOCK!r}")
    page.keyboard.press("ArrowRight")  # the next: a neighbour
    page.wait_for_function(f"() => (new URLSearchParams(location.search).get('sel') || {DOCK!r}) !== {DOCK!r}")
    chosen = url_state(page)["sel"]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('focus') === {chosen!r}")
    wait_drawn(page)
    assert [n["id"] for n in mirrored_nodes(page) if n["hops"] == "0"] == [chosen]
    page.go_back()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('focus') === {DOCK!r}")
    wait_drawn(page)
    assert [n["id"] for n in mirrored_nodes(page) if n["hops"] == "0"] == [DOCK]


def test_filter_chips_and_a_saved_view_link(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}&depth=2")
    everyone = mirrored_nodes(page)
    page.click("#filters summary")
    page.click('#chips button[data-group="kinds"][data-value="INITIATIVE"]')
    page.wait_for_function("() => new URLSearchParams(location.search).get('kinds') === 'INITIATIVE'")
    kept = mirrored_nodes(page)
    assert {n["kind"] for n in kept if n["id"] != DOCK} == {"INITIATIVE"}
    assert len(kept) < len(everyone)
    wijk = page.locator('#chips button[data-group="wijk"]').first.get_attribute("data-value")
    page.click(f'#chips button[data-group="wijk"][data-value="{wijk}"]')
    page.wait_for_function("() => new URLSearchParams(location.search).has('wijk')")
    saved = page.url
    narrowed = mirrored_nodes(page)
    assert len(narrowed) <= len(kept)
    screenshot(page, "filters")

    other = ui.context.new_page()
    other.goto(saved)
    wait_drawn(other)
    assert mirrored_nodes(other) == narrowed
    assert other.get_attribute('#chips button[data-value="INITIATIVE"]', "aria-pressed") == "true"
    other.close()


def test_two_stakeholders_paths_drawn_and_introducers_listed(server: str, ui: Page):
    page = ui.page
    ui.open(f"?focus={RESIDENT_OVERVECHT}")
    page.click("#tab-paths")
    to = page.locator("#paths-to-input")
    to.fill("dock")
    page.wait_for_selector("#paths-to-list [role=option]")
    page.click(f'#paths-to-list [role=option][data-id="{DOCK}"]')
    page.click("#paths-form button[type=submit]")
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === 'paths'")
    wait_drawn(page)
    state = url_state(page)
    assert state["focus"] == RESIDENT_OVERVECHT and state["to"] == DOCK
    page.wait_for_selector("#paths-list > li")
    paths = page.locator("#paths-list > li").evaluate_all("els => els.map(e => e.dataset.nodes.split(','))")
    assert paths and all(p[0] == RESIDENT_OVERVECHT and p[-1] == DOCK for p in paths)
    introducers = page.locator("#introducers li").evaluate_all("els => els.map(e => e.dataset.id)")
    between = {n for p in paths for n in p[1:-1]}
    asked = graphql(
        server,
        "query($f: ID!, $t: ID!) { introducers(from: $f, to: $t, maxHops: 4, first: 5) { stakeholder { id } } }",
        {"f": RESIDENT_OVERVECHT, "t": DOCK},
        token=TOKENS["editor"],
    )
    assert introducers == [x["stakeholder"]["id"] for x in asked["introducers"]]
    assert introducers and introducers[0] in between and not {RESIDENT_OVERVECHT, DOCK} & set(introducers)
    drawn = {n["id"] for n in mirrored_nodes(page)}
    assert between | {RESIDENT_OVERVECHT, DOCK} <= drawn
    assert page.evaluate("explorer.graph.cy.edges('.path').length") >= len(paths[0]) - 1
    assert page.is_visible('#legend li[data-line="path"]')
    screenshot(page, "paths")


def test_collaboration_suggestions_accept_reject_and_show_in_graph(server: str, ui: Page):
    page = ui.page
    ui.open("?tab=suggestions")
    page.check("#scope-area")
    page.select_option("#suggestions-area", "WK034403")
    page.click("#suggestions-form button[type=submit]")
    page.wait_for_selector("#suggestions-table tbody tr")
    rows = page.locator("#suggestions-table tbody tr")
    assert rows.count() >= 3
    first = rows.nth(0)
    source, target = first.get_attribute("data-source"), first.get_attribute("data-target")
    first.locator('button[data-verdict="REJECTED"]').click()
    page.wait_for_selector("#suggestions-table tbody tr >> nth=0 >> .ex-status--REJECTED")
    second = rows.nth(1)
    second.locator('button[data-verdict="ACCEPTED"]').click()
    page.wait_for_selector("#suggestions-table tbody tr >> nth=1 >> .ex-status--ACCEPTED")
    reviews = graphql(
        server,
        "{ suggestionReviews(first: 10) { nodes { verdict source { id } target { id } } } }",
        token=TOKENS["editor"],
    )
    verdicts = {(r["source"]["id"], r["target"]["id"]): r["verdict"] for r in reviews["suggestionReviews"]["nodes"]}
    assert verdicts[(source, target)] == "REJECTED"
    assert "ACCEPTED" in verdicts.values()
    screenshot(page, "suggestions")

    third = rows.nth(2)
    s3, t3 = third.get_attribute("data-source"), third.get_attribute("data-target")
    third.locator("button", has_text="netwerk").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('suggest') === '1'")
    wait_drawn(page)
    state = url_state(page)
    assert (state["view"], state["focus"], state["to"]) == ("paths", s3, t3)
    assert {s3, t3} <= {n["id"] for n in mirrored_nodes(page)}
    assert page.evaluate("explorer.graph.cy.edges('.suggested').length") == 1

    page.reload()
    page.click("#tab-suggestions")
    page.check("#scope-area")
    page.select_option("#suggestions-area", "WK034403")
    page.click("#suggestions-form button[type=submit]")
    page.wait_for_selector("#suggestions-table tbody tr")
    pairs = rows.evaluate_all("rs => rs.map(r => [r.dataset.source, r.dataset.target])")
    assert [source, target] not in pairs  # a rejected pair is never suggested again


def test_a_new_initiative_is_matched_to_partners_with_reasons_and_introductions(ui: Page):
    page = ui.page
    ui.open("?tab=match")
    page.fill("#match-name", "Mantelzorgkoffie Neckardreef")
    page.check("#match-theme-care")
    page.select_option("#match-area", "BU03440322")
    page.check("#match-need-SPACE")
    page.fill("#match-member-input", "Hatice")
    page.wait_for_selector("#match-member-list [role=option]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#match-members li")
    member = page.get_attribute("#match-members li", "data-id")
    page.click("#match-form button[type=submit]")
    wait_drawn(page)
    state = url_state(page)
    assert (state["view"], state["mthemes"], state["marea"], state["mmembers"]) == (
        "match",
        "care",
        "BU03440322",
        member,
    )
    page.wait_for_selector("#match-table tbody tr")
    rows = page.locator("#match-table tbody tr")
    assert rows.count() >= 3
    parts = rows.nth(0).locator("li[data-part]").evaluate_all("els => els.map(e => e.dataset.part)")
    assert {"theme", "area", "offer", "proximity", "load", "track_record"} <= set(parts)
    assert "care" in rows.nth(0).inner_text() or "zorg" in rows.nth(0).inner_text()
    drawn = {n["id"]: n for n in mirrored_nodes(page)}
    assert drawn["draft"]["kind"] == "DRAFT" and member in drawn
    partners = rows.evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert set(partners) <= set(drawn)
    assert page.evaluate("explorer.graph.cy.edges('.path').length") > 0  # an introduction path from the member
    rows.nth(1).locator("button").click()
    assert url_state(page)["sel"] == partners[1]
    screenshot(page, "match")
    page.reload()
    wait_drawn(page)
    assert page.locator("#match-table tbody tr").count() == rows.count()  # the form's answer is a link too


def test_an_area_shows_bridges_groups_and_gaps(ui: Page):
    page = ui.page
    ui.open("?tab=area")
    page.select_option("#area-area", "WK034403")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector("#gaps-table tbody tr")
    bridges = page.locator("#bridges-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert DOCK in bridges
    groups = page.locator("#groups-list > li")
    assert groups.count() >= 2
    page.fill("#group-name-0", "Zorg in Noord")
    page.press("#group-name-0", "Tab")
    assert page.inner_text("#group-title-0") == "Zorg in Noord"
    gaps = page.locator("#gaps-table tbody tr").evaluate_all("rs => rs.map(r => [r.dataset.code, +r.dataset.missing])")
    assert all(code.startswith("BU0344") for code, _ in gaps)
    assert [m for _, m in gaps] == sorted((m for _, m in gaps), reverse=True)
    cells = page.locator("#gaps-table tbody tr:first-child td[data-theme]").count()
    assert 0 < cells < 16, "the themes at work in Overvecht, not the whole vocabulary"
    screenshot(page, "area")

    groups.nth(0).locator("button", has_text="netwerk").click()
    wait_drawn(page)
    assert url_state(page)["view"] == "group" and url_state(page)["group"] == "0"
    size = int(page.locator("#groups-list > li").nth(0).get_attribute("data-size"))
    assert len(mirrored_nodes(page)) == size
    screenshot(page, "group")
    page.reload()
    page.wait_for_selector("#groups-list > li")
    assert page.inner_text("#group-title-0") == "Zorg in Noord"  # named on this computer

    page.locator("#gaps-table tbody tr").first.locator("button").click()
    wait_drawn(page)
    assert url_state(page)["place"] == gaps[0][0]
    assert mirrored_nodes(page)
    page.locator("#bridges-table tbody tr").first.locator("button").click()
    wait_drawn(page)
    assert url_state(page)["focus"] == bridges[0]


def test_the_api_token_is_kept_for_the_tab_and_sent_as_bearer(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}")
    broker = TOKENS["broker-GM0344"]
    page.click("#token-box summary")
    page.fill("#token-input", broker)
    page.click("#token-form button[type=submit]")
    page.wait_for_function("() => document.documentElement.dataset.role === 'BROKER'")
    wait_drawn(page)
    assert page.evaluate("sessionStorage.getItem('graphsvc.token')") == broker
    assert "sociaal makelaar" in page.inner_text("#who") and "GM0344" in page.inner_text("#who")
    ui.requests.clear()
    page.fill("#search-input", "oke")
    page.wait_for_selector("#search-list [role=option]")
    sent = [r for r in ui.requests if r.url.endswith("/graphql")]
    assert sent and all(r.headers.get("authorization") == f"Bearer {broker}" for r in sent)
    page.reload()
    wait_drawn(page)
    page.click("#token-box summary")
    page.click("#token-clear")
    assert page.evaluate("sessionStorage.getItem('graphsvc.token')") is None


def test_dutch_and_english_labels(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}")
    assert page.get_attribute("html", "lang") == "nl"
    assert page.inner_text("#act-fit") == "Passend maken"
    assert "Wijkpartner" in page.inner_text("#legend")
    page.click("#lang-switch")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#act-fit") == "Fit to view"
    assert "Neighbourhood partner" in page.inner_text("#legend")
    assert "works" in page.inner_text("#mirror table.ex-edges") or "partners" in page.inner_text(
        "#mirror table.ex-edges"
    )
    assert url_state(page)["lang"] == "en"
    page.reload()
    wait_drawn(page)
    assert page.inner_text("h1") == "Network explorer"


def test_export_png_with_legend_and_csv(ui: Page):
    page = ui.page
    ui.open(f"?focus={DOCK}")
    with page.expect_download() as png:
        page.click("#act-png")
    data = Path(png.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    width = int.from_bytes(data[16:20], "big")
    drawing = page.evaluate("explorer.graph.cy.width()")
    assert width > drawing * 2  # the drawing (at scale 2) with the legend beside it
    with page.expect_download() as csv:
        page.click("#act-csv")
    text = Path(csv.value.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "type,id,name,kind,label,themes,wijk,steps,from,to"
    assert sum(line.startswith("stakeholder,") for line in lines) == len(mirrored_nodes(page))
    assert sum(line.startswith("relation,") for line in lines) == len(mirrored_edges(page))
    assert any(line.startswith("legend,") and "WIJKPARTNER" in line for line in lines)


@pytest.mark.parametrize("viewport", [(1366, 800), (768, 1024)], ids=["laptop", "tablet"])
def test_no_wcag_a_or_aa_violation_in_any_view(browser, server: str, viewport: tuple[int, int]):  # type: ignore[no-untyped-def]
    ui = Page(browser, server, viewport)
    page = ui.page
    try:
        views = [
            ("start", ""),
            ("ego", f"?focus={DOCK}&depth=2&sel={OKE_NU}"),
            ("paths", f"?view=paths&focus={RESIDENT_OVERVECHT}&to={DOCK}&tab=paths"),
            ("english", f"?focus={OKE_NU}&lang=en&kinds=RESIDENT"),
        ]
        for name, query in views:
            ui.open(query)
            page.wait_for_timeout(100)
            assert axe_violations(page) == [], name
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        for tab in ["suggestions", "match", "area", "details"]:
            page.click(f"#tab-{tab}")
            assert page.is_visible(f"#panel-{tab}")
            assert axe_violations(page) == [], tab
        page.click("#tab-suggestions")
        page.check("#scope-area")
        page.select_option("#suggestions-area", "WK034403")
        page.click("#suggestions-form button[type=submit]")
        page.wait_for_selector("#suggestions-table tbody tr")
        assert axe_violations(page) == [], "suggestions table"
        page.click("#tab-area")
        page.select_option("#area-area", "WK034403")
        page.click("#area-form button[type=submit]")
        page.wait_for_selector("#gaps-table tbody tr")
        assert axe_violations(page) == [], "area"
        ui.open("?view=match&tab=match&mname=Test&mthemes=care&marea=BU03440322&mneeds=SPACE")
        page.wait_for_selector("#match-table tbody tr")
        assert axe_violations(page) == [], "match"
        page.fill("#search-input", "oke")
        page.wait_for_selector("#search-list [role=option]")
        assert axe_violations(page) == [], "search open"
        if viewport[0] < 1000:
            screenshot(page, "tablet")
    finally:
        ui.close()


def test_a_broker_sees_suggestions_without_review_buttons(browser, server: str):  # type: ignore[no-untyped-def]
    ui = Page(browser, server, token="broker")
    page = ui.page
    ui.open("?tab=suggestions")
    page.check("#scope-area")
    page.select_option("#suggestions-area", "WK034403")
    page.click("#suggestions-form button[type=submit]")
    page.wait_for_selector("#suggestions-table tbody tr")
    assert page.locator("#suggestions-table button[data-verdict]").count() == 0, "only editors review"
    ui.close()


def test_a_revoked_token_is_said_plainly_in_dutch(browser, server: str):  # type: ignore[no-untyped-def]
    revoked = make_token(Path(TOKENS["store"]), "broker")
    subprocess.run([GRAPHSVC, "token", "revoke", revoked[:13], "--store", TOKENS["store"]], check=True)
    time.sleep(1.1)  # a server trusts a token it looked up for a second
    ui = Page(browser, server, token=None)
    ui.page.add_init_script(f"sessionStorage.setItem('graphsvc.token', {json.dumps(revoked)})")
    ui.page.goto(f"{server}/")
    ui.page.wait_for_function("() => document.documentElement.dataset.role === 'NONE'")
    assert "ingetrokken" in ui.page.inner_text("#who")
    ui.problems.clear()  # the browser logs the refused requests (401) as errors: expected here
    ui.close()


def test_without_a_token_the_page_says_it_shows_public_data_only(browser, server: str):  # type: ignore[no-untyped-def]
    ui = Page(browser, server, token=None)
    ui.page.goto(f"{server}/")
    ui.page.wait_for_function("() => document.documentElement.dataset.role === 'PUBLIC'")
    assert "alleen openbare gegevens" in ui.page.inner_text("#who")
    ui.close()
