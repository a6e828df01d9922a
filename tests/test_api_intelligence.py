"""Connection intelligence through HTTP on the demo city: answers a broker would agree with,
nothing hidden in any of them, and bad input answered with the field that was wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from .api_client import GraphQL, gid
from .test_api_privacy import PRIVATE, keys_in

QUERIES = Path(__file__).resolve().parent.parent / "queries"
MATCH = """query ($initiative: InitiativeInput!) { matchPartners(initiative: $initiative, first: 5) {
  score linkedAlready partner { ... on Stakeholder { key areas { code } themes { key } } }
  introductions { member { ... on Stakeholder { key } } linker { ... on Stakeholder { key } } path { length } } } }"""


def test_a_draft_on_care_in_overvecht_meets_partners_serving_overvecht_on_care(api: GraphQL):
    draft = {
        "name": "Mantelzorgkoffie",
        "themes": ["care"],
        "areaCode": "BU03440312",
        "needs": ["SPACE"],
        "memberIds": [gid("Resident", "res-overvecht-017")],
    }
    matches = api(MATCH, {"initiative": draft})["matchPartners"]
    assert len(matches) == 5
    for m in matches[:3]:
        partner = m["partner"]
        assert "care" in {t["key"] for t in partner["themes"]}, partner["key"]
        assert any(a["code"].startswith(("GM0344", "WK034403", "BU034403")) for a in partner["areas"]), partner["key"]
    introduced = [i for m in matches for i in m["introductions"]]
    assert introduced and all(i["member"]["key"] == "res-overvecht-017" for i in introduced)


def test_an_existing_initiative_is_matched_by_id_and_its_partners_are_marked(api: GraphQL):
    matches = api(MATCH, {"initiative": {"id": gid("Initiative", "oke-nu")}})["matchPartners"]
    assert matches and all(not m["introductions"] for m in matches if m["linkedAlready"])


@pytest.mark.parametrize(
    "name",
    [
        "match_partners",
        "introducers",
        "brokers_and_groups",
        "coverage_gaps",
        "ego_network",
        "collaboration_suggestions",
    ],
)
def test_no_private_resident_in_any_answer(api: GraphQL, name: str):
    data = api((QUERIES / f"{name}.graphql").read_text(encoding="utf-8"))
    assert not keys_in(data) & set(PRIVATE)
    ids = {v for v in _values(data, "id")}
    assert not ids & {gid("Resident", key) for key in PRIVATE}


def _values(data: object, field: str) -> list:
    if isinstance(data, dict):
        own = [data[field]] if field in data else []
        return own + [v for x in data.values() for v in _values(x, field)]
    if isinstance(data, list):
        return [v for x in data for v in _values(x, field)]
    return []


def test_active_on_leaves_out_what_had_not_begun_or_had_ended(api: GraphQL):
    query = """query ($day: Date) { egoNetwork(id: "%s", hops: 1, activeOn: $day) {
        nodes { node { id } } relations { key since until source { id } target { id } } } }"""
    query %= gid("Wijkpartner", "dock-utrecht")
    today = api(query, {"day": None})["egoNetwork"]
    day = "2019-02-01"  # after most of DOCK's ties began; one that began and ended on 2019-01-29 is over
    on_day = api(query, {"day": day})["egoNetwork"]
    there = {n["node"]["id"] for n in on_day["nodes"]}
    active = {
        r["key"]
        for r in today["relations"]
        if (r["since"] or "0") <= day <= (r["until"] or "9") and {r["source"]["id"], r["target"]["id"]} <= there
    }
    assert {r["key"] for r in on_day["relations"]} == active
    assert 0 < len(active) < len(today["relations"])
    assert any(r["until"] and r["until"] < day for r in today["relations"]), "an ended tie is left out"


def test_bad_input_names_the_field(api: GraphQL):
    bad = {
        'query { coverageGaps(areaCode: "XX12") { missing } }': "areaCode",
        'query { brokers(areaCode: "WK9") { exact } }': "areaCode",
        'query {{ egoNetwork(id: "{}", hops: 9) {{ truncated }} }}'.format(gid("Wijkpartner", "dock-utrecht")): "hops",
        'query {{ introducers(from: "{}", to: "{}", maxHops: 40) {{ share }} }}'.format(
            gid("Wijkpartner", "dock-utrecht"), gid("Wijkpartner", "smo-utrecht")
        ): "maxHops",
        'query { matchPartners(initiative: {name: "x"}) { score } }': "initiative",
        'query {{ matchPartners(initiative: {{id: "{}"}}) {{ score }} }}'.format(
            gid("Initiative", "nothing")
        ): "initiative",
        'query {{ egoNetwork(id: "{}") {{ truncated }} }}'.format(gid("Resident", PRIVATE[0])): "id",
    }
    for query, field in bad.items():
        errors = api.errors(query)
        assert errors[0]["extensions"]["field"].split(".")[0] == field, (query, errors)


def test_connected_tells_not_connected_from_too_far(api: GraphQL):
    """SAMEN030 (Utrecht) and Borculo's area alderman (Berkelland) are in different components: no
    number of hops would help, and the API says so; a resident of Overvecht reaches DOCK in four."""
    ask = "query($a: ID!, $b: ID!) { connected(from: $a, to: $b) { connected hops } }"
    alderman = gid("MunicipalityRole", "gebiedswethouder-borculo")
    apart = api(ask, {"a": gid("Initiative", "samen030"), "b": alderman})["connected"]
    assert apart == {"connected": False, "hops": None}
    near = api(ask, {"a": gid("Resident", "res-overvecht-057"), "b": gid("Wijkpartner", "dock-utrecht")})
    assert near["connected"] == {"connected": True, "hops": 4}
    assert api.errors(ask, {"a": gid("Resident", "res-overvecht-006"), "b": alderman})[0]["extensions"]["code"] == (
        "NOT_FOUND"
    ), "a private resident is answered as a missing one"


def test_coverage_gaps_come_per_level_on_the_areas_active_themes(api: GraphQL):
    ask = """query($level: AreaLevel, $themes: [String!]) { coverageGaps(areaCode: "WK034403", level: $level,
      themes: $themes) { area { code level } themes { theme } } }"""
    buurten = api(ask, {"level": None, "themes": None})["coverageGaps"]
    assert buurten and {g["area"]["level"] for g in buurten} == {"NEIGHBOURHOOD"}
    wijken = api(ask, {"level": "DISTRICT", "themes": ["zorg"]})["coverageGaps"]
    assert [g["area"]["code"] for g in wijken] == ["WK034403"] and wijken[0]["themes"] == [{"theme": "care"}]
    everywhere = api(ask, {"level": None, "themes": None})["coverageGaps"][0]["themes"]
    assert 0 < len(everywhere) < 16, "the themes at work in Overvecht, not the whole vocabulary"
    error = api.errors(ask, {"level": None, "themes": ["verzorging"]})[0]
    assert "known themes:" in error["message"] and "care" in error["message"]
