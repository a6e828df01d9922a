"""Trust on the command line: tokens, exports that follow the token's role, retention, the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.resources import seed_path

from .test_cli import run
from .test_policy import CITY


@pytest.fixture
def demo_store(tmp_path: Path) -> str:
    store = str(tmp_path / "g.sqlite")
    assert run("import", "--quiet", "--store", store, str(seed_path())).returncode == 0
    return store


def token(store: str, *args: str) -> str:
    made = run("token", "create", "--store", store, *args)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_tokens_are_made_listed_and_revoked_and_the_audit_log_says_so(demo_store: str):
    secret = token(demo_store, "--role", "broker", "--municipality", "GM0344", "--expires", "90d")
    assert secret.startswith("gsvc_") and len(secret) == 38
    listed = run("token", "list", "--store", demo_store).stdout
    assert secret[:13] in listed and "broker" in listed and "GM0344" in listed and secret not in listed
    assert run("token", "revoke", secret[:13], "--store", demo_store).returncode == 0
    assert "REVOKED" in run("token", "list", "--store", demo_store).stdout
    assert run("token", "revoke", "gsvc_nothing1", "--store", demo_store).returncode == 2
    bad = run("token", "create", "--store", demo_store, "--role", "broker", "--expires", "soon")
    assert bad.returncode == 2 and "--expires" in bad.stderr
    audit = [json.loads(line) for line in run("audit", "--json", "--store", demo_store).stdout.splitlines()]
    assert [(e["who"], e["action"]) for e in audit] == [("cli", "token create"), ("cli", "token revoke")]
    refused = run("export", "--store", demo_store, "--token", secret)
    assert refused.returncode == 2 and "revoked" in refused.stderr


def test_an_export_follows_the_tokens_role(demo_store: str, demo_doc: dict):
    everything = json.loads(run("export", "--store", demo_store).stdout)
    broker = json.loads(run("export", "--store", demo_store, "--token", token(demo_store, "--role", "broker")).stdout)
    scoped = token(demo_store, "--role", "editor", "--municipality", "GM0344")
    editor = json.loads(run("export", "--store", demo_store, "--token", scoped).stdout)
    private = {s["id"] for s in demo_doc["stakeholders"] if s.get("visibility") == "PRIVATE"}
    assert private <= {s["id"] for s in everything["stakeholders"]}
    assert not private & {s["id"] for s in broker["stakeholders"]}
    assert not {r["source"] for r in broker["relations"]} & private
    assert all(s.get("contact") is None for s in broker["stakeholders"])
    assert all(any(a[2:6] == "0344" for a in s["areas"]) for s in editor["stakeholders"])
    assert len(broker["relations"]) < len(everything["relations"])
    graphml = run("export", "--store", demo_store, "--format", "graphml", "--token", scoped).stdout
    assert "res-overvecht-006" in graphml and "res-amstelveen" not in graphml
    audit = run("audit", "--store", demo_store).stdout
    assert "export" in audit and "Lotte" not in audit


def test_retention_flags_and_removes_ended_relations_of_residents(tmp_path: Path):
    doc = json.loads(json.dumps(CITY))
    for ended in doc["relations"][:2]:
        ended.update(since="2000-01-01", until="2001-01-01")
    # relation 1: a partner's work, no resident: kept; relation 2: a resident's membership, ended long ago
    (tmp_path / "city.json").write_text(json.dumps(doc))
    store = str(tmp_path / "g.sqlite")
    assert run("import", "--quiet", "--store", store, str(tmp_path / "city.json")).returncode == 0
    listed = run("retention", "--store", store)
    assert listed.returncode == 0 and "GM0344" in listed.stdout and "1 relation(s) past retention" in listed.stdout
    assert "0 relation(s)" in run("retention", "--store", store, "--retention", "*=100000").stdout
    applied = run("retention", "--apply", "--store", store)
    assert applied.returncode == 0 and "removed 1" in applied.stdout
    kept = json.loads(run("export", "--store", store).stdout)["relations"]
    assert [r["id"] for r in kept if r.get("until")] == [1]
    assert "retention --apply" in run("audit", "--store", store).stdout
