"""A deterministic synthetic city, in the import format, for tests and benchmarks.

One municipality ("Synthstad", ``GM0999``: no real municipality has that code), 10 districts,
80 neighbourhoods. The city grows: ties form one after another over 2015-2026, dated when they
form, by triadic closure through strong ties, at shared meetings, between initiatives and
partners that offer what they need, and otherwise locally with heavy-tailed targets (each
stakeholder has a Pareto "reach" that makes it a likely target; 80% in the same buurt, 15% in
the same wijk; themes cluster per district, half these ties join stakeholders who share a
theme). Initiatives start and (some) end, and are tied to only while they run. The same seed
gives the same city, byte for byte.
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
    attendance, attended = _attendance(rng, meetings, nodes)
    rels = _relations(rng, relations, nodes, home, reach, buurten, attended)
    rels += attendance
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
            if node["status"] == "ENDED":  # an initiative that ran one to four years
                ended = date.fromisoformat(node["started"]) + timedelta(days=rng.randint(365, 4 * 365))
                if ended < END:
                    node["ended"] = ended.isoformat()
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


class _Growth:
    """The city's ties as they form, oldest first: who is tied to whom, how strongly, and when
    each stakeholder can take part (an initiative only while it runs)."""

    def __init__(self, nodes: list[dict[str, Any]]):
        self.around: list[list[int]] = [[] for _ in nodes]
        self.strength: list[list[float]] = [[] for _ in nodes]
        self.tied: set[tuple[int, int]] = set()
        self.opens = [date.fromisoformat(n["started"]) if "started" in n else START for n in nodes]
        self.closes = [date.fromisoformat(n["ended"]) if "ended" in n else END for n in nodes]

    def alive(self, i: int, day: date) -> bool:
        return self.opens[i] <= day <= self.closes[i]

    def add(self, u: int, v: int, strength: float) -> None:
        self.around[u].append(v)
        self.around[v].append(u)
        self.strength[u].append(strength)
        self.strength[v].append(strength)
        self.tied.add((min(u, v), max(u, v)))

    def linked(self, u: int, v: int) -> bool:
        return (min(u, v), max(u, v)) in self.tied


def _relations(rng, count, nodes, home, reach, buurten, attended):
    """Relations formed one after another from ``START`` to ``END``, each dated when it formed.

    A new tie closes a triangle through strong ties (``TRIADIC``: a friend of a friend, the
    friend picked by the strength of the tie to it, the friend's friend by the strength of
    theirs), joins two who met at the same meeting (``MEETING_TIES``), brings an initiative to
    a wijkpartner nearby that offers what it needs (``NEEDS_TIES``), or is drawn as before:
    local, heavy-tailed, half among stakeholders who share a theme (homophily). An initiative is tied to only while it runs, and its ties end
    when it does; so a time split of this city asks to predict ties that formed later from
    ties that formed earlier, as a broker's question is.
    """
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
        for need in node.get("offers", ()):
            pools.setdefault(("offers", home[i] // NEIGHBOURHOODS_PER_DISTRICT, need), []).append(i)
    weights = {key: list(accumulate(reach[i] for i in ids)) for key, ids in pools.items()}
    kinds = [NodeKind(n["kind"]) for n in nodes]
    between = _kinds_between()
    growth = _Growth(nodes)
    span = (END - START).days
    rels: list[dict[str, Any]] = []
    tries = 0
    while len(rels) < count and tries < 50 * count:
        tries += 1
        day = START + timedelta(days=span * len(rels) // max(count, 1))
        source = rng.randrange(len(nodes))
        if not growth.alive(source, day):
            continue
        target = _pick(rng, source, day, nodes, home, growth, pools, weights, scopes, attended)
        if target is None or target == source or not growth.alive(target, day) or growth.linked(source, target):
            continue
        fitting = between[kinds[source], kinds[target]]
        strength = round(rng.random(), 2)
        rel: dict[str, Any] = {
            "kind": fitting[0].value if rng.random() < 0.5 else rng.choice(fitting).value,
            "source": f"s{source}",
            "target": f"s{target}",
            "since": day.isoformat(),
            "strength": strength,
        }
        ends = min(growth.closes[source], growth.closes[target])
        if rng.random() < 0.1:
            ends = min(ends, day + timedelta(days=rng.randint(180, 5 * 365)))
        if ends < END:
            rel["until"] = max(day, ends).isoformat()
        growth.add(source, target, strength)
        rels.append(rel)
    return rels


TRIADIC = 0.35  # the share of new ties that close a triangle
MEETING_TIES = 0.08  # that join two who attended the same meeting
NEEDS_TIES = 0.3  # of an initiative's other new ties: to a wijkpartner nearby that offers what it needs


def _pick(rng, source, day, nodes, home, growth, pools, weights, scopes, attended):
    """Whom ``source`` ties to next (None: nobody fits this time)."""
    roll = rng.random()
    around = growth.around[source]
    if roll < TRIADIC and around:
        friend = rng.choices(around, weights=[s * s + 0.01 for s in growth.strength[source]])[0]
        theirs = growth.around[friend]  # the friend introduces someone it knows well, more likely than not
        return rng.choices(theirs, weights=[s + 0.05 for s in growth.strength[friend]])[0] if theirs else None
    if roll < TRIADIC + MEETING_TIES and attended[source]:
        met_on, others = rng.choice(attended[source])
        return rng.choice(others) if met_on <= day else None
    node = nodes[source]
    if node["kind"] == NodeKind.INITIATIVE.value and rng.random() < NEEDS_TIES:
        key = ("offers", home[source] // NEIGHBOURHOODS_PER_DISTRICT, rng.choice(node["needs"]))
        if key in pools:
            return rng.choices(pools[key], cum_weights=weights[key])[0]
    roll = rng.random()
    scope = scopes[0 if roll < LOCALITY[0] else 1 if roll < LOCALITY[0] + LOCALITY[1] else 2](source)
    if rng.random() < THEME_TIES:
        scope = (*scope, rng.choice(node["themes"]))
    return rng.choices(pools[scope], cum_weights=weights[scope])[0]


def _attendance(rng, meetings, nodes):
    """Who attended each meeting; and, per stakeholder, (date, the others there) for each meeting it attended."""
    by_buurt: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        by_buurt.setdefault(node["areas"][0], []).append(i)
    rels = []
    attended: list[list[tuple[date, list[int]]]] = [[] for _ in nodes]
    for meeting in meetings:
        local = by_buurt.get(meeting["areas"][0], [])
        there = rng.sample(local, min(len(local), rng.randint(5, 25)))
        held = date.fromisoformat(meeting["date"])
        for i in there:
            rels.append({"kind": "ATTENDED", "source": f"s{i}", "target": meeting["id"], "since": meeting["date"]})
            attended[i].append((held, [j for j in there if j != i]))
    return rels, attended
