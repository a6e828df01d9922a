"""The store contract for trust: tokens, the audit log and erasure behave the same on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graphsvc.domain import Batch
from graphsvc.domain.trust import ApiToken, AuditEntry, digest, display_prefix, new_secret, well_formed
from graphsvc.engine.trust import Tokens, UnauthorizedError
from graphsvc.store import Store

from .test_store_contract import seeded

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def token(role: str = "BROKER", scope: tuple[str, ...] | None = ("GM0344",)) -> tuple[str, ApiToken]:
    secret = new_secret()
    return secret, ApiToken(display_prefix(secret), digest(secret), role, scope, NOW, NOW + timedelta(days=90))


def test_a_token_is_well_formed_and_its_checksum_catches_a_typo():
    secret = new_secret()
    assert well_formed(secret) and secret.startswith("gsvc_") and len(secret) == 38
    typo = secret[:10] + ("A" if secret[10] != "A" else "B") + secret[11:]
    assert not well_formed(typo) and not well_formed(secret[:-1]) and not well_formed("gsvc_" + "x" * 33)
    assert digest(secret).startswith("sha256$v1$") and secret not in digest(secret)


def test_tokens_are_kept_found_by_digest_revoked_and_touched(store: Store):
    secret, kept = token()
    _, other = token("ADMIN", None)
    store.save_token(kept)
    store.save_token(other)
    assert store.find_tokens([digest(secret), digest(new_secret()), other.digest]) == {
        kept.digest: kept,
        other.digest: other,
    }, "the ones it knows"
    assert {t.prefix for t in store.tokens()} == {kept.prefix, other.prefix}
    assert next(t for t in store.tokens() if t.role == "ADMIN").municipalities is None
    revoked = store.revoke_token(kept.prefix, NOW + timedelta(hours=1))
    assert revoked is not None and revoked.revoked_at == NOW + timedelta(hours=1)
    again = store.revoke_token(kept.prefix, NOW + timedelta(hours=2))
    assert again is not None and again.revoked_at == NOW + timedelta(hours=1), "revoked once"
    assert store.revoke_token("gsvc_nothing", NOW) is None
    store.touch_tokens({kept.digest: NOW + timedelta(minutes=5)})
    found = store.find_tokens([kept.digest]).get(kept.digest)
    assert found is not None and found.last_used_at == NOW + timedelta(minutes=5)
    assert found.state(NOW) == "REVOKED"
    assert other.state(NOW) == "ACTIVE" and other.state(NOW + timedelta(days=91)) == "EXPIRED"


def test_the_tokens_in_use_are_looked_up_again_together_so_a_revocation_elsewhere_counts(store: Store):
    secret, kept = token()
    store.save_token(kept)
    tokens = Tokens(store, ttl=3600)  # trusted for an hour: only ``refresh`` asks the store again
    assert tokens.cached(secret) == (False, None), "never looked up"
    assert tokens.load(secret) == kept  # the first request looks it up
    store.revoke_token(kept.prefix, NOW)  # as another process does
    assert tokens.cached(secret) == (True, kept), "trusted as looked up"
    tokens.refresh()  # the API does this every half second
    known, found = tokens.cached(secret)
    assert known and found is not None and found.revoked_at == NOW
    with pytest.raises(UnauthorizedError, match="revoked"):
        tokens.viewer(secret, found)


def test_the_audit_log_appends_in_order_and_pages(store: Store):
    store.append_audit([AuditEntry(NOW, "gsvc_abc", "createStakeholder", ("res-1",), "kind RESIDENT")])
    store.append_audit([AuditEntry(NOW, "public", f"read:{i}", ()) for i in range(3)])
    log = store.audit_log()
    assert [e.seq for e in log] == sorted(e.seq for e in log) and len({e.seq for e in log}) == 4
    assert log[0].who == "gsvc_abc" and log[0].subjects == ("res-1",) and log[0].detail == "kind RESIDENT"
    assert [e.action for e in store.audit_log(after=log[1].seq, first=1)] == ["read:1"]


def test_forgetting_a_node_removes_its_id_from_the_feed_and_the_audit_log(store: Store):
    seeded(store)
    store.append_audit([AuditEntry(NOW, "gsvc_abc", "updateStakeholder", ("res-1", "dock"))])
    store.apply(Batch(delete_nodes=["res-1"]))
    store.forget("res-1", "erased-1")
    changes = store.changes_since(0)
    assert changes.reload and "res-1" not in changes.nodes | changes.deleted_nodes
    assert store.audit_log()[0].subjects == ("erased-1", "dock")
    assert store.read_nodes(["res-1"]) == {} and all(
        r.source != "res-1" for page in store.iter_relations() for r in page
    )


def test_a_records_history_is_the_acts_naming_it_newest_first(store: Store):
    store.append_audit(
        [
            AuditEntry(NOW, "gsvc_abc", "createStakeholder", ("buurtteam-a",), "WIJKPARTNER"),
            AuditEntry(NOW, "gsvc_abc", "createStakeholder", ("buurtteam-b",), "WIJKPARTNER"),
            AuditEntry(NOW, "gsvc_abc", "read:stakeholder", ("buurtteam-a",)),  # a read is no act on it
            AuditEntry(NOW, "gsvc_abc", "link", ("dock", "buurtteam-b"), "relation 7 KNOWS"),
            AuditEntry(NOW, "gsvc_abc", "updateStakeholder", ("dock",), "name"),
            AuditEntry(NOW, "gsvc_abc", "mergeStakeholders", ("buurtteam-a", "buurtteam-b"), "buurtteam-b"),
        ]
    )
    both = store.history(["buurtteam-a", "buurtteam-b"])
    assert [e.action for e in both] == ["mergeStakeholders", "link", "createStakeholder", "createStakeholder"]
    assert [e.seq for e in both] == sorted((e.seq for e in both), reverse=True)
    assert [e.action for e in store.history(["buurtteam-a"], first=1)] == ["mergeStakeholders"]
    assert store.history(["nobody"]) == [] and store.history([]) == []


def test_reads_are_rolled_up_until_the_audit_log_is_written(store: Store):
    from graphsvc.engine.trust import Trust

    audit = Trust(store).audit
    audit.record_read("gsvc_abc", "read:stakeholder", ["res-1"])
    audit.record("gsvc_abc", "updateStakeholder", ["res-2"], "name")
    audit.record_read("gsvc_abc", "read:stakeholder", ["res-3", "res-1"])
    audit.record_read("public", "read:stakeholder", ["res-1"])
    audit.flush()
    assert not audit.pending
    assert [(e.who, e.action, e.subjects, e.detail) for e in store.audit_log()] == [
        ("gsvc_abc", "read:stakeholder", ("res-1", "res-3"), "2 reads"),  # at the first read's time
        ("gsvc_abc", "updateStakeholder", ("res-2",), "name"),
        ("public", "read:stakeholder", ("res-1",), None),
    ]
