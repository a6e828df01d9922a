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


def stakeholder_keys(nodes: list[dict]) -> list[str]:
    return [n["key"] for n in nodes if n and "key" in n]


def check_match_partners(data: dict) -> None:
    matches = data["matchPartners"]
    assert matches and all(
        m["partner"]["__typename"] in ("Wijkpartner", "Organisation", "MunicipalityRole") for m in matches
    )
    scores = [m["score"] for m in matches if not m["linkedAlready"]]
    assert scores == sorted(scores, reverse=True)
    best = matches[0]
    assert {p["name"] for p in best["parts"]} == {"theme", "area", "offer", "proximity", "load", "track_record"}
    assert next(p for p in best["parts"] if p["name"] == "theme")["value"] > 0, "a partner on care"
    assert any(m["introductions"] for m in matches), "someone can introduce at least one partner"


def check_introducers(data: dict) -> None:
    found = data["introducers"]
    assert found and found[0]["pathCount"] >= 1 and 0 < found[0]["share"] <= 1
    keys = [i["stakeholder"]["key"] for i in found]
    assert "res-overvecht-057" not in keys and "dock-utrecht" not in keys, "the ends introduce no one"


def check_brokers_and_groups(data: dict) -> None:
    brokers = data["brokers"]["brokers"]
    assert {b["stakeholder"]["key"] for b in brokers[:3]} & {"samen030", "dock-utrecht"}, "the city's known bridges"
    groups = data["communities"]
    assert len(groups["communities"]) >= 2 and groups["modularity"] > 0.3


def check_coverage_gaps(data: dict) -> None:
    gaps = data["coverageGaps"]
    assert len(gaps) == 10, "every buurt of Overvecht"
    missing = [g["missing"] for g in gaps]
    assert missing == sorted(missing, reverse=True)
    business_park = next(g for g in gaps if g["area"]["code"] == "BU03440333")
    assert business_park["residentsOrganisations"] == [] and business_park["missing"] == max(missing)


def check_ego_network(data: dict) -> None:
    ego = data["egoNetwork"]
    hops = [n["hops"] for n in ego["nodes"]]
    assert hops[0] == 0 and set(hops) <= {0, 1, 2} and 1 in hops
    ids = {n["node"]["id"] for n in ego["nodes"]}
    assert ego["relations"] and all(r["source"]["id"] in ids and r["target"]["id"] in ids for r in ego["relations"])


def check_collaboration_suggestions(data: dict) -> None:
    found = data["collaborationSuggestions"]["nodes"]
    assert found and found[0]["explanation"]
    for s in found:
        assert abs(sum(p["weight"] * p["value"] for p in s["parts"]) - s["score"]) < 2e-3


def check_review_suggestion(data: dict) -> None:
    result = data["reviewSuggestion"]
    assert result["userErrors"] == [] and result["review"]["verdict"] == "ACCEPTED"
    assert result["review"]["relationKind"] == "PARTNERS_WITH"


def check_self_registration(data: dict) -> None:
    made = data["register"]
    assert made["userErrors"] == [] and made["registrationId"] and made["withdrawalCode"].startswith("gsvw_")


CHECKS: dict[str, Callable[[dict], None]] = {
    name.removeprefix("check_"): check for name, check in globals().items() if name.startswith("check_")
}


def test_every_example_has_a_check():
    assert {p.stem for p in QUERIES.glob("*.graphql")} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example(api: GraphQL, name: str):
    text = (QUERIES / f"{name}.graphql").read_text(encoding="utf-8")
    writes = any(line.lstrip().startswith("mutation") for line in text.splitlines())
    CHECKS[name]((api.as_role("editor") if writes else api)(text))
