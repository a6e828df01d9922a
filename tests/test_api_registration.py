"""Self-registration through the API alone, with the roles: the public signs up and gets a withdrawal
code, nothing of the sign-up is visible to anyone but the editors of its municipality until one
approves it, and the registrant can withdraw before and after approval and is gone. Bulk submission
is refused (a budget per client, duplicates, a full queue, a honeypot) with nothing written."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.api.registration import MESSAGES
from graphsvc.domain.model import utcnow
from graphsvc.domain.registration import CONSENT_VERSION, code_digest
from graphsvc.engine import Engine
from graphsvc.engine.retention import registrations_past
from graphsvc.interchange.files import export_document
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store
from graphsvc.words import CATALOGUE, CONSENT, LANGUAGES

from .api_client import GraphQL, gid
from .conftest import role_tokens
from .test_cli import run

REGISTER = """mutation ($i: RegistrationInput!) { register(input: $i) {
    registrationId withdrawalCode userErrors { field message code } } }"""
WITHDRAW = "mutation ($c: String!) { withdrawRegistration(code: $c) { withdrawn userErrors { field message code } } }"
QUEUE = """query { registrations(first: 50) { totalCount nodes { id kind name contact visibility consentVersion
    consentedAt areas { code } themes { key } needs offers } } }"""
APPROVE = """mutation ($id: ID!) { approveRegistration(id: $id) {
    stakeholder { id key name provenance ... on Resident { visibility contact } } userErrors { field message code } } }"""
REJECT = "mutation ($id: ID!) { rejectRegistration(id: $id) { deletedId userErrors { field message code } } }"
SEARCH = "query ($q: String!) { stakeholders(search: $q, first: 50) { totalCount nodes { id key name provenance } } }"
NODE = "query ($id: ID!) { node(id: $id) { id } }"
EGO = """query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 500) { nodes { node { ... on Stakeholder { key name } } } } }"""
AUDIT = "query { auditLog(first: 100) { entries { who action subjects detail } } }"

GARDEN = {
    "kind": "INITIATIVE",
    "name": "Buurtmoestuin Zonnebloem",
    "areaCodes": ["BU03440311"],
    "themes": ["living_environment"],
    "needs": ["SPACE", "VOLUNTEERS"],
    "contact": "zonnebloem@example.org",
    "consent": True,
}
RESIDENT = {
    "kind": "RESIDENT",
    "name": "Noor Aanmelder",
    "areaCodes": ["BU03440311"],
    "themes": ["care"],
    "contact": "06 12345678",
    "visibility": "BROKERS",
    "consent": True,
}


def register(api: GraphQL, record: dict, **headers: str) -> dict:
    response = api.post(REGISTER, {"i": record}, **headers)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]["register"]


def codes(answer: dict) -> list[str]:
    return [e["code"] for e in answer["userErrors"]]


def engine_of(api: GraphQL) -> Engine:
    return api.client.app.state.engine  # type: ignore[attr-defined,no-any-return]


def test_the_public_registers_and_gets_a_withdrawal_code_shown_once(api: GraphQL):
    public, editor = api.as_role("public"), api.as_role("editor-GM0344")
    made = register(public, GARDEN)
    assert made["userErrors"] == [] and made["withdrawalCode"].startswith("gsvw_")
    queue = editor(QUEUE)["registrations"]
    assert queue["totalCount"] == 1
    waiting = queue["nodes"][0]
    assert waiting["id"] == made["registrationId"] and waiting["name"] == "Buurtmoestuin Zonnebloem"
    assert waiting["consentVersion"] == CONSENT_VERSION and waiting["consentedAt"]
    assert waiting["areas"] == [{"code": "BU03440311"}] and waiting["needs"] == ["SPACE", "VOLUNTEERS"]
    assert made["withdrawalCode"] not in json.dumps(queue), "the code is shown once"
    kept = engine_of(api).store.registrations()[0]
    assert kept.code.startswith("sha256$v1$") and made["withdrawalCode"] not in json.dumps(kept.to_record())
    consent = public.post("query { registrationConsent { version text } }", **{"accept-language": "nl"}).json()
    assert consent["data"]["registrationConsent"] == {
        "version": CONSENT_VERSION,
        "text": CONSENT[CONSENT_VERSION]["nl"],
    }


def test_nothing_of_a_registration_shows_before_approval(api: GraphQL, tmp_path: Path):
    broker, public, admin = api, api.as_role("public"), api.as_role("admin")
    engine = engine_of(api)
    health = {
        role: api.client.get("/health", headers=bearer(api, role)).json()["graph"] for role in ("broker", "admin")
    }
    version = engine.store.version()
    made = register(public, RESIDENT)
    garden = register(public, {**GARDEN, "name": "Moestuin van de Aanmelders"})
    assert made["userErrors"] == garden["userErrors"] == []
    for asking in (broker, public, admin):
        assert asking(SEARCH, {"q": "Aanmelder"})["stakeholders"]["totalCount"] == 0
        assert asking(NODE, {"id": made["registrationId"]})["node"] is None
    ego = json.dumps(broker(EGO, {"id": gid("Wijkpartner", "dock-utrecht")}))
    assert "Aanmelder" not in ego
    assert {r: api.client.get("/health", headers=bearer(api, r)).json()["graph"] for r in health} == health
    assert engine.store.changes_since(version).version == version, "no change-feed entry"
    assert "Aanmelder" not in json.dumps(export_document(engine.store))
    for role in ("public", "broker"):
        refused = api.as_role(role).post(QUEUE).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and refused.get("data") is None
        approve = api.as_role(role).post(APPROVE, {"id": made["registrationId"]}).json()
        assert approve["errors"][0]["extensions"]["code"] == "FORBIDDEN" and approve.get("data") is None
    assert len(engine.store.registrations()) == 2, "a refused approval changed nothing"


def bearer(api: GraphQL, role: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.tokens[role]}"}


def test_an_editor_of_another_municipality_neither_sees_nor_decides(api: GraphQL):
    amstelveen = register(api.as_role("public"), {**GARDEN, "areaCodes": ["WK036201"], "name": "Amstelveense Tuin"})
    utrecht = api.as_role("editor-GM0344")
    assert utrecht(QUEUE)["registrations"]["totalCount"] == 0
    assert api.as_role("editor")(QUEUE)["registrations"]["totalCount"] == 1, "an editor of every municipality sees it"
    missing = gid("Registration", "reg-0000000000000000")
    for mutation in (APPROVE, REJECT):
        hidden = utrecht.post(mutation, {"id": amstelveen["registrationId"]}).content
        unknown = utrecht.post(mutation, {"id": missing}).content
        assert hidden == unknown and b'"NOT_FOUND"' in hidden
    assert len(engine_of(api).store.registrations()) == 1


def test_after_approval_it_is_visible_as_its_visibility_allows(api: GraphQL):
    public, editor = api.as_role("public"), api.as_role("editor-GM0344")
    garden, resident = register(public, GARDEN), register(public, RESIDENT)
    assert public(SEARCH, {"q": "Zonnebloem"})["stakeholders"]["totalCount"] == 0
    approved = editor(APPROVE, {"id": garden["registrationId"]})["approveRegistration"]
    assert approved["userErrors"] == []
    made = approved["stakeholder"]
    assert made["provenance"] == f"aanmelding (self-registration) {date.today().isoformat()}"
    found = public(SEARCH, {"q": "Zonnebloem"})["stakeholders"]["nodes"]
    assert [n["id"] for n in found] == [made["id"]], "an initiative is public once approved"
    assert "zonnebloem@example.org" not in json.dumps(editor(SEARCH, {"q": "Zonnebloem"})), "its contact stayed behind"
    person = editor(APPROVE, {"id": resident["registrationId"]})["approveRegistration"]["stakeholder"]
    assert person["visibility"] == "BROKERS" and person["contact"] == "06 12345678" and "noor" not in person["key"]
    assert api(SEARCH, {"q": "Noor Aanmelder"})["stakeholders"]["totalCount"] == 1, "brokers see a BROKERS resident"
    assert public(SEARCH, {"q": "Noor Aanmelder"})["stakeholders"]["totalCount"] == 0, "the public does not"
    assert editor(QUEUE)["registrations"]["totalCount"] == 0
    again = editor(APPROVE, {"id": garden["registrationId"]})["approveRegistration"]
    assert codes(again) == ["NOT_FOUND"], "decided once"
    acts = [(e["action"], e["who"]) for e in api.as_role("admin")(AUDIT)["auditLog"]["entries"]]
    assert ("register", "public") in acts and ("approveRegistration", api.tokens["editor-GM0344"][:13]) in acts


def test_a_resident_registers_as_private_unless_they_choose(api: GraphQL):
    made = register(api.as_role("public"), {k: v for k, v in RESIDENT.items() if k != "visibility"})
    editor = api.as_role("editor-GM0344")
    assert editor(QUEUE)["registrations"]["nodes"][0]["visibility"] == "PRIVATE"
    person = editor(APPROVE, {"id": made["registrationId"]})["approveRegistration"]["stakeholder"]
    assert person["visibility"] == "PRIVATE"
    assert api(SEARCH, {"q": "Noor Aanmelder"})["stakeholders"]["totalCount"] == 0, "not even brokers see them"


def test_a_registrant_withdraws_before_approval(api: GraphQL):
    public, editor = api.as_role("public"), api.as_role("editor-GM0344")
    made = register(public, GARDEN)
    assert public(WITHDRAW, {"c": made["withdrawalCode"]})["withdrawRegistration"] == {
        "withdrawn": True,
        "userErrors": [],
    }
    assert editor(QUEUE)["registrations"]["totalCount"] == 0
    again = public(WITHDRAW, {"c": made["withdrawalCode"]})["withdrawRegistration"]
    assert again["withdrawn"] is False and codes(again) == ["NOT_FOUND"]
    assert (
        editor(APPROVE, {"id": made["registrationId"]})["approveRegistration"]["userErrors"][0]["code"] == "NOT_FOUND"
    )


def test_a_registrant_withdraws_after_approval_and_is_gone(api: GraphQL):
    public, editor, admin = api.as_role("public"), api.as_role("editor-GM0344"), api.as_role("admin")
    made = register(public, RESIDENT)
    person = editor(APPROVE, {"id": made["registrationId"]})["approveRegistration"]["stakeholder"]
    linked = editor(
        "mutation ($a: ID!, $b: ID!) { link(input: {kind: MEMBER_OF, sourceId: $a, targetId: $b}) { userErrors { code } } }",
        {"a": person["id"], "b": gid("Wijkpartner", "dock-utrecht")},
    )
    assert linked["link"]["userErrors"] == []
    assert admin(SEARCH, {"q": "Noor Aanmelder"})["stakeholders"]["totalCount"] == 1
    gone = public(WITHDRAW, {"c": made["withdrawalCode"]})["withdrawRegistration"]
    assert gone == {"withdrawn": True, "userErrors": []}
    assert admin(SEARCH, {"q": "Noor Aanmelder"})["stakeholders"]["totalCount"] == 0
    store = engine_of(api).store
    assert (
        store.read_nodes([person["key"]]) == {}
        and store.registration_by_code(code_digest(made["withdrawalCode"])) is None
    )
    everything = json.dumps(export_document(store)) + json.dumps(admin(AUDIT))
    assert person["key"] not in everything and "Aanmelder" not in everything, "erased: a label names them from now on"


def test_erasing_a_self_registered_resident_takes_their_registration_with_them(api: GraphQL):
    made = register(api.as_role("public"), RESIDENT)
    person = api.as_role("editor")(APPROVE, {"id": made["registrationId"]})["approveRegistration"]["stakeholder"]
    erase = "mutation ($id: ID!) { eraseResident(id: $id) { erasedId userErrors { code } } }"
    assert api.as_role("admin")(erase, {"id": person["id"]})["eraseResident"]["userErrors"] == []
    assert engine_of(api).store.registration_by_code(code_digest(made["withdrawalCode"])) is None
    late = api.as_role("public")(WITHDRAW, {"c": made["withdrawalCode"]})["withdrawRegistration"]
    assert late["withdrawn"] is False and codes(late) == ["NOT_FOUND"]


def test_a_sign_up_is_checked_as_a_stakeholder_is_and_every_problem_is_said_at_once(api: GraphQL):
    public = api.as_role("public")
    wrong = {
        "kind": "ORGANISATION",
        "name": "Stichting Zonder Toestemming",
        "needs": ["SPACE"],
        "visibility": "PUBLIC",
        "themes": ["knitting"],
        "consent": False,
    }
    refused = register(public, wrong)
    assert refused["registrationId"] is None and refused["withdrawalCode"] is None
    found = {(e["field"], e["code"]) for e in refused["userErrors"]}
    assert found == {
        ("input.needs", "NOT_APPLICABLE"),
        ("input.visibility", "NOT_APPLICABLE"),
        ("input.themes", "UNKNOWN_THEME"),
        ("input.areaCodes", "AREA_REQUIRED"),
        ("input.consent", "CONSENT_REQUIRED"),
    }
    dutch = register(public, wrong, **{"accept-language": "nl"})["userErrors"]
    assert "zonder uw toestemming" in next(e["message"] for e in dutch if e["code"] == "CONSENT_REQUIRED")
    assert register(public, {**GARDEN, "areaCodes": ["BU99999999"]})["userErrors"][0]["code"] == "UNKNOWN_AREA"
    assert engine_of(api).store.registrations() == []


@contextmanager
def serving(tmp_path: Path, **settings: object) -> Iterator[tuple[GraphQL, Store]]:
    """The app on the demo city with some settings of its own; asks as the public."""
    config = Settings(store=str(tmp_path / "own.sqlite"), demo=True, **settings)  # type: ignore[arg-type]
    store = open_store(config.store)
    tokens = role_tokens(store)
    try:
        with TestClient(build_app(config, store)) as client:
            yield GraphQL(client, None, tokens), store
    finally:
        store.close()


def test_bulk_submission_is_refused_with_nothing_written(tmp_path: Path):
    with serving(tmp_path, register_rate_limit="4/hour", registration_cap=2) as (public, store):
        assert register(public, GARDEN)["userErrors"] == []
        waiting = store.registrations()
        duplicate = register(public, {**GARDEN, "name": "  buurtmoestuin ZONNEBLOEM "})
        assert codes(duplicate) == ["DUPLICATE"] and duplicate["registrationId"] is None
        bot = register(public, {**GARDEN, "name": "Cheap Pills", "website": "http://spam.example"})
        assert bot["userErrors"] == [] and bot["registrationId"] and bot["withdrawalCode"], "looks accepted"
        assert store.registrations() == waiting, "duplicate and honeypot wrote nothing"
        assert register(public, {**GARDEN, "name": "Taalcafe Taag"})["userErrors"] == []
        assert register(public, {**GARDEN, "name": "Derde"})["userErrors"][0]["code"] == "RATE_LIMITED"
        other = GraphQL(public.client, public.tokens["broker"], public.tokens)  # another client: its own budget
        full = register(other, {**GARDEN, "name": "Derde"}, **{"accept-language": "nl"})
        assert codes(full) == ["QUEUE_FULL"] and "Utrecht (GM0344)" in full["userErrors"][0]["message"]
        assert len(store.registrations()) == 2
        assert register(other, {**GARDEN, "name": "Derde", "areaCodes": ["WK036201"]})["userErrors"] == []
        rate = register(public, {**GARDEN, "name": "Vierde"}, **{"accept-language": "nl"})["userErrors"][0]
        assert rate["code"] == "RATE_LIMITED" and "te veel aanmeldingen" in rate["message"]
        assert public.post("query { me { role } }").status_code == 200, "the budget is for registering only"
        assert len(store.registrations()) == 3


def test_pending_registrations_past_their_days_are_removed(tmp_path: Path):
    with serving(tmp_path) as (public, _):
        register(public, GARDEN)
        register(public, RESIDENT)
    engine = Engine(open_store(tmp_path / "own.sqlite"))
    try:
        assert registrations_past(engine, 30) == []
        past = registrations_past(engine, 30, utcnow() + timedelta(days=31))
        assert sorted(r.name for r in past) == ["Buurtmoestuin Zonnebloem", "Noor Aanmelder"]
    finally:
        engine.store.close()
    time.sleep(1)  # kept to the second: let one pass, so that 0 days is past
    path = str(tmp_path / "own.sqlite")
    assert (
        "2 self-registration(s) waited more than 0 days"
        in run("retention", "--store", path, "--registration-days", "0").stdout
    )
    assert "0 self-registration(s)" in run("retention", "--store", path).stdout, "the default: 30 days"
    applied = run("retention", "--apply", "--store", path, "--registration-days", "0")
    assert applied.returncode == 0 and "removed 2 self-registration(s)" in applied.stdout
    assert "0 self-registration(s)" in run("retention", "--store", path, "--registration-days", "0").stdout
    assert "Aanmelder" not in run("audit", "--store", path).stdout


def test_every_message_of_self_registration_is_in_both_languages():
    for code in [*MESSAGES.values(), "WITHDRAWAL_CODE_UNKNOWN"]:
        assert all(code in CATALOGUE[language] for language in LANGUAGES), code
    assert all(CONSENT[CONSENT_VERSION][language] for language in LANGUAGES)
