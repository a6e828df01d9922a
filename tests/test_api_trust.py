"""Tokens over HTTP: no token is the public, a bad one is 401 saying why, and what each role may do."""

from __future__ import annotations

from datetime import timedelta

from graphsvc.domain.model import utcnow
from graphsvc.domain.trust import new_secret
from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role

from .api_client import GraphQL, gid

ME = "query { me { role municipalities label } }"


def test_without_a_token_a_client_is_the_public(api: GraphQL):
    public = api.as_role("public")
    assert public(ME)["me"] == {"role": "PUBLIC", "municipalities": None, "label": "public"}
    refused = public.post("query ($a: ID!) { egoNetwork(id: $a) { nodes { hops } } }", {"a": gid("Wijkpartner", "x")})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_token_is_the_viewer_it_grants(api: GraphQL):
    me = api(ME)["me"]
    assert me["role"] == "BROKER" and me["municipalities"] is None and api.token and api.token.startswith(me["label"])
    scoped = api.as_role("editor-GM0344")(ME)["me"]
    assert scoped["role"] == "EDITOR" and scoped["municipalities"] == ["GM0344"]


def answer(api: GraphQL, secret: str) -> tuple[int, dict]:
    response = api.post(ME, authorization=f"Bearer {secret}")
    return response.status_code, response.json()


def test_unknown_expired_and_revoked_tokens_get_401_saying_why(api: GraphQL):
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    store = engine.store
    expired, _ = issue_token(store, Role.BROKER, expires_in=timedelta(minutes=1), now=utcnow() - timedelta(hours=1))
    revoked, token = issue_token(store, Role.BROKER)
    store.revoke_token(token.prefix, utcnow())
    cases = {
        "gsvc_notatoken": "UNKNOWN",  # not well formed: no look-up, no detail
        new_secret(): "UNKNOWN",  # well formed, never issued
        expired: "EXPIRED",
        revoked: "REVOKED",
    }
    for secret, reason in cases.items():
        status, body = answer(api, secret)
        assert status == 401 and body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
        assert "data" not in body
    assert "expired on" in answer(api, expired)[1]["errors"][0]["message"]
    assert api.post(ME, authorization="Basic abc").status_code == 401
    health = api.client.get("/health", headers={"authorization": f"Bearer {revoked}"})
    assert health.status_code == 401


def test_admins_create_list_and_revoke_tokens_and_the_secret_is_shown_once(api: GraphQL):
    admin = api.as_role("admin")
    made = admin(
        """mutation { createToken(role: EDITOR, municipalities: ["GM0344"], expiresIn: "30d", note: "wijkteam") {
            secret token { prefix role municipalities state expiresAt } userErrors { code } } }"""
    )["createToken"]
    secret, prefix = made["secret"], made["token"]["prefix"]
    assert secret.startswith(prefix) and made["token"]["state"] == "ACTIVE"
    listed = admin("query { tokens { prefix role state note } }")["tokens"]
    assert {"prefix": prefix, "role": "EDITOR", "state": "ACTIVE", "note": "wijkteam"} in listed
    assert secret not in str(listed)
    assert answer(api, secret)[1]["data"]["me"]["role"] == "EDITOR"
    revoked = admin(f'mutation {{ revokeToken(prefix: "{prefix}") {{ token {{ state }} }} }}')["revokeToken"]
    assert revoked["token"]["state"] == "REVOKED"
    assert answer(api, secret)[0] == 401, "a token revoked here is refused at once"
    bad = admin('mutation { createToken(role: BROKER, municipalities: ["Utrecht"]) { userErrors { field code } } }')
    assert bad["createToken"]["userErrors"] == [{"field": "municipalities", "code": "INVALID"}]
    for role in ("broker", "editor", "public"):
        body = api.as_role(role).post("query { tokens { prefix } }").json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body.get("data") is None


def test_health_answers_from_the_callers_view(api: GraphQL):
    public = api.client.get("/health").json()["graph"]
    broker = api.client.get("/health", headers={"authorization": f"Bearer {api.token}"}).json()["graph"]
    admin = api.client.get("/health", headers={"authorization": f"Bearer {api.tokens['admin']}"}).json()["graph"]
    assert public["nodes"] < broker["nodes"] < admin["nodes"]
    assert public["relations"] < broker["relations"] < admin["relations"]


def test_a_scoped_administrator_acts_only_within_its_municipalities(api: GraphQL, demo_doc: dict):
    admin = api.as_role("admin-GM0344")
    wider = admin('mutation { createToken(role: ADMIN, municipalities: ["GM0363"]) { secret userErrors { code } } }')
    assert wider["createToken"] == {"secret": None, "userErrors": [{"code": "INVALID"}]}
    made = admin("mutation { createToken(role: BROKER) { token { municipalities } } }")["createToken"]["token"]
    assert made["municipalities"] == ["GM0344"], "no municipalities given: its own"
    assert all(t["municipalities"] == ["GM0344"] for t in admin("query { tokens { municipalities } }")["tokens"])
    elsewhere = next(
        s["id"] for s in demo_doc["stakeholders"] if s["kind"] == "RESIDENT" and "0344" not in s["areas"][0]
    )
    erase = "mutation ($id: ID!) { eraseResident(id: $id) { erasedId userErrors { code } } }"
    hidden = admin(erase, {"id": gid("Resident", elsewhere)})["eraseResident"]
    missing = admin(erase, {"id": gid("Resident", "nobody")})["eraseResident"]
    assert hidden == missing == {"erasedId": None, "userErrors": [{"code": "NOT_FOUND"}]}
    prefix = api.tokens["broker"][:13]
    revoked = admin(f'mutation {{ revokeToken(prefix: "{prefix}") {{ userErrors {{ code }} }} }}')["revokeToken"]
    assert revoked["userErrors"] == [{"code": "NOT_FOUND"}], "a token for every municipality is not its to revoke"
