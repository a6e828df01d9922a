"""Residents' rights through HTTP: erasure leaves nothing of them anywhere, an objection takes them
out of every answer until it ends, and the audit log records every act and every read of resident
data with who and on whom (keys only, never names)."""

from __future__ import annotations

import json
from pathlib import Path

from graphsvc.domain.kinds import PURPOSE_OF, RelationKind
from graphsvc.interchange.files import export_document
from graphsvc.store.sqlite import SQLiteStore

from .api_client import GraphQL, gid

ERASED, NAME = "res-overvecht-048", "Tariq van der I."
OBJECTING, OBJECTING_NAME = "res-overvecht-114", "Kavya N."
SEARCH = "query ($q: String!) { stakeholders(search: $q, first: 50) { totalCount nodes { id key name } } }"
EGO = """query ($id: ID!) { egoNetwork(id: $id, hops: 2, first: 500) {
    nodes { node { ... on Stakeholder { key name } } } relations { source { id } target { id } } } }"""
SUGGEST = """query ($id: ID!) { collaborationSuggestions(forId: $id, first: 100) {
    nodes { target { key name } commonContacts { ... on Stakeholder { key } } } } }"""
REVIEWS = "query { suggestionReviews(first: 100) { nodes { source { key } target { key } } } }"
AUDIT = "query ($after: String) { auditLog(first: 100, after: $after) { entries { seq who action subjects detail } pageInfo { hasNextPage endCursor } } }"


def audit_log(admin: GraphQL) -> list[dict]:
    entries, after = [], None
    while True:
        page = admin(AUDIT, {"after": after})["auditLog"]
        entries += page["entries"]
        if not page["pageInfo"]["hasNextPage"]:
            return entries
        after = page["pageInfo"]["endCursor"]


def neighbours_of(demo_doc: dict, key: str) -> list[str]:
    kinds = {s["id"]: s["kind"] for s in demo_doc["stakeholders"]}
    ends = {r["target"] for r in demo_doc["relations"] if r["source"] == key}
    ends |= {r["source"] for r in demo_doc["relations"] if r["target"] == key}
    return sorted(k for k in ends if kinds.get(k) not in (None, "RESIDENT"))


def typed(demo_doc: dict, key: str) -> str:
    kind = next(s["kind"] for s in demo_doc["stakeholders"] if s["id"] == key)
    return gid("".join(p.capitalize() for p in kind.split("_")), key)


def test_an_erased_resident_leaves_nothing_anywhere(api: GraphQL, demo_doc: dict, tmp_path: Path):
    admin, editor = api.as_role("admin"), api.as_role("editor")
    around = neighbours_of(demo_doc, ERASED)
    assert api(SEARCH, {"q": NAME})["stakeholders"]["totalCount"] == 1
    assert ERASED in json.dumps(api(EGO, {"id": typed(demo_doc, around[0])}))
    reviewed = editor(
        "mutation ($a: ID!, $b: ID!) { reviewSuggestion(sourceId: $a, targetId: $b, verdict: REJECTED) { userErrors { code } } }",
        {"a": typed(demo_doc, around[0]), "b": gid("Resident", ERASED)},
    )
    assert reviewed["reviewSuggestion"]["userErrors"] == []
    assert ERASED in json.dumps(audit_log(admin)), "the reads and the review named them"

    erased = admin(
        "mutation ($id: ID!) { eraseResident(id: $id) { erasedId userErrors { code } } }",
        {"id": gid("Resident", ERASED)},
    )
    assert erased["eraseResident"] == {"erasedId": gid("Resident", ERASED), "userErrors": []}
    again = admin(
        "mutation ($id: ID!) { eraseResident(id: $id) { erasedId userErrors { code } } }",
        {"id": gid("Resident", ERASED)},
    )
    assert again["eraseResident"]["userErrors"] == [{"code": "NOT_FOUND"}]

    answers = [role(SEARCH, {"q": NAME}) for role in (api, editor, admin)]
    answers += [api(EGO, {"id": typed(demo_doc, key)}) for key in around]
    answers += [api(SUGGEST, {"id": typed(demo_doc, key)}) for key in around if key.startswith(("ini", "oke"))]
    answers += [api(REVIEWS), admin(f'query {{ node(id: "{gid("Resident", ERASED)}") {{ id }} }}')]
    log = audit_log(admin)
    answers += [log]
    text = json.dumps(answers, ensure_ascii=False)
    assert ERASED not in text and NAME not in text and gid("Resident", ERASED) not in text
    assert any(e["action"] == "eraseResident" and e["subjects"][0].startswith("erased-") for e in log)
    assert any(s.startswith("erased-") for e in log if e["action"] == "reviewSuggestion" for s in e["subjects"])

    store = api.client.app.state.engine.store  # type: ignore[attr-defined]
    exported = json.dumps(export_document(store), ensure_ascii=False)
    changes = store.changes_since(0)
    assert ERASED not in exported and NAME not in exported
    assert ERASED not in changes.nodes | changes.deleted_nodes
    assert store.read_nodes([ERASED]) == {} and all(ERASED not in (r.source, r.target) for r in store.reviews())
    if isinstance(store, SQLiteStore):  # not a byte of them in the file, its write-ahead log, or any table
        for path in (store.path, Path(f"{store.path}-wal")):
            raw = path.read_bytes() if path.exists() else b""
            assert ERASED.encode() not in raw and NAME.encode() not in raw, path
        rows = store._read("SELECT payload FROM changes") + store._read("SELECT record FROM audit")
        assert ERASED not in json.dumps(rows)


