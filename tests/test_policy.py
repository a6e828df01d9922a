"""The policy matrix: every root field and mutation of the served schema x role (public, broker,
editor, admin) x municipality scope (all, GM0344 only), on a small city where PRIVATE residents,
an objecting resident and a stakeholder of another municipality are the only bridges between two
groups.

Every cell holds two invariants. No id, key or name of a node the cell's viewer may not see is
anywhere in the bytes of any answer. And the connection questions (connectionPaths, connected,
introducers, egoNetwork, the stakeholders search, collaborationSuggestions, communities, brokers) answer
exactly as they do on the same city with the hidden nodes deleted (a second store, imported from
the document without them). A role that may not write changes nothing (the store's digest).

The root fields are read from the served schema by introspection: a new field without a row in
``api/permissions.ROOT_FIELDS`` fails here, and so does one without an operation in ``OPERATIONS``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.api.ids import encode
from graphsvc.api.permissions import ROOT_FIELDS
from graphsvc.domain.records import node_from_record
from graphsvc.engine import Engine
from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role, Viewer
from graphsvc.interchange.files import export_document
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store

UTRECHT, AMSTELVEEN = "BU03440311", "BU03620101"
OLD = {"confirmed": "2020-01-01"}  # every fact is stale: the editors' list to check holds all they may see


def resident(key: str, name: str, visibility: str, area: str = UTRECHT, **more: Any) -> dict:
    return {"id": key, "kind": "RESIDENT", "name": name, "areas": [area], "visibility": visibility, **OLD, **more}


def party(key: str, kind: str, name: str, area: str = UTRECHT, **more: Any) -> dict:
    return {"id": key, "kind": kind, "name": name, "areas": [area], "themes": ["care"], **OLD, **more}


CITY: dict[str, Any] = {
    "themes": [{"key": "care", "labelNl": "zorg", "labelEn": "care"}],
    "areas": [
        {"code": "GM0344", "name": "Utrecht", "level": "MUNICIPALITY"},
        {"code": "WK034403", "name": "Overvecht", "level": "DISTRICT", "parent": "GM0344"},
        {"code": UTRECHT, "name": "Taagdreef", "level": "NEIGHBOURHOOD", "parent": "WK034403"},
        {"code": "GM0362", "name": "Amstelveen", "level": "MUNICIPALITY"},
        {"code": "WK036201", "name": "Centrum", "level": "DISTRICT", "parent": "GM0362"},
        {"code": AMSTELVEEN, "name": "Stadshart", "level": "NEIGHBOURHOOD", "parent": "WK036201"},
    ],
    "stakeholders": [
        # group A
        party("k-ini-alpha", "INITIATIVE", "Moestuin Alpha", needs=["SPACE"]),
        party("k-wp-alpha", "WIJKPARTNER", "Buurtteam Alpha", offers=["SPACE"], capacity=3),
        party("k-org-alpha", "ORGANISATION", "Vereniging Alpha"),
        resident("k-res-known-q7", "Wilma Openbaar", "PUBLIC"),
        resident("k-res-brokers-q8", "Bram Makelaar", "BROKERS"),
        # group B
        party("k-ini-beta", "INITIATIVE", "Taalcafe Beta", needs=["VOLUNTEERS"]),
        party("k-wp-beta", "WIJKPARTNER", "Wijkbureau Beta", offers=["VOLUNTEERS"], capacity=2),
        party("k-org-beta", "ORGANISATION", "Stichting Beta"),
        resident("k-res-brokers-q9", "Carla Buurvrouw", "BROKERS"),
        # the only bridges between A and B
        resident("k-res-private-x1", "Pieter Geheim", "PRIVATE"),
        resident("k-res-private-x2", "Greet Verborgen", "PRIVATE"),
        resident("k-res-objected-x3", "Otto Bezwaar", "BROKERS", objected=True),
        party("k-org-elsewhere-x4", "ORGANISATION", "Amstelveense Brug", area=AMSTELVEEN),
        resident("k-res-elsewhere-x5", "Elsa Amstel", "BROKERS", area=AMSTELVEEN),
    ],
    "relations": [
        {"id": i, "since": "2021-01-01", **OLD, **r}
        for i, r in enumerate(
            [
                {"kind": "WORKS_ON", "source": "k-wp-alpha", "target": "k-ini-alpha", "strength": 0.9},
                {"kind": "MEMBER_OF", "source": "k-res-known-q7", "target": "k-ini-alpha"},
                {"kind": "MEMBER_OF", "source": "k-res-brokers-q8", "target": "k-ini-alpha"},
                {"kind": "KNOWS", "source": "k-org-alpha", "target": "k-wp-alpha", "strength": 0.7},
                {"kind": "WORKS_ON", "source": "k-wp-beta", "target": "k-ini-beta", "strength": 0.8},
                {"kind": "MEMBER_OF", "source": "k-res-brokers-q9", "target": "k-ini-beta"},
                {"kind": "KNOWS", "source": "k-org-beta", "target": "k-wp-beta"},
                {"kind": "KNOWS", "source": "k-res-private-x1", "target": "k-res-brokers-q8", "strength": 0.9},
                {"kind": "KNOWS", "source": "k-res-private-x1", "target": "k-res-brokers-q9", "strength": 0.9},
                {"kind": "MEMBER_OF", "source": "k-res-private-x2", "target": "k-org-alpha"},
                {"kind": "MEMBER_OF", "source": "k-res-private-x2", "target": "k-org-beta"},
                {"kind": "SUPPORTS", "source": "k-res-objected-x3", "target": "k-ini-alpha"},
                {"kind": "SUPPORTS", "source": "k-res-objected-x3", "target": "k-ini-beta"},
                {"kind": "PARTNERS_WITH", "source": "k-org-elsewhere-x4", "target": "k-wp-alpha", "strength": 1},
                {"kind": "PARTNERS_WITH", "source": "k-org-elsewhere-x4", "target": "k-wp-beta", "strength": 1},
                {"kind": "KNOWS", "source": "k-res-elsewhere-x5", "target": "k-org-alpha"},
                {"kind": "KNOWS", "source": "k-res-elsewhere-x5", "target": "k-res-brokers-q9"},
                {"kind": "LIVES_IN", "source": "k-res-private-x1", "target": UTRECHT},
            ],
            1,
        )
    ],
    "reviews": [
        {
            "source": "k-ini-alpha",
            "target": "k-org-elsewhere-x4",
            "verdict": "REJECTED",
            "reviewedAt": "2024-03-01T10:00:00+00:00",
        },
        {
            "source": "k-ini-alpha",
            "target": "k-res-private-x1",
            "verdict": "REJECTED",
            "reviewedAt": "2024-03-02T10:00:00+00:00",
        },
        {
            "source": "k-ini-alpha",
            "target": "k-org-beta",
            "verdict": "ACCEPTED",
            "reviewedAt": "2024-03-03T10:00:00+00:00",
        },
    ],
}
TYPENAMES = {
    "RESIDENT": "Resident",
    "INITIATIVE": "Initiative",
    "WIJKPARTNER": "Wijkpartner",
    "ORGANISATION": "Organisation",
}
ROLES = ["PUBLIC", "BROKER", "EDITOR", "ADMIN"]
SCOPES: list[tuple[str, ...] | None] = [None, ("GM0344",)]


def gid(key: str) -> str:
    kind = next(s["kind"] for s in CITY["stakeholders"] if s["id"] == key)
    return encode(TYPENAMES[kind], key)


A, B = gid("k-ini-alpha"), gid("k-ini-beta")
STAKEHOLDER = "... on Stakeholder { id key name }"
ANY = f"__typename {STAKEHOLDER}"
# The connection questions: their answers must equal those on the city without the hidden nodes.
QUESTIONS: dict[str, tuple[str, dict]] = {
    "connectionPaths": (
        f"query ($a: ID!, $b: ID!) {{ connectionPaths(from: $a, to: $b, maxHops: 6, first: 10) {{ length nodes {{ {ANY} }} }} }}",
        {"a": A, "b": B},
    ),
    "connected": (
        "query ($a: ID!, $b: ID!) { connected(from: $a, to: $b) { connected hops } }",
        {"a": A, "b": B},
    ),
    "introducers": (
        f"query ($a: ID!, $b: ID!) {{ introducers(from: $a, to: $b, maxHops: 6) {{ share pathCount stakeholder {{ {ANY} }} }} }}",
        {"a": gid("k-wp-alpha"), "b": gid("k-wp-beta")},
    ),
    "egoNetwork": (
        f"query ($a: ID!) {{ egoNetwork(id: $a, hops: 3, first: 100) {{ nodes {{ hops node {{ {ANY} }} }} relations {{ id kind }} }} }}",
        {"a": gid("k-org-alpha")},
    ),
    "stakeholders": (
        f"query {{ stakeholders(first: 100) {{ totalCount nodes {{ {STAKEHOLDER} }} }} "
        f'q: stakeholders(search: "e", first: 100) {{ totalCount nodes {{ key }} }} }}',
        {},
    ),
    "collaborationSuggestions": (
        f"query ($a: ID!) {{ collaborationSuggestions(forId: $a, first: 20) {{ totalCount nodes {{ score explanation target {{ {ANY} }} }} }} }}",
        {"a": A},
    ),
    "communities": (
        f"query {{ communities {{ modularity communities {{ id size members(first: 100) {{ {ANY} }} }} bridges {{ community other stakeholder {{ {ANY} }} }} }} }}",
        {},
    ),
    "changes": (
        f'query {{ changes(areaCode: "GM0344", from: "1900-01-01", to: "2100-01-01") {{ code on text stakeholder {{ {ANY} }} other {{ {ANY} }} }} }}',
        {},
    ),
    "brokers": (
        f'query {{ brokers(areaCode: "GM0344", first: 20) {{ nodes relations exact brokers {{ betweenness constraint effectiveSize degree stakeholder {{ {ANY} }} }} }} }}',
        {},
    ),
}
NEW_ORG = {"kind": "ORGANISATION", "name": "Nieuwe Club", "areaCodes": [UTRECHT], "themes": ["care"]}
OPERATIONS: dict[str, tuple[str, dict]] = {
    **QUESTIONS,
    "__typename": ("query { __typename }", {}),
    "__schema": ("query { __schema { queryType { name } } }", {}),
    "__type": ('query { __type(name: "Resident") { name } }', {}),
    "node": (f"query ($a: ID!) {{ node(id: $a) {{ {ANY} }} }}", {"a": gid("k-org-alpha")}),
    "nodes": (f"query ($a: [ID!]!) {{ nodes(ids: $a) {{ {ANY} }} }}", {"a": [A, B]}),
    "stakeholder": (
        f"query ($a: ID!) {{ stakeholder(id: $a) {{ {STAKEHOLDER} neighbours(first: 100) {{ nodes {{ {ANY} }} }} "
        "relations(first: 100) { nodes { id kind } } } }",
        {"a": gid("k-org-alpha")},
    ),
    "area": ('query { area(code: "WK034403") { code stakeholders(first: 100) { nodes { key name } } } }', {}),
    "areas": ("query { areas(first: 100) { nodes { code name } } }", {}),
    "themes": ("query { themes { key } }", {}),
    "matchPartners": (
        f"query ($a: ID!) {{ matchPartners(initiative: {{id: $a}}, first: 10) {{ score partner {{ {ANY} }} "
        f"introductions {{ member {{ {ANY} }} linker {{ {ANY} }} }} }} }}",
        {"a": A},
    ),
    "coverageGaps": (
        'query { coverageGaps(areaCode: "GM0344") { area { code } missing residentsOrganisations { __typename } } }',
        {},
    ),
    "suggestionReviews": (
        f"query {{ suggestionReviews {{ nodes {{ verdict source {{ {ANY} }} target {{ {ANY} }} }} }} }}",
        {},
    ),
    "similarStakeholders": (
        f'query {{ similarStakeholders(name: "Otto Bezwaar") {{ score stakeholder {{ {STAKEHOLDER} }} }} '
        f'b: similarStakeholders(name: "Amstelveense Brug") {{ stakeholder {{ {STAKEHOLDER} }} }} '
        f'c: similarStakeholders(name: "Pieter Geheim", areaCode: "{UTRECHT}") {{ stakeholder {{ {STAKEHOLDER} }} }} }}',
        {},
    ),
    "meetings": ("query { meetings(first: 50) { totalCount nodes { key name } } }", {}),
    "me": ("query { me { role municipalities label } }", {}),
    "tokens": ("query { tokens { prefix role municipalities } }", {}),
    "auditLog": ("query { auditLog(first: 100) { entries { who action subjects } } }", {}),
    "registrations": ("query { registrations(first: 50) { totalCount nodes { id kind name contact } } }", {}),
    "registrationConsent": ("query { registrationConsent { version text } }", {}),
    # writes, in this order (later ones change what earlier ones read)
    "createStakeholder": (
        f"mutation ($i: StakeholderInput!) {{ createStakeholder(input: $i) {{ stakeholder {{ {STAKEHOLDER} }} userErrors {{ code }} }} }}",
        {"i": NEW_ORG},
    ),
    "updateStakeholder": (
        f'mutation ($a: ID!) {{ updateStakeholder(id: $a, input: {{tags: ["x"]}}) {{ stakeholder {{ {STAKEHOLDER} }} userErrors {{ code }} }} }}',
        {"a": gid("k-org-alpha")},
    ),
    "link": (
        "mutation ($a: ID!, $b: ID!) { link(input: {kind: KNOWS, sourceId: $a, targetId: $b}) { relation { id } userErrors { code } } }",
        {"a": gid("k-org-alpha"), "b": gid("k-org-beta")},
    ),
    "toCheck": (
        f"query {{ toCheck(first: 100) {{ edges {{ node {{ id stakeholder {{ {ANY} }} relation {{ source {{ {ANY} }} target {{ {ANY} }} }} }} }} }} }}",
        {},
    ),
    "confirmFacts": ("mutation ($a: [ID!]!) { confirmFacts(ids: $a) { confirmed userErrors { code } } }", {"a": [A]}),
    "updateRelation": (
        "mutation ($a: ID!) { updateRelation(id: $a, input: {strength: 0.4}) { relation { id } userErrors { code } } }",
        {"a": encode("Relation", 4)},
    ),
    "endRelation": (
        'mutation ($a: ID!) { endRelation(id: $a, on: "2100-01-01") { relation { id } userErrors { code } } }',
        {"a": encode("Relation", 4)},
    ),
    "unlink": ("mutation ($a: ID!) { unlink(id: $a) { deletedId userErrors { code } } }", {"a": encode("Relation", 4)}),
    "reviewSuggestion": (
        "mutation ($a: ID!, $b: ID!) { reviewSuggestion(sourceId: $a, targetId: $b, verdict: REJECTED) { review { verdict } userErrors { code } } }",
        {"a": A, "b": gid("k-wp-beta")},
    ),
    "importGraph": (
        "mutation ($d: JSON!) { importGraph(document: $d) { counts userErrors { field code } } }",
        {
            "d": {
                "stakeholders": [{"id": "k-imported", "kind": "ORGANISATION", "name": "Ingevoerd", "areas": [UTRECHT]}]
            }
        },
    ),
    "recordMeeting": (
        'mutation ($a: ID!, $b: ID!) { recordMeeting(input: {name: "Buurtavond", date: "2026-03-12", '
        f'areaCodes: ["{UTRECHT}"], attendeeIds: [$a, $b]}}) {{ meeting {{ key name }} userErrors {{ code }} }} }}',
        {"a": gid("k-org-alpha"), "b": gid("k-wp-alpha")},
    ),
    "tieFromMeeting": (
        "mutation ($m: ID!, $a: ID!, $b: ID!) { tieFromMeeting(meetingId: $m, sourceId: $a, targetId: $b) "
        "{ relation { id } userErrors { code } } }",
        {"m": encode("Meeting", "k-no-meeting"), "a": gid("k-org-alpha"), "b": gid("k-wp-alpha")},
    ),
    "mergeStakeholders": (
        f"mutation ($a: ID!, $b: ID!) {{ mergeStakeholders(keepId: $a, mergeId: $b) {{ stakeholder {{ {STAKEHOLDER} "
        "mergedFrom history { action detail } } userErrors { code } } }",
        {"a": gid("k-org-alpha"), "b": gid("k-org-elsewhere-x4")},
    ),
    "deleteStakeholder": (
        "mutation ($a: ID!) { deleteStakeholder(id: $a) { deletedId userErrors { code } } }",
        {"a": gid("k-org-beta")},
    ),
    "register": (
        "mutation ($i: RegistrationInput!) { register(input: $i) { registrationId userErrors { field code } } }",
        {"i": {"kind": "INITIATIVE", "name": "Aangemeld Initiatief", "areaCodes": [UTRECHT], "consent": True}},
    ),
    "approveRegistration": (
        "mutation ($a: ID!) { approveRegistration(id: $a) { stakeholder { id } userErrors { code } } }",
        {"a": encode("Registration", "reg-0000000000000000")},
    ),
    "rejectRegistration": (
        "mutation ($a: ID!) { rejectRegistration(id: $a) { deletedId userErrors { code } } }",
        {"a": encode("Registration", "reg-0000000000000000")},
    ),
    "withdrawRegistration": (
        'mutation { withdrawRegistration(code: "gsvw_unknown") { withdrawn userErrors { code } } }',
        {},
    ),
    "createToken": ("mutation { createToken(role: BROKER) { token { role } userErrors { code } } }", {}),
    "revokeToken": ('mutation { revokeToken(prefix: "gsvc_00000000") { userErrors { code } } }', {}),
    "objectResident": (
        "mutation ($a: ID!) { objectResident(id: $a, objected: true) { objected userErrors { code } } }",
        {"a": gid("k-res-brokers-q9")},
    ),
    "eraseResident": (
        "mutation ($a: ID!) { eraseResident(id: $a) { erasedId userErrors { code } } }",
        {"a": gid("k-res-brokers-q8")},
    ),
}


def served_fields(client: TestClient) -> set[str]:
    query = "query { __schema { queryType { fields { name } } mutationType { fields { name } } } }"
    schema = client.post("/graphql", json={"query": query}).json()["data"]["__schema"]
    return {f["name"] for t in ("queryType", "mutationType") for f in schema[t]["fields"]} | {
        "__typename",
        "__schema",
        "__type",
    }


def hidden_keys(viewer: Viewer) -> set[str]:
    """The stakeholders the viewer may neither see in its network nor know by name."""
    nodes = [node_from_record({**s, "themes": s.get("themes", [])}) for s in CITY["stakeholders"]]
    return {n.id for n in nodes if not viewer.may_see(n) and not viewer.knows_name_of(n)}


def without(doc: dict, hidden: set[str]) -> dict:
    """The city with the hidden stakeholders, their relations and reviews deleted."""
    doc = copy.deepcopy(doc)
    doc["stakeholders"] = [s for s in doc["stakeholders"] if s["id"] not in hidden]
    doc["relations"] = [r for r in doc["relations"] if r["source"] not in hidden and r["target"] not in hidden]
    doc["reviews"] = [r for r in doc["reviews"] if r["source"] not in hidden and r["target"] not in hidden]
    return doc


def hidden_strings(keys: set[str]) -> set[str]:
    names = {s["id"]: s["name"] for s in CITY["stakeholders"]}
    return {text for key in keys for text in (key, gid(key), names[key])}


@contextmanager
def serving(folder: Path, doc: dict, viewer: Viewer) -> Iterator[tuple[TestClient, Store, str | None]]:
    """The app on ``doc`` and the viewer's token (None for the public without scope)."""
    store = open_store(folder / "city.sqlite")
    Engine(store).import_document(doc)
    secret = None
    if viewer.role is not Role.PUBLIC or viewer.municipalities is not None:
        secret, _ = issue_token(store, viewer.role, viewer.municipalities)
    try:
        with TestClient(build_app(Settings(store=str(folder / "city.sqlite"), demo=False), store)) as client:
            yield client, store, secret
    finally:
        store.close()


