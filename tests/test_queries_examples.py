"""Every example in queries/ runs against the demo city and gives the answer it promises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .api_client import GraphQL

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def check_find_partner_by_name(data: dict) -> None:
    names = [n["name"] for n in data["stakeholders"]["nodes"]]
    assert any(name.startswith("DOCK") for name in names), names


def check_stakeholder_with_relations(data: dict) -> None:
    oke_nu = data["stakeholder"]
    assert oke_nu["name"].startswith("Oke Nu") and oke_nu["kind"] == "INITIATIVE"
    kinds = {r["kind"] for r in oke_nu["relations"]["nodes"]}
    assert oke_nu["relations"]["totalCount"] >= 3 and kinds & {"MEMBER_OF", "FOUNDED", "SUPPORTS"}


def check_neighbourhood_on_a_theme(data: dict) -> None:
    assert data["area"]["name"] == "Overvecht" and len(data["area"]["children"]) == 10
    found = data["stakeholders"]
    assert found["totalCount"] >= 3
    for node in found["nodes"]:
        assert any(a["code"].startswith(("WK034403", "BU034403")) for a in node["areas"])


def check_create_and_link(data: dict) -> None:
    assert data["createStakeholder"]["userErrors"] == [] and data["link"]["userErrors"] == []
    created = data["createStakeholder"]["stakeholder"]
    assert data["link"]["relation"]["target"]["id"] == created["id"]
    assert data["link"]["relation"]["role"] == "sociaal makelaar"


def check_connection_paths(data: dict) -> None:
    paths = data["connectionPaths"]
    assert 1 <= len(paths) <= 3
    lengths = [p["length"] for p in paths]
    assert lengths == sorted(lengths) and lengths[0] == 4
    for path in paths:
        assert path["nodes"][0]["key"] == "res-overvecht-057" and path["nodes"][-1]["key"] == "dock-utrecht"
        assert len(path["hops"]) == path["length"] and all(hop["relations"] for hop in path["hops"])
    same_length = [p["strength"] for p in paths if p["length"] == lengths[0]]
    assert same_length == sorted(same_length, reverse=True), "strongest ties first among equal lengths"


CHECKS: dict[str, Callable[[dict], None]] = {
    name.removeprefix("check_"): check for name, check in globals().items() if name.startswith("check_")
}


def test_every_example_has_a_check():
    assert {p.stem for p in QUERIES.glob("*.graphql")} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example(api: GraphQL, name: str):
    CHECKS[name](api((QUERIES / f"{name}.graphql").read_text(encoding="utf-8")))
