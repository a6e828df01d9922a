"""The oracles closed: a caller who may not see a node learns nothing of it from a write's answer
or from /health. Each test asks both ways (a hidden node vs a visible or missing one) and compares
the answers byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from graphsvc.engine.view import Role, Viewer

from .test_policy import CITY, ask, gid, hidden_keys, serving, without

SCOPED_EDITOR = Viewer(Role.EDITOR, frozenset({"GM0344"}))
HIDDEN_ORG, VISIBLE_ORG = "k-org-elsewhere-x4", "k-org-alpha"  # for an editor of Utrecht only
CREATE = """mutation ($i: StakeholderInput!, $k: String) { createStakeholder(input: $i, idempotencyKey: $k) {
    stakeholder { key name } userErrors { field message code } } }"""
IMPORT = """mutation ($d: JSON!, $r: Boolean! = false) { importGraph(document: $d, replace: $r) {
    counts userErrors { field message code } } }"""


def create(client: TestClient, secret: str | None, key: str | None, idempotency: str | None = None) -> bytes:
    record = {"kind": "ORGANISATION", "name": "Nieuwe Club", "areaCodes": ["BU03440311"], "key": key}
    return ask(client, secret, (CREATE, {"i": record, "k": idempotency}))


def test_a_key_taken_by_a_hidden_node_is_answered_like_one_taken_by_a_visible_node(tmp_path: Path):
    assert HIDDEN_ORG in hidden_keys(SCOPED_EDITOR) and VISIBLE_ORG not in hidden_keys(SCOPED_EDITOR)
    with serving(tmp_path, CITY, SCOPED_EDITOR) as (client, _, secret):
        hidden, visible = create(client, secret, HIDDEN_ORG), create(client, secret, VISIBLE_ORG)
        private = create(client, secret, "k-res-objected-x3")
    assert hidden == visible == private
    assert b'"code": "CONFLICT"' in hidden and HIDDEN_ORG.encode() not in hidden


def test_an_import_relating_to_a_hidden_node_is_answered_like_one_to_an_unknown_node(tmp_path: Path):
    unknown = "k-org-nowhere-xx99"  # as long as the hidden key: the answers differ in nothing but the key
    assert len(unknown) == len(HIDDEN_ORG)

    def document(target: str) -> dict:
        return {"relations": [{"kind": "KNOWS", "source": VISIBLE_ORG, "target": target}]}

    with serving(tmp_path, CITY, SCOPED_EDITOR) as (client, _, secret):
        hidden = ask(client, secret, (IMPORT, {"d": document(HIDDEN_ORG)}))
        missing = ask(client, secret, (IMPORT, {"d": document(unknown)}))
    assert b"UNKNOWN_NODE" in missing
    assert hidden.replace(HIDDEN_ORG.encode(), unknown.encode()) == missing


def test_an_import_of_an_existing_id_is_refused_alike_whether_visible_or_not(tmp_path: Path):
    def document(key: str) -> dict:
        return {"stakeholders": [{"id": key, "kind": "ORGANISATION", "name": "Overschreven", "areas": ["BU03440311"]}]}

    with serving(tmp_path, CITY, SCOPED_EDITOR) as (client, _, secret):
        hidden = ask(client, secret, (IMPORT, {"d": document("k-org-elsewhere-x4")}))
        visible = ask(client, secret, (IMPORT, {"d": document(VISIBLE_ORG)}))
        asked_to_replace = ask(client, secret, (IMPORT, {"d": document(VISIBLE_ORG), "r": True}))
    assert b'"CONFLICT"' in visible
    assert hidden.replace(b"k-org-elsewhere-x4", b"k-org-alpha") == visible == asked_to_replace, "only admins replace"


def test_health_as_the_public_shows_no_hidden_counts(tmp_path: Path):
    public = Viewer(Role.PUBLIC)
    with serving(tmp_path / "full", CITY, public) as (client, _, _secret):
        full = client.get("/health").content
    with serving(tmp_path / "cut", without(CITY, hidden_keys(public)), public) as (client, _, _secret):
        cut = client.get("/health").content
    assert full == cut


def test_the_public_knows_a_public_resident_by_name_only_without_ties(tmp_path: Path):
    query = """query { stakeholders(search: "Wilma") { nodes { key name
        relations(first: 10) { nodes { id } } neighbours(first: 10) { nodes { __typename } } } } }"""
    relation = 'query { node(id: "UmVsYXRpb246Mg") { id } }'  # Relation 2: Wilma's membership
    with serving(tmp_path, CITY, Viewer(Role.PUBLIC)) as (client, _, _secret):
        found = client.post("/graphql", json={"query": query}).json()["data"]["stakeholders"]["nodes"]
        tie = client.post("/graphql", json={"query": relation}).json()["data"]["node"]
        health = client.get("/health").json()["graph"]
    assert found == [
        {"key": "k-res-known-q7", "name": "Wilma Openbaar", "relations": {"nodes": []}, "neighbours": {"nodes": []}}
    ]
    assert tie is None
    assert health["relations"] == 6, "among organisations, partners and initiatives only"


ADMIN = Viewer(Role.ADMIN)
AUDIT = "query { auditLog(first: 100) { entries { who action subjects detail } } }"


def test_a_retried_create_returns_the_first_result_and_a_residents_key_names_no_one(tmp_path: Path):
    with serving(tmp_path, CITY, SCOPED_EDITOR) as (client, store, secret):
        first = create(client, secret, None, "form-17")
        again = create(client, secret, None, "form-17")
        other = create(client, secret, None, "form-18")
        resident = {"kind": "RESIDENT", "name": "Anna de Vries", "areaCodes": ["BU03440311"]}
        made = ask(client, secret, (CREATE, {"i": resident, "k": None}))
        elsewhere = {"kind": "ORGANISATION", "name": "Buiten", "areaCodes": ["BU03620101"]}
        unknown = ask(client, secret, (CREATE, {"i": elsewhere, "k": None}))  # an area out of scope is unknown
        nowhere = ask(client, secret, (CREATE, {"i": {"kind": "ORGANISATION", "name": "Buiten"}, "k": None}))
        names = [n.name for page in store.iter_nodes() for n in page]
    assert first == again != other, "a retry with the same idempotency key is the first answer"
    assert names.count("Nieuwe Club") == 2
    key = json.loads(made)["data"]["createStakeholder"]["stakeholder"]["key"]
    assert key.startswith("res-") and "anna" not in key
    assert b'"UNKNOWN_AREA"' in unknown and b'"OUT_OF_SCOPE"' in nowhere and "Buiten" not in names


def test_admins_replace_on_request_and_the_audit_log_keeps_what_changed(tmp_path: Path):
    document = {
        "stakeholders": [{"id": VISIBLE_ORG, "kind": "ORGANISATION", "name": "Nieuwe Naam", "areas": ["BU03440311"]}]
    }
    with serving(tmp_path, CITY, ADMIN) as (client, store, secret):
        refused = ask(client, secret, (IMPORT, {"d": document}))
        replaced = ask(client, secret, (IMPORT, {"d": document, "r": True}))
        log = json.loads(ask(client, secret, (AUDIT, {})))["data"]["auditLog"]["entries"]
        name = store.read_nodes([VISIBLE_ORG])[VISIBLE_ORG].name
    assert b'"CONFLICT"' in refused and b'"userErrors": []' in replaced and name == "Nieuwe Naam"
    history = [e for e in log if e["action"] == "importGraph:replace"]
    assert history and history[0]["subjects"] == [VISIBLE_ORG] and "name" in history[0]["detail"]
    assert "Nieuwe Naam" not in str(log), "the audit log holds field names, never values"


def test_a_change_of_visibility_is_its_own_audited_act(tmp_path: Path):
    update = """mutation ($a: ID!) { updateStakeholder(id: $a, input: {visibility: PRIVATE}) {
        stakeholder { ... on Resident { visibility } } userErrors { code } } }"""
    with serving(tmp_path, CITY, ADMIN) as (client, _, secret):
        changed = ask(client, secret, (update, {"a": gid("k-res-brokers-q8")}))
        log = json.loads(ask(client, secret, (AUDIT, {})))["data"]["auditLog"]["entries"]
    assert b'"visibility": "PRIVATE"' in changed
    acts = [(e["action"], e["subjects"], e["detail"]) for e in log if e["action"] != "read:auditLog"]
    assert ("changeVisibility", ["k-res-brokers-q8"], "BROKERS -> PRIVATE") in acts
