"""Het netwerk bijhouden vanuit de pagina (issue 18), van begin tot eind: Debian's Chromium
(Playwright) bedient de verkenner en de aanmeldpagina die een echte ``graphsvc serve`` op 127.0.0.1
serveert, met de demostad in een tijdelijke SQLite-opslag. Wat de pagina toont wordt vergeleken met
wat de API zelf antwoordt (met de tokens van de rollen), nooit met een vaste wachttijd: er wordt
gewacht op wat de pagina laat zien."""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import combinations

import httpx
import pytest

from .explorer_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DOCK,
    OKE_NU,
    Tab,
    axe_violations,
    chromium_or_reason,
    graphql,
    make_token,
    serve,
    url_state,
    wait_drawn,
    wrong_language,
)

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")

_missing = chromium_or_reason()
if _missing and os.environ.get("CI"):
    pytest.fail(_missing, pytrace=False)
pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")

TOKENS: dict[str, str] = {}
OVERVECHT = "WK034403"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("lifecycle") / "graph.sqlite"
    TOKENS.update({role: make_token(store, role, "--municipality", "GM0344") for role in ("editor", "broker")})
    with serve(store) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


class Page(Tab):
    """Een verse pagina op de server, aangemeld als een rol (of zonder token), in het Nederlands; geen
    verzoek verlaat 127.0.0.1 en er mag geen fout in de console komen."""

    def __init__(self, browser, server: str, token: str | None = "editor", viewport=(1366, 800)) -> None:  # type: ignore[no-untyped-def]
        super().__init__(browser, server, TOKENS[token] if token else None, viewport, locale="nl-NL")

    def open(self, query: str = "") -> None:
        super().open(query)
        # the panels are built once the capabilities, themes and areas are in
        self.page.wait_for_function("() => window.explorer && window.explorer.themes.length > 0")

    def tab(self, name: str) -> None:
        self.page.click(f"#tab-{name}")
        self.page.wait_for_selector(f"#panel-{name}:not([hidden])")