def ask(client: TestClient, secret: str | None, operation: tuple[str, dict]) -> bytes:
    headers = {"authorization": f"Bearer {secret}"} if secret else {}
    query, variables = operation
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def digest(store: Store) -> str:
    state = {"graph": export_document(store), "tokens": sorted(t.prefix for t in store.tokens())}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def test_every_served_root_field_has_a_policy_row_and_an_operation(tmp_path: Path):
    with serving(tmp_path, CITY, Viewer(Role.ADMIN)) as (client, _, _secret):
        fields = served_fields(client)
    assert fields - ROOT_FIELDS.keys() == set(), "give every root field a row in api/permissions.ROOT_FIELDS"
    assert fields - OPERATIONS.keys() == set(), "give every root field an operation in tests/test_policy.OPERATIONS"


@pytest.mark.parametrize("scope", SCOPES, ids=["all", "GM0344"])
@pytest.mark.parametrize("role", ROLES)
def test_policy_cell(tmp_path: Path, role: str, scope: tuple[str, ...] | None):
    viewer = Viewer(Role(role), None if scope is None else frozenset(scope))
    hidden = hidden_keys(viewer)
    assert "k-res-objected-x3" in hidden, "every cell has something hidden"
    secrets = hidden_strings(hidden)
    answers: dict[str, bytes] = {}
    with serving(tmp_path / "full", CITY, viewer) as (client, store, secret):
        for name, operation in OPERATIONS.items():
            before = digest(store) if operation[0].startswith("mutation") else None
            body = ask(client, secret, operation)
            text = body.decode()
            leaked = sorted(s for s in secrets if s in text)
            assert not leaked, f"{role}/{scope} {name} shows hidden {leaked}: {text[:500]}"
            answer = json.loads(body)
            permission = ROOT_FIELDS[name]
            if permission is not None and not viewer.may(permission):
                assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN", (name, answer)
                if before is not None:
                    assert digest(store) == before, f"{role} changed the store with {name}"
            else:
                assert "errors" not in answer, (name, answer)
            if name in QUESTIONS:
                answers[name] = body
    with serving(tmp_path / "cut", without(CITY, hidden), viewer) as (client, _, secret):
        for name, operation in QUESTIONS.items():
            assert ask(client, secret, operation) == answers[name], f"{role}/{scope} {name} differs without the hidden"
