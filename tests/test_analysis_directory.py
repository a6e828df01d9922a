"""Finding stakeholders from the directory gives exactly what the view's own filters give, in name order."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.analysis.directory import find_stakeholders
from graphsvc.domain import NodeKind, Visibility
from graphsvc.engine import Engine, View, edits
from graphsvc.engine.view import Role, Viewer

ASKED = [
    {},
    {"text": "buurtteam"},
    {"text": "OKÉ"},
    {"kinds": frozenset({NodeKind.WIJKPARTNER, NodeKind.ORGANISATION})},
    {"themes": ["care", "youth"]},
    {"area": "WK034403"},
    {"area": "BU03440322", "kinds": frozenset({NodeKind.RESIDENT})},
    {"area": "GM0344", "themes": ["care"], "text": "overvecht"},
    {"area": "WK999999"},
    {"text": "no such stakeholder"},
]


def by_the_view(view: View, kinds=None, themes=None, area=None, text=None) -> list[str]:
    found = [
        n for n in view.stakeholders(kinds=kinds, area=area, text=text) if not themes or set(themes) & set(n.themes)
    ]
    return [n.id for n in sorted(found, key=lambda n: (n.name.casefold(), n.id))]


@pytest.mark.parametrize("asked", ASKED, ids=lambda asked: ",".join(f"{k}={v}" for k, v in asked.items()) or "all")
def test_the_directory_answers_as_the_view_does(demo_engine: Engine, asked: dict):
    for view in (
        demo_engine.view(),
        demo_engine.view(Viewer(Role.PUBLIC)),
        demo_engine.view(active_on=date(2019, 1, 1)),
    ):
        assert [n.id for n in find_stakeholders(view, **asked)] == by_the_view(view, **asked)


def test_private_residents_are_never_found(demo_engine: Engine):
    nodes = demo_engine.projection.graph.nodes(data="obj")
    private = {key for key, node in nodes if getattr(node, "visibility", None) is Visibility.PRIVATE}
    assert private
    found = {n.id for n in find_stakeholders(demo_engine.view(), kinds=frozenset({NodeKind.RESIDENT}))}
    assert found and not found & private


def test_a_write_is_found_at_once(demo_engine: Engine):
    assert find_stakeholders(demo_engine.view(), text="Jongerencafé") == []
    edits.create_node(
        demo_engine,
        demo_engine.view(),
        {"id": "jongerencafe", "kind": "INITIATIVE", "name": "Jongerencafé Neckardreef", "areas": ["BU03440322"]},
    )
    found = find_stakeholders(demo_engine.view(), area="WK034403", text="jongerencafe")
    assert [n.id for n in found] == ["jongerencafe"]
