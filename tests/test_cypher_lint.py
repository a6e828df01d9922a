"""Every Cypher statement of the Neo4j store passes Neo4j's own parser and semantic analysis.

The npm package ``@neo4j-cypher/language-support`` (pinned in ``tests/cypher_lint``) lints
each statement of ``graphsvc.store.cypher`` as Cypher 5: an error fails the test, warnings
are only shown. The
package is installed from the lockfile the first time (``npm ci``, a few seconds).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from graphsvc.store import cypher

LINT = Path(__file__).parent / "cypher_lint"


def statements() -> dict[str, str]:
    """Every statement in ``cypher``, named by its constant (and index or key in a collection)."""
    found: dict[str, str] = {}
    for name, value in vars(cypher).items():
        if name.startswith("_") or not name.isupper():
            continue
        if isinstance(value, str):
            found[name] = value
        elif isinstance(value, tuple):
            found.update((f"{name}[{i}]", statement) for i, statement in enumerate(value))
        elif isinstance(value, dict):
            found.update((f"{name}[{key}]", statement) for key, statement in value.items())
    return found


def lint(named: dict[str, str]) -> list[dict]:
    if not (LINT / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINT, check=True, timeout=300)
    given = json.dumps([{"name": name, "statement": statement} for name, statement in named.items()])
    result = subprocess.run(
        ["node", "lint.cjs"], cwd=LINT, input=given, capture_output=True, text=True, check=True, timeout=900
    )
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_every_statement_is_valid_neo4j_5_cypher():
    named = statements()
    assert len(named) > 80 and "LOCK_GRAPH" in named and "CREATE_RELATIONS[KNOWS]" in named
    diagnostics = lint(named)
    for warning in sorted({f"{d['name']}: {d['message']}" for d in diagnostics if d["severity"] != 1}):
        print(f"warning: {warning}")
    errors = [f"{d['name']}: {d['message']}" for d in diagnostics if d["severity"] == 1]
    assert errors == []


def test_the_linter_finds_errors():
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    found = lint({"BROKEN": "MATCH (n:Node) RETURN m", "FINE": "MATCH (n:Node {id: $id}) RETURN n"})
    assert [(d["name"], d["severity"]) for d in found] == [("BROKEN", 1)]