def test_an_objecting_resident_is_in_no_answer_until_the_objection_ends(api: GraphQL, demo_doc: dict):
    admin = api.as_role("admin")
    objection = (
        "mutation ($id: ID!, $o: Boolean!) { objectResident(id: $id, objected: $o) { objected userErrors { code } } }"
    )
    assert admin(SEARCH, {"q": OBJECTING_NAME})["stakeholders"]["totalCount"] == 1
    assert admin(objection, {"id": gid("Resident", OBJECTING), "o": True})["objectResident"]["objected"] is True
    around = neighbours_of(demo_doc, OBJECTING)
    for role in (api, api.as_role("editor"), admin):
        found = [role(SEARCH, {"q": OBJECTING_NAME}), role(EGO, {"id": typed(demo_doc, around[0])})]
        assert OBJECTING not in json.dumps(found) and OBJECTING_NAME not in json.dumps(found)
    health = api.client.get("/health", headers={"authorization": f"Bearer {api.tokens['admin']}"}).json()
    assert admin(objection, {"id": gid("Resident", OBJECTING), "o": False})["objectResident"]["objected"] is False
    after = api.client.get("/health", headers={"authorization": f"Bearer {api.tokens['admin']}"}).json()
    assert after["graph"]["nodes"] == health["graph"]["nodes"] + 1
    assert admin(SEARCH, {"q": OBJECTING_NAME})["stakeholders"]["totalCount"] == 1
    acts = [(e["action"], e["subjects"], e["detail"]) for e in audit_log(admin) if e["action"] == "objectResident"]
    assert acts == [("objectResident", [OBJECTING], "objected"), ("objectResident", [OBJECTING], "objection ended")]
    refused = api.as_role("editor").post(objection, {"id": gid("Resident", OBJECTING), "o": True}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_audit_log_records_writes_and_reads_of_resident_data_by_pseudonym(api: GraphQL):
    admin, editor = api.as_role("admin"), api.as_role("editor")
    api(SEARCH, {"q": "Lotte"})  # a broker reads a resident
    api.as_role("public")(SEARCH, {"q": "Lotte"})  # the public knows her by name
    api("query { stakeholders(kinds: [WIJKPARTNER]) { nodes { key name } } }")  # no resident: not logged
    created = editor(
        'mutation { createStakeholder(input: {kind: RESIDENT, name: "Nina Nieuw", areaCodes: ["BU03440311"]}) { stakeholder { key } } }'
    )["createStakeholder"]["stakeholder"]["key"]
    log = audit_log(admin)
    broker_prefix, editor_prefix = api.token[:13], api.tokens["editor"][:13]  # type: ignore[index]
    reads = [e for e in log if e["action"] == "read:stakeholders"]
    assert len(reads) == 2, "the list of wijkpartners named no resident"
    assert reads[0]["who"] == broker_prefix and "res-overvecht-001" in reads[0]["subjects"]
    assert reads[1]["who"] == "public" and "res-overvecht-001" in reads[1]["subjects"]
    assert all(s.startswith("res-") for e in reads for s in e["subjects"])
    writes = [e for e in log if e["action"] == "createStakeholder"]
    assert [(e["who"], e["subjects"], e["detail"]) for e in writes] == [(editor_prefix, [created], "RESIDENT")]
    text = json.dumps(log, ensure_ascii=False)
    assert "Lotte" not in text and "Nina" not in text, "no names in the audit log"
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)


def test_every_tie_with_a_resident_says_why_it_is_kept(api: GraphQL):
    """Purpose limitation (AVG art. 5(1)(b)): a resident's tie records a purpose, its kind's unless one is given."""
    editor = api.as_role("editor")
    ties = (
        "query ($id: ID!) { stakeholder(id: $id) { relations(first: 100) { nodes { kind purpose source { id } } } } }"
    )
    resident = editor(ties, {"id": gid("Resident", ERASED)})["stakeholder"]["relations"]["nodes"]
    assert resident and all(t["purpose"] == PURPOSE_OF[RelationKind(t["kind"])] for t in resident)
    dock = editor(ties, {"id": gid("Wijkpartner", "dock-utrecht")})["stakeholder"]["relations"]["nodes"]
    between_organisations = [t for t in dock if t["kind"] == "PARTNERS_WITH"]
    assert between_organisations and {t["purpose"] for t in between_organisations} == {None}

    link = """mutation ($input: LinkInput!) { link(input: $input) { relation { kind purpose } userErrors { field code } } }"""
    given = {"kind": "KNOWS", "sourceId": gid("Resident", ERASED), "targetId": gid("Initiative", "oke-nu")}
    assert editor(link, {"input": {**given, "purpose": "SUPPORT"}})["link"] == {
        "relation": {"kind": "KNOWS", "purpose": "SUPPORT"},
        "userErrors": [],
    }
    unknown = editor.post(link, {"input": {**given, "purpose": "MARKETING"}}).json()
    assert "MARKETING" in unknown["errors"][0]["message"]  # not a purpose: refused before anything runs
