"""GraphQL over HTTP conformance: graphql-http's server audit (61 checks: MUST, SHOULD and MAY of the
spec, https://graphql.github.io/graphql-over-http/) against a real ``graphsvc serve``.

The npm packages (graphql-http and its peer graphql) are pinned in ``tests/graphql_http_audit``
(package.json and package-lock.json); ``scripts/test`` installs them with ``npm ci``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .serving import serving

AUDIT = Path(__file__).parent / "graphql_http_audit"
CHECKS = 61


def audit(url: str) -> list[dict]:
    if not (AUDIT / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=AUDIT, check=True, timeout=300)
    done = subprocess.run(
        ["node", "audit.mjs", f"{url}/graphql"], cwd=AUDIT, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_every_graphql_over_http_audit_passes(tmp_path: Path):
    with serving(tmp_path / "graph.sqlite") as url:
        results = audit(url)
    failures = [f"{r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failures == [], "\n".join(failures)
    assert len(results) == CHECKS, [r["name"] for r in results]
