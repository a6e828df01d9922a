"""A deterministic synthetic city, in the import format, for tests and benchmarks.

One municipality ("Synthstad", ``GM0999``: no real municipality has that code), 10 districts,
80 neighbourhoods. Degrees are heavy-tailed (each stakeholder has a Pareto "reach" that
makes it a likely target), most ties are local (80% in the same buurt, 15% in the same
wijk), themes cluster per district, and half the ties join stakeholders who share a theme. The same seed gives the same city, byte for byte.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from .domain.document import FORMAT
from .domain.kinds import ENDS, TYPES, NodeKind, RelationKind
from .domain.records import to_theme_record
from .domain.themes import DEFAULT_THEMES

MUNICIPALITY = "GM0999"
DISTRICTS = 10
NEIGHBOURHOODS_PER_DISTRICT = 8
KIND_SHARES = (
    (NodeKind.RESIDENT, 0.70),
    (NodeKind.ORGANISATION, 0.12),
    (NodeKind.INITIATIVE, 0.10),
    (NodeKind.WIJKPARTNER, 0.05),
    (NodeKind.MUNICIPALITY_ROLE, 0.03),
)
LOCALITY = (0.80, 0.15)  # same buurt, same wijk; the rest anywhere in the city
THEME_TIES = 0.5  # the share of ties drawn among stakeholders who share a theme
START, END = date(2015, 1, 1), date(2026, 6, 30)
NEEDS = ("SPACE", "FUNDING", "VOLUNTEERS", "KNOWLEDGE", "CONTACTS", "PERMITS")


PREFERRED = (
    RelationKind.MEMBER_OF,
    RelationKind.WORKS_FOR,
    RelationKind.WORKS_ON,
    RelationKind.KNOWS,
    RelationKind.CONTACT_FOR,
    RelationKind.PARTNERS_WITH,
)


def _kinds_between() -> dict[tuple[NodeKind, NodeKind], list[RelationKind]]:
    """For each pair of stakeholder kinds, the relation kinds that fit, most likely first."""
    table: dict[tuple[NodeKind, NodeKind], list[RelationKind]] = {}
    stakeholder_kinds = [kind for kind, _ in KIND_SHARES]
    order = {kind: PREFERRED.index(kind) if kind in PREFERRED else len(PREFERRED) for kind in RelationKind}
    for source in stakeholder_kinds:
        for target in stakeholder_kinds:
            fitting = [
                k for k, (s, t) in ENDS.items() if source in s and target in t and k is not RelationKind.ATTENDED
            ]
            table[source, target] = sorted(fitting, key=order.__getitem__)
    return table


def generate_city(stakeholders: int, relations: int | None = None, seed: int = 1) -> dict[str, Any]:
    """A city of ``stakeholders`` stakeholders and about ``relations`` relations (10 each by default)."""
    rng = random.Random(seed)
    relations = stakeholders * 10 if relations is None else relations
    areas, buurten = _areas()
    themes = [t.key for t in DEFAULT_THEMES]
    favourites = {wijk: rng.sample(themes, 3) for wijk in sorted({"WK" + b[2:8] for b in buurten})}
    nodes, home, reach = _stakeholders(rng, stakeholders, buurten, favourites, themes)
    meetings = _meetings(rng, max(1, stakeholders // 500), buurten, favourites)
    rels = _relations(rng, relations, nodes, home, reach, buurten)
    rels += _attendance(rng, meetings, nodes)
    return {
        "format": FORMAT,
        "themes": [to_theme_record(t) for t in DEFAULT_THEMES],
        "areas": areas,
        "stakeholders": nodes,
        "meetings": meetings,
        "relations": rels,
    }


def _areas() -> tuple[list[dict], list[str]]:
    areas: list[dict] = [{"code": MUNICIPALITY, "name": "Synthstad", "level": "MUNICIPALITY", "cbsYear": 2024}]
    buurten = []
    for d in range(DISTRICTS):
        wijk = f"WK0999{d:02d}"
        areas.append(
            {"code": wijk, "name": f"Wijk {d + 1}", "level": "DISTRICT", "parent": MUNICIPALITY, "cbsYear": 2024}
        )
        for n in range(NEIGHBOURHOODS_PER_DISTRICT):
            code = f"BU0999{d:02d}{n:02d}"
            buurten.append(code)
            areas.append(
                {
                    "code": code,
                    "name": f"Buurt {d + 1}.{n + 1}",
                    "level": "NEIGHBOURHOOD",
                    "parent": wijk,
                    "cbsYear": 2024,
                }
            )
    return areas, buurten


def _day(rng: random.Random) -> str:
    return (START + timedelta(days=rng.randrange((END - START).days))).isoformat()


def _stakeholders(rng, count, buurten, favourites, themes):
    kinds = [k for k, _ in KIND_SHARES]
    cumulative = list(accumulate(share for _, share in KIND_SHARES))
    nodes, home, reach = [], [], []
    for i in range(count):
        kind = rng.choices(kinds, cum_weights=cumulative)[0]
        buurt = buurten[rng.randrange(len(buurten))]
        wijk = "WK" + buurt[2:8]
        picked = {
            rng.choice(favourites[wijk]) if rng.random() < 0.8 else rng.choice(themes) for _ in range(rng.randint(1, 3))
        }
        node: dict[str, Any] = {
            "id": f"s{i}",
            "kind": kind.value,
            "name": f"{kind.value.title()} {i}",
            "themes": sorted(picked),
        }
        if kind is NodeKind.RESIDENT:
            node["visibility"] = rng.choices(("PUBLIC", "BROKERS", "PRIVATE"), (3, 6, 1))[0]
            node["areas"] = [buurt]
        else:
            node["type"] = rng.choice(sorted(TYPES[kind]))
            node["areas"] = [buurt] if kind is not NodeKind.MUNICIPALITY_ROLE else [wijk]
        if kind is NodeKind.INITIATIVE:
            node["status"] = rng.choices(("IDEA", "STARTING", "ACTIVE", "PAUSED", "ENDED"), (1, 2, 6, 1, 1))[0]
            node["needs"] = sorted(rng.sample(NEEDS, rng.randint(1, 3)))
            node["started"] = _day(rng)
        if kind is NodeKind.WIJKPARTNER:
            node["capacity"] = rng.randint(3, 20)
            node["offers"] = sorted(rng.sample(NEEDS, rng.randint(1, 3)))
        nodes.append(node)
        home.append(buurten.index(buurt))
        reach.append(rng.paretovariate(1.5) * (1 if kind is NodeKind.RESIDENT else 4))
    return nodes, home, reach


def _meetings(rng, count, buurten, favourites):
    meetings = []
    for i in range(count):
        buurt = rng.choice(buurten)
        meetings.append(
            {
                "id": f"m{i}",
                "name": f"Wijkoverleg {i}",
                "date": _day(rng),
                "areas": [buurt],
                "themes": [rng.choice(favourites["WK" + buurt[2:8]])],
            }
        )
    return meetings


def _relations(rng, count, nodes, home, reach, buurten):
    """Relations with local, heavy-tailed targets, half of them between stakeholders who share a
    theme (homophily); each pair's kind fits its ends."""
    scopes = (
        lambda i: ("buurt", home[i]),
        lambda i: ("wijk", home[i] // NEIGHBOURHOODS_PER_DISTRICT),
        lambda i: ("city", 0),
    )
    pools: dict[tuple, list[int]] = {}
    for i, node in enumerate(nodes):
        for scope_of in scopes:
            pools.setdefault(scope_of(i), []).append(i)
            for theme in node["themes"]:
                pools.setdefault((*scope_of(i), theme), []).append(i)
    weights = {key: list(accumulate(reach[i] for i in ids)) for key, ids in pools.items()}
    kinds = [NodeKind(n["kind"]) for n in nodes]
    between = _kinds_between()
    rels: list[dict[str, Any]] = []
    while len(rels) < count:
        source = rng.randrange(len(nodes))
        roll = rng.random()
        scope = scopes[0 if roll < LOCALITY[0] else 1 if roll < LOCALITY[0] + LOCALITY[1] else 2](source)
        if rng.random() < THEME_TIES:
            scope = (*scope, rng.choice(nodes[source]["themes"]))
        target = rng.choices(pools[scope], cum_weights=weights[scope])[0]
        if target == source:
            continue
        fitting = between[kinds[source], kinds[target]]
        rel: dict[str, Any] = {
            "kind": fitting[0].value if rng.random() < 0.5 else rng.choice(fitting).value,
            "source": f"s{source}",
            "target": f"s{target}",
            "since": _day(rng),
            "strength": round(rng.random(), 2),
        }
        if rng.random() < 0.1:
            rel["until"] = max(rel["since"], _day(rng))
        rels.append(rel)
    return rels


def _attendance(rng, meetings, nodes):
    by_buurt: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        by_buurt.setdefault(node["areas"][0], []).append(i)
    rels = []
    for meeting in meetings:
        local = by_buurt.get(meeting["areas"][0], [])
        for i in rng.sample(local, min(len(local), rng.randint(5, 25))):
            rels.append({"kind": "ATTENDED", "source": f"s{i}", "target": meeting["id"], "since": meeting["date"]})
    return rels