@pytest.fixture
def editor(browser, server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    page = Page(browser, server, "editor")
    yield page
    page.close()


def api(server: str, query: str, variables: dict | None = None, role: str | None = "editor") -> dict:
    return graphql(server, query, variables, TOKENS[role] if role else None)


def has_api(server: str, *names: str) -> None:
    """Fail at once, saying which, when the server lacks a root field this test needs."""
    data = api(server, "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }")
    fields = {f["name"] for f in data["__schema"]["queryType"]["fields"]}
    fields |= {f["name"] for f in data["__schema"]["mutationType"]["fields"]}
    missing = [n for n in names if n not in fields]
    assert not missing, f"the API has no {', '.join(missing)} yet"


def create(server: str, name: str, kind: str = "INITIATIVE", areas=("BU03440322",), **more) -> str:  # type: ignore[no-untyped-def]
    data = api(
        server,
        "mutation C($input: StakeholderInput!) { createStakeholder(input: $input) { stakeholder { id } userErrors { field code } } }",
        {"input": {"kind": kind, "name": name, "areaCodes": list(areas), **more}},
    )
    assert data["createStakeholder"]["userErrors"] == []
    return data["createStakeholder"]["stakeholder"]["id"]


def link(server: str, kind: str, source: str, target: str, **more) -> str:  # type: ignore[no-untyped-def]
    data = api(
        server,
        "mutation L($input: LinkInput!) { link(input: $input) { relation { id } userErrors { field code } } }",
        {"input": {"kind": kind, "sourceId": source, "targetId": target, **more}},
    )
    assert data["link"]["userErrors"] == []
    return data["link"]["relation"]["id"]


def ties(server: str, id: str) -> list[dict]:
    data = api(
        server,
        """query T($id: ID!) { node(id: $id) { ... on Stakeholder { relations(first: 100) { nodes {
             id kind since until provenance source { id } target { id } } } } } }""",
        {"id": id},
    )
    return data["node"]["relations"]["nodes"]


def search(server: str, q: str, role: str | None) -> list[str]:
    data = api(
        server, "query S($q: String!) { stakeholders(search: $q, first: 10) { nodes { name } } }", {"q": q}, role
    )
    return [n["name"] for n in data["stakeholders"]["nodes"]]


def pick(page, input_sel: str, list_sel: str, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Type in a search field of the page and choose the hit with this name."""
    page.fill(input_sel, text)
    option = page.locator(f"{list_sel} [role=option]", has_text=name).first
    option.wait_for()
    option.click()


# ---- Invoer: een nieuwe belanghebbende, bewerken, een relatie, de meldingen van de API per veld ----


def test_een_redacteur_maakt_een_initiatief_aan_en_ziet_het_in_het_midden(server: str, editor: Page):
    page = editor.page
    editor.open("?tab=entry")
    editor.tab("entry")
    page.wait_for_selector("#new-form")
    page.select_option("#new-kind", "INITIATIVE")
    page.click("#new-submit")  # zonder naam: de melding staat bij het veld, in het Nederlands
    page.wait_for_selector("#new-name-error:not([hidden])")
    assert page.inner_text("#new-name-error") == "Vul dit in."
    assert page.get_attribute("#new-name", "aria-invalid") == "true"
    page.fill("#new-name", "Repaircafé Wolgadreef")
    page.select_option("#new-areas", "BU03440322")
    page.check("#new-themes input[value=sustainability]")
    page.check("#new-needs input[value=SPACE]")
    page.click("#new-submit")
    page.wait_for_function("() => document.querySelector('#details-name')?.textContent === 'Repaircafé Wolgadreef'")
    new_id = url_state(page)["focus"]
    node = api(
        server,
        "query N($id: ID!) { node(id: $id) { ... on Initiative { name needs themes { key } areas { code } } } }",
        {"id": new_id},
    )["node"]
    assert node == {
        "name": "Repaircafé Wolgadreef",
        "needs": ["SPACE"],
        "themes": [{"key": "sustainability"}],
        "areas": [{"code": "BU03440322"}],
    }


def test_bewerken_en_een_relatie_toevoegen_met_de_meldingen_van_de_api_bij_het_veld(server: str, editor: Page):
    page = editor.page
    mine = create(server, "Buurtkeuken Tigrisdreef")
    editor.open(f"?focus={mine}")
    page.wait_for_selector("#act-edit")
    page.click("#act-edit")
    page.fill("#edit-name", "Buurtkeuken Tigrisdreef en omstreken")
    page.check("#edit-themes input[value=care]")
    page.click("#edit-submit")
    page.wait_for_function(
        "() => document.querySelector('#details-name')?.textContent === 'Buurtkeuken Tigrisdreef en omstreken'"
    )
    # Een relatie met DOCK, eerst met een einde voor het begin: de API weigert, de pagina zegt waarom.
    page.click("#act-tie-add")
    page.select_option("#tie-kind", "PARTNERS_WITH")
    pick(page, "#tie-other-input", "#tie-other-list", "dock", "DOCK")
    page.fill("#tie-since", "2024-05-01")
    page.fill("#tie-until", "2024-01-01")
    page.select_option("#tie-strength", "0.6")
    page.click("#tie-submit")
    page.wait_for_selector("#tie-until-error:not([hidden])")
    assert page.inner_text("#tie-until-error") == "De einddatum mag niet voor de begindatum liggen."
    assert ties(server, mine) == []  # niets geschreven
    page.fill("#tie-until", "")
    page.click("#tie-submit")
    page.wait_for_selector("#details-ties li:has-text('DOCK')")
    [tie] = ties(server, mine)
    assert (tie["kind"], tie["source"]["id"], tie["target"]["id"], tie["since"]) == (
        "PARTNERS_WITH",
        mine,
        DOCK,
        "2024-05-01",
    )
    assert "sinds 1 mei 2024" in page.inner_text(f"#details-ties li[data-relation='{tie['id']}']")


def test_een_relatie_wijzigen_en_beeindigen_zet_een_einddatum_en_de_geschiedenis_blijft(server: str, editor: Page):
    has_api(server, "endRelation")
    page = editor.page
    mine = create(server, "Buurtbieb Amazonedreef")
    tie = link(server, "KNOWS", mine, OKE_NU, since="2023-02-01")
    editor.open(f"?focus={mine}")
    row = f"#details-ties li[data-relation='{tie}']"
    page.wait_for_selector(row)
    page.click(f"{row} button[data-action=change]")  # Wijzigen: de sterkte en het begin
    page.select_option("#tie-strength", "0.9")
    page.fill("#tie-since", "2023-03-01")
    page.click("#tie-submit")
    page.wait_for_selector(f"{row}:has-text('sinds 1 maart 2023')")
    strength = api(server, "query R($id: ID!) { node(id: $id) { ... on Relation { strength since } } }", {"id": tie})[
        "node"
    ]
    assert strength == {"strength": 0.9, "since": "2023-03-01"}
    page.click(f"{row} button[data-action=end]")
    page.fill("#end-on", "2026-10-31")
    page.click("#end-form button[type=submit]")
    page.wait_for_selector(f"{row}[data-active=false]")
    [kept] = ties(server, mine)
    assert (kept["id"], kept["since"], kept["until"]) == (tie, "2023-03-01", "2026-10-31")
    assert "van 1 maart 2023 tot 31 oktober 2026" in page.inner_text(row)


# ---- Mogelijke dubbelen en samenvoegen ----


def test_bij_een_nieuwe_naam_wordt_de_bestaande_met_een_gelijkende_naam_aangeboden(server: str, editor: Page):
    has_api(server, "similarStakeholders")
    page = editor.page
    before = search(server, "Oke", "editor")
    editor.open("?tab=entry")
    editor.tab("entry")
    page.select_option("#new-kind", "INITIATIVE")
    page.fill("#new-name", "Oké Nu!")
    page.select_option("#new-areas", OVERVECHT)
    page.click("#new-submit")
    page.wait_for_selector("#new-similar:not([hidden])")
    assert page.inner_text("#new-similar h4") == "Bedoelt u een van deze?"
    offered = page.locator("#new-similar li").evaluate_all("lis => lis.map(li => li.dataset.id)")
    assert OKE_NU in offered
    assert search(server, "Oke", "editor") == before  # nog niets aangemaakt
    page.click(f"#new-similar li[data-id='{OKE_NU}'] button")
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('focus') === '{OKE_NU}'")
    wait_drawn(page)
    assert page.inner_text("#details-name") == "Oke Nu"
    assert search(server, "Oke", "editor") == before


def test_twee_dubbelen_samenvoegen_houdt_alle_relaties_en_beide_geschiedenissen(server: str, editor: Page):
    has_api(server, "mergeStakeholders")
    page = editor.page
    keep = create(server, "Buurttuin De Gagel", themes=["sustainability"])
    dup = create(server, "Buurttuin de Gagel (dubbel)", themes=["social_cohesion"])
    api(
        server,
        "mutation U($id: ID!) { updateStakeholder(id: $id, input: {needs: [VOLUNTEERS]}) { userErrors { code } } }",
        {"id": dup},
    )
    kept_tie = link(server, "SUPPORTS", DOCK, keep, since="2022-03-01")
    moved_tie = link(server, "MEMBER_OF", OKE_NU, dup, since="2021-06-15")
    editor.open(f"?focus={keep}")
    page.click("#act-merge")
    pick(page, "#merge-input", "#merge-list", "Gagel (dubbel", "Buurttuin de Gagel (dubbel)")
    page.wait_for_selector("#merge-question")
    assert "Buurttuin de Gagel (dubbel)" in page.inner_text("#merge-question")
    page.click("#merge-submit")
    page.wait_for_selector(f"#details-ties li[data-relation='{moved_tie}']")
    shown = page.locator("#details-ties li").evaluate_all("lis => lis.map(li => li.dataset.relation)")
    assert set(shown) == {kept_tie, moved_tie}
    assert {t["id"] for t in ties(server, keep)} == {kept_tie, moved_tie}
    assert search(server, "Gagel (dubbel", "editor") == []
    history = page.inner_text("#details-history")
    assert history.count("aangemaakt") >= 2, history  # beide records
    assert "samengevoegd" in history
    assert page.is_visible("#details-merged")


# ---- Bijeenkomsten ----

ATTENDEES = ["Abebe J.", "Amina el R.", "Anouk T.", "Bram de N.", "Dinie G."]


def test_een_bijeenkomst_met_vijf_deelnemers_en_twee_kennismakingen_als_relatie(server: str, editor: Page):
    has_api(server, "recordMeeting", "tieFromMeeting")
    page = editor.page
    ids = {}
    for name in ATTENDEES:
        [hit] = [
            n
            for n in api(
                server, "query S($q: String!) { stakeholders(search: $q, first: 5) { nodes { id name } } }", {"q": name}
            )["stakeholders"]["nodes"]
            if n["name"] == name
        ]
        ids[name] = hit["id"]
    editor.open("?tab=entry")
    editor.tab("entry")
    page.wait_for_selector("#meeting-form")
    page.fill("#meeting-name", "Buurtkoffie Overvecht november")
    page.fill("#meeting-date", "2026-11-20")
    page.fill("#meeting-place", "Buurthuis Zambesi")
    page.check("#meeting-themes input[value=social_cohesion]")
    page.select_option("#meeting-areas", OVERVECHT)
    for name in ATTENDEES:
        page.fill("#meeting-find", name)
        box = page.locator("#meeting-results label", has_text=name).first.locator("input")
        box.wait_for()
        box.check()
    page.wait_for_function("() => document.querySelector('#meeting-count').textContent.startsWith('5 ')")
    page.click("#meeting-submit")
    page.wait_for_selector("#meeting-pair-list")
    assert page.locator("#meeting-pair-list li").count() == 10  # elk paar van vijf
    made = [(ATTENDEES[0], ATTENDEES[1]), (ATTENDEES[2], ATTENDEES[4])]
    for a, b in made:
        row = page.locator(f"#meeting-pair-list li[data-source='{ids[a]}'][data-target='{ids[b]}']")
        row.locator("button").click()
        row.locator(".ex-status").wait_for()
        assert row.inner_text().endswith("Vastgelegd als relatie")
    for a, b in combinations(ATTENDEES, 2):
        knows = [
            t
            for t in ties(server, ids[a])
            if t["kind"] == "KNOWS"
            and {t["source"]["id"], t["target"]["id"]} == {ids[a], ids[b]}
            and t["since"] == "2026-11-20"
        ]
        assert len(knows) == (1 if (a, b) in made else 0), (a, b)
    meeting = api(
        server,
        """query M($id: ID!) { node(id: $id) { ... on Stakeholder { relations(kinds: [ATTENDED], first: 50) { nodes { target { ... on Meeting { id name date attendees(first: 10) { totalCount } } } } } } } }""",
        {"id": ids[ATTENDEES[0]]},
    )["node"]["relations"]["nodes"]
    [held] = [m["target"] for m in meeting if m["target"].get("name") == "Buurtkoffie Overvecht november"]
    assert held["attendees"]["totalCount"] == 5
    # Later, from the meeting in the network: one more acquaintance, in one click.
    editor.open(f"?focus={ids[ATTENDEES[0]]}&sel={held['id']}")
    page.wait_for_selector("#details-pairs")
    assert page.inner_text("#details-pairs summary") == "Kennismakingen vastleggen (10 paren)"
    page.click("#details-pairs summary")
    a, b = ATTENDEES[1], ATTENDEES[3]
    row = page.locator(
        f"#details-pair-list li[data-source='{ids[a]}'][data-target='{ids[b]}'], #details-pair-list li[data-source='{ids[b]}'][data-target='{ids[a]}']"
    )
    row.locator("button").click()
    row.locator(".ex-status").wait_for()  # shown once the API wrote the tie
    assert any(
        t["kind"] == "KNOWS" and {t["source"]["id"], t["target"]["id"]} == {ids[a], ids[b]}
        for t in ties(server, ids[a])
    )


# ---- Zelf aanmelden, met toestemming, en de moderatie ----


def open_register(browser, server: str):  # type: ignore[no-untyped-def]
    public = Page(browser, server, token=None)
    public.page.goto(f"{server}/aanmelden")
    public.page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    return public


def test_de_aanmeldpagina_vraagt_toestemming_in_gewone_woorden_en_verbergt_het_lokveld(browser, server: str):  # type: ignore[no-untyped-def]
    public = open_register(browser, server)
    page = public.page
    try:
        assert page.get_attribute("html", "lang") == "nl"
        assert page.inner_text("h1") == "Aanmelden bij het netwerk van de wijk"
        box = page.locator("#reg-website").bounding_box()  # het lokveld: buiten beeld, niet voor mensen
        assert box is not None and box["x"] + box["width"] < 0
        assert page.get_attribute(".ex-honeypot", "aria-hidden") == "true"
        page.check("#reg-kind-2")  # een inwoner: kiest wie hem mag zien
        labels = page.inner_text("#reg-visibility")
        assert "Alleen sociaal makelaars en de gemeente mogen mij zien." in labels
        assert "toestemming" in page.inner_text(".ex-consent")
        page.fill("#reg-name", "Fatima B.")
        page.click("#reg-submit")  # zonder vinkje: de melding staat bij de toestemming
        page.wait_for_selector("#reg-consent-error:not([hidden])")
        assert page.inner_text("#reg-consent-error").startswith("Vink aan dat u toestemming geeft")
        assert not any(r.url.endswith("/graphql") and "register" in (r.post_data or "") for r in public.requests)
        assert wrong_language(page) == []
        assert axe_violations(page) == []
        page.click("#lang-switch")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert wrong_language(page) == []
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    finally:
        public.close()


def register_via_page(browser, server: str, kind_index: int, name: str, visibility: str | None = None) -> str:  # type: ignore[no-untyped-def]
    public = open_register(browser, server)
    page = public.page
    try:
        page.check(f"#reg-kind-{kind_index}")
        page.fill("#reg-name", name)
        page.select_option("#reg-area", "BU03440322")
        page.check("#reg-themes input[value=care]")
        if kind_index == 0:
            page.check("#reg-needs input[value=VOLUNTEERS]")
        if visibility:
            page.check(f"#reg-visibility input[value={visibility}]")
        page.fill("#reg-contact", "aanmelding@example.org")
        page.check("#reg-consent")
        page.click("#reg-submit")
        page.wait_for_selector("#withdrawal-code")
        code = page.inner_text("#withdrawal-code")
        assert code and page.input_value("#withdraw-code") == code
        assert page.inner_text("#register-done-title") == "Dank u wel! Uw aanmelding is ontvangen."
        return code
    finally:
        public.close()


def broker_search(browser, server: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What a broker's search box offers for this text (after it answered)."""
    broker = Page(browser, server, "broker")
    page = broker.page
    try:
        broker.open()
        page.fill("#search-input", text)
        page.wait_for_function("() => document.querySelector('#search-status').textContent.length > 0")
        return page.locator("#search-list [role=option] .ex-option__name").all_inner_texts()
    finally:
        broker.close()


def test_een_aangemeld_initiatief_is_pas_na_goedkeuring_zichtbaar_voor_een_makelaar(browser, server: str, editor: Page):  # type: ignore[no-untyped-def]
    has_api(server, "register", "registrations", "approveRegistration")
    name = "Moestuin Wolgadreef"
    register_via_page(browser, server, 0, name)
    assert search(server, "Moestuin Wolgadreef", "broker") == []
    assert search(server, "Moestuin Wolgadreef", None) == []
    assert broker_search(browser, server, "Moestuin Wolgadreef") == []
    page = editor.page
    editor.open("?tab=queue")
    item = page.locator("#queue-list li", has_text=name)
    item.wait_for()
    assert "vrijwilligers" in item.inner_text()
    item.locator("button[data-action=approve]").click()
    item.wait_for(state="detached")
    assert search(server, "Moestuin Wolgadreef", "broker") == [name]
    assert broker_search(browser, server, "Moestuin Wolgadreef") == [name]


def test_wie_zich_aanmeldt_kan_intrekken_en_is_dan_weg(browser, server: str, editor: Page):  # type: ignore[no-untyped-def]
    has_api(server, "register", "withdrawRegistration", "registrations")
    name = "Jansen, T."
    public = open_register(browser, server)
    page = public.page
    try:
        page.check("#reg-kind-2")
        page.fill("#reg-name", name)
        page.select_option("#reg-area", "BU03440322")
        page.check("#reg-visibility input[value=PRIVATE]")
        page.check("#reg-consent")
        page.click("#reg-submit")
        page.wait_for_selector("#withdrawal-code")
        queued = api(server, "{ registrations(first: 100) { nodes { name } } }")["registrations"]["nodes"]
        assert name in [r["name"] for r in queued]
        page.click("#withdraw-submit")
        page.wait_for_function("() => document.querySelector('#withdraw-form')?.dataset.done === 'true'")
        assert page.inner_text("#withdraw-status") == "Uw aanmelding is ingetrokken en verwijderd."
    finally:
        public.close()
    queued = api(server, "{ registrations(first: 100) { nodes { name } } }")["registrations"]["nodes"]
    assert name not in [r["name"] for r in queued]
    editor.open("?tab=queue")
    editor.page.wait_for_function(
        "() => /aanmelding/i.test(document.querySelector('#queue-status')?.textContent ?? '')"
    )
    assert name not in editor.page.inner_text("#queue-body")
    assert search(server, "Jansen", "editor") == []


# ---- Versheid: te controleren ----


OLD_FACTS = {  # wat een wijkschouw in 2023 vastlegde en sindsdien niemand bevestigde
    "stakeholders": [
        {
            "id": "buurtkast-zambesi",
            "kind": "INITIATIVE",
            "name": "Buurtkast Zambesi",
            "areas": ["BU03440322"],
            "provenance": "wijkschouw 2023",
            "confirmed": "2023-05-01",
        }
    ],
    "relations": [
        {
            "kind": "WORKS_ON",
            "source": "dock-utrecht",
            "target": "buurtkast-zambesi",
            "since": "2023-05-01",
            "provenance": "wijkschouw 2023",
            "confirmed": "2023-05-01",
        }
    ],
}
TO_CHECK = "query C($a: String) { toCheck(areaCode: $a, first: 100) { totalCount nodes { id stakeholder { id name } relation { id stale target { id } } } } }"


def test_een_verouderde_relatie_staat_in_de_lijst_wordt_bevestigd_en_verdwijnt(server: str, editor: Page):
    has_api(server, "toCheck", "confirmFacts")
    made = api(
        server,
        "mutation I($doc: JSON!) { importGraph(document: $doc) { userErrors { field code } } }",
        {"doc": OLD_FACTS},
    )
    assert made["importGraph"]["userErrors"] == []
    listed = api(server, TO_CHECK, {"a": OVERVECHT})["toCheck"]["nodes"]
    kast = next(
        f["stakeholder"]["id"] for f in listed if f["stakeholder"] and f["stakeholder"]["name"] == "Buurtkast Zambesi"
    )
    [fact] = [f for f in listed if f["relation"] and f["relation"]["target"]["id"] == kast]
    assert fact["relation"]["stale"] is True
    page = editor.page
    # Verouderd staat erbij waar de relatie verschijnt: in de relaties van het initiatief ...
    editor.open(f"?focus={kast}")
    mark = page.locator(f"#details-ties li[data-relation='{fact['id']}'] .ex-stale")
    mark.wait_for()
    assert mark.inner_text() == "verouderd (laatst bevestigd op 1 mei 2023)"
    assert page.inner_text("#details-fresh") == "verouderd (laatst bevestigd op 1 mei 2023)"
    # ... en in de lijst te controleren, waar één klik haar bevestigt.
    editor.tab("check")
    page.select_option("#check-area", OVERVECHT)
    page.click("#check-form button[type=submit]")
    row = page.locator(f"#check-table tr[data-id='{fact['id']}']")
    row.wait_for()
    assert "wijkschouw 2023" in row.inner_text() and "1 mei 2023" in row.inner_text()
    row.locator("button[data-action=confirm]").click()
    row.wait_for(state="detached")
    assert page.locator(f"#check-table tr[data-id='{kast}']").count() == 1  # het initiatief zelf is niet bevestigd
    after = [f["id"] for f in api(server, TO_CHECK, {"a": OVERVECHT})["toCheck"]["nodes"]]
    assert fact["id"] not in after and kast in after
    confirmed = api(
        server, "query R($id: ID!) { node(id: $id) { ... on Relation { stale confirmedOn } } }", {"id": fact["id"]}
    )["node"]
    assert confirmed["stale"] is False and confirmed["confirmedOn"]


# ---- Veranderingen en het netwerk op een datum ----


def test_de_veranderingen_in_overvecht_tussen_twee_datums_zijn_precies_die_van_toen(server: str, editor: Page):
    has_api(server, "changes", "endRelation")
    a, b, c, d = (
        create(server, name, kind="RESIDENT", areas=("BU03440322",), visibility="BROKERS")
        for name in ("Veranderaar A.", "Veranderaar B.", "Veranderaar C.", "Veranderaar D.")
    )
    before = link(server, "KNOWS", a, b, since="2025-11-01")  # voor het venster
    first = link(server, "KNOWS", a, c, since="2026-03-10")
    second = link(server, "KNOWS", b, d, since="2026-04-02")
    link(server, "KNOWS", c, d, since="2026-09-01")  # erna
    api(
        server,
        'mutation E($id: ID!) { endRelation(id: $id, on: "2026-05-05") { userErrors { code } } }',
        {"id": before},
    )
    started = create(server, "Speeltuin Veranderdreef", started="2026-02-14")
    expected = {
        ("NEW_TIE", "2026-03-10", first),
        ("NEW_TIE", "2026-04-02", second),
        ("ENDED_TIE", "2026-05-05", before),
        ("NEW_INITIATIVE", "2026-02-14", started),
    }
    answer = api(
        server,
        '{ changes(areaCode: "WK034403", from: "2026-01-01", to: "2026-06-30") { code on relation { id } stakeholder { id } } }',
    )["changes"]
    assert {(i["code"], i["on"], (i["relation"] or i["stakeholder"])["id"]) for i in answer} == expected
    page = editor.page
    editor.open(f"?tab=changes&carea={OVERVECHT}&cfrom=2026-01-01&cto=2026-06-30")
    editor.tab("changes")
    page.wait_for_selector("#changes-result li")
    shown = page.locator("#changes-result li").evaluate_all(
        "lis => lis.map(li => [li.dataset.code, li.dataset.on, li.dataset.relation || li.dataset.stakeholder, li.querySelector('.ex-change__text').textContent])"
    )
    assert {(code, on, id) for code, on, id, _ in shown} == expected
    assert all(text.strip() for *_, text in shown)
    assert page.inner_text("#changes-status").startswith("4 veranderingen in Overvecht")
    assert wrong_language(page) == []


def test_het_netwerk_getekend_zoals_het_op_een_datum_was(server: str, editor: Page):
    page = editor.page
    ego = "query E($id: ID!, $on: Date) { egoNetwork(id: $id, hops: 1, first: 150, activeOn: $on) { nodes { node { id } } } }"
    then = api(server, ego, {"id": OKE_NU, "on": "2016-06-01"})["egoNetwork"]  # as the page's editor sees it
    now = api(server, ego, {"id": OKE_NU, "on": None})["egoNetwork"]
    assert len(then["nodes"]) < len(now["nodes"])
    editor.open(f"?focus={OKE_NU}&tab=changes")
    editor.tab("changes")
    page.fill("#ondate", "2016-06-01")
    page.click("#ondate-submit")
    page.wait_for_function(
        "() => document.querySelector('#view-summary').textContent.startsWith('Zoals het was op 1 juni 2016:')"
    )
    wait_drawn(page)
    assert page.evaluate("explorer.model.nodes.size") == len(then["nodes"])
    assert url_state(page)["on"] == "2016-06-01"
    page.click("#ondate-clear")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('on')")
    wait_drawn(page)
    page.wait_for_function(f"() => explorer.model.nodes.size === {len(now['nodes'])}")


# ---- Voor iedereen leesbaar: één taal, toegankelijk, zonder zijwaarts scrollen ----


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_de_nieuwe_onderdelen_spreken_een_taal_passen_en_zijn_toegankelijk(server: str, editor: Page, lang: str):
    page = editor.page
    mine = create(server, f"Taalcafé Vechtzoom {lang}")
    link(server, "KNOWS", mine, DOCK, since="2020-01-01")
    editor.open(f"?focus={mine}&lang={lang}")
    page.wait_for_selector("#details-ties li")
    page.click("#act-edit")
    page.wait_for_selector("#edit-form")
    page.click("#act-tie-add")
    page.wait_for_selector("#tie-form")
    fits = "() => document.documentElement.scrollWidth <= innerWidth + 1 && [...document.querySelectorAll('.ex-panel form, .ex-panel table')].every(t => t.getBoundingClientRect().right <= innerWidth + 1)"
    for tab, ready in [
        ("details", "#details-ties"),
        ("entry", "#new-form"),
        ("check", "#check-body > *"),
        ("queue", "#queue-body > *"),
        ("changes", "#changes-form"),
    ]:
        editor.tab(tab)
        page.wait_for_selector(f"#panel-{tab} {ready}")
        assert wrong_language(page) == [], tab
        assert axe_violations(page) == [], tab
        assert page.evaluate(fits), tab
    # een broker ziet de tabbladen voor redacteuren niet
    broker = Page(editor.page.context.browser, server, "broker")
    try:
        broker.open(f"?focus={mine}&lang={lang}")
        assert not broker.page.is_visible("#tab-entry") and not broker.page.is_visible("#tab-check")
        assert not broker.page.is_visible("#act-edit")
    finally:
        broker.close()


def test_de_aanmeldpagina_komt_van_graphsvc_met_dezelfde_strikte_regels(server: str):
    page = httpx.get(f"{server}/aanmelden")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/js/register.js"' in page.text
