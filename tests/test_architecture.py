"""The shape the code keeps: layers import only downwards, and the caller's view is the only way
to the graph (no code outside ``graphsvc/engine`` touches networkx internals or the projection)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graphsvc"
# Reaching past the view: networkx's internal dicts, the projection's node data or columns, the projection itself.
PAST_THE_VIEW = re.compile(r"\._adj\b|\._node\b|\[\"obj\"\]|\bprojection\.[a-z_]|\bNO_DATE\b|\.edge_relations\(")
LAYERS = ["domain", "store", "engine", "analysis", "api"]  # each imports only those before it


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(
    "path", [p for p in modules() if "engine" not in p.parts], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_nothing_outside_the_engine_reaches_past_the_view(path: Path):
    allowed = {"domain/timeline.py"}  # where NO_DATE is defined
    if str(path.relative_to(PACKAGE)) in allowed:
        return
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PAST_THE_VIEW.search(line)
    ]
    assert not found, "read the graph through the caller's View:\n" + "\n".join(found)


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[0] == "graphsvc" and parts[1] in LAYERS else None


@pytest.mark.parametrize(
    "path", [p for p in modules() if p.parent.name in LAYERS], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_layers_import_only_downwards(path: Path):
    here = LAYERS.index(path.parent.name if path.parent.name in LAYERS else path.parent.parent.name)
    package = "graphsvc." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts[:-1])
    upward = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            target = layer_of(name)
            if target is not None and target > here:
                upward.append(name)
    assert not upward, f"{path.name} imports a higher layer: {upward}"
