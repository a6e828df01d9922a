"""Communities against published results (Zachary's karate club, Davis' Southern Women) and on the demo city."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from graphsvc.analysis import communities
from graphsvc.analysis.communities import BRIDGES_PER_PAIR, MAX_BRIDGES

from .engines import Engines
from .networks import davis_document, karate_document, slug

PRIVATE = {"res-overvecht-006", "res-overvecht-034", "res-overvecht-071", "res-overvecht-098"}
# Davis, Gardner & Gardner (1941): women 1-9 and 10-18 form two groups; Freeman (2003) finds the
# cores undisputed across 21 analyses and a few women in between (Pearl, Ruth, Dorothy, Olivia, Flora...).
DAVIS_SPLIT = (
    [
        *("Evelyn Jefferson", "Laura Mandeville", "Theresa Anderson", "Brenda Rogers", "Charlotte McDowd"),
        *("Frances Anderson", "Eleanor Nye", "Pearl Oglethorpe", "Ruth DeSand"),
    ],
    [
        *("Verne Sanderson", "Myra Liddel", "Katherina Rogers", "Sylvia Avondale", "Nora Fayette", "Helen Lloyd"),
        *("Dorothy Murchison", "Olivia Carleton", "Flora Price"),
    ],
)
DAVIS_CORES = (set(DAVIS_SPLIT[0][:5]), {"Katherina Rogers", "Sylvia Avondale", "Nora Fayette", "Helen Lloyd"})
DAVIS_IN_BETWEEN = {"Pearl Oglethorpe", "Ruth DeSand", "Dorothy Murchison", "Olivia Carleton", "Flora Price"}


def purity(groups: list[set[str]], truth: dict[str, int] | dict[str, str]) -> float:
    """The share of members in the majority faction of their community."""
    majority = sum(Counter(truth[m] for m in group).most_common(1)[0][1] for group in groups)
    return majority / sum(len(g) for g in groups)


def test_the_karate_club_splits_along_the_two_factions(engine_with: Engines):
    engine = engine_with(karate_document())
    report = communities(engine.view())
    graph = nx.karate_club_graph()
    faction = {slug(n): club for n, club in graph.nodes(data="club")}
    groups = [set(c.members) for c in report.communities]
    assert sum(len(g) for g in groups) == 34
    assert purity(groups, faction) >= 0.9  # Zachary 1977: Mr Hi's and the Officer's followers
    assert report.modularity == pytest.approx(0.42, abs=0.02)  # the best known partition: 0.4198
    assert slug(0) not in set().union(*(g for g in groups if slug(33) in g)), "the two leaders are apart"


def test_davis_southern_women_fall_into_the_two_known_groups(engine_with: Engines):
    engine = engine_with(davis_document())
    report = communities(engine.view())
    community_of = {m: c.id for c in report.communities for m in c.members}
    group = {slug(w): number for number, women in enumerate(DAVIS_SPLIT) for w in women}
    assert set(community_of) == set(group), "the events tie the women; only the women are members"
    cores = [{community_of[slug(w)] for w in core} for core in DAVIS_CORES]
    assert len(cores[0]) == 1 and len(cores[1]) == 1 and cores[0] != cores[1], "each core together, apart"
    groups = [set(c.members) for c in report.communities]
    assert purity(groups, group) >= 0.85
    majority = {c.id: Counter(group[m] for m in c.members).most_common(1)[0][0] for c in report.communities}
    strays = {w for women in DAVIS_SPLIT for w in women if majority[community_of[slug(w)]] != group[slug(w)]}
    assert strays <= DAVIS_IN_BETWEEN


def test_communities_are_stable_between_calls_and_explained(engine_with: Engines, demo_doc: dict):
    engine = engine_with(demo_doc)
    first = communities(engine.view(), area_code="WK034403")
    again = communities(engine.view(), area_code="WK034403")
    assert first.communities == again.communities and first.bridges == again.bridges
    assert [c.id for c in first.communities] == list(range(len(first.communities)))
    assert [c.size for c in first.communities] == sorted((c.size for c in first.communities), reverse=True)
    view = engine.view()
    members = set()
    for community in first.communities:
        members |= set(community.members)
        assert community.size == len(community.members) >= 2 and community.themes
        counts = [t.members for t in community.themes]
        assert counts == sorted(counts, reverse=True) and counts[0] <= community.size
    assert PRIVATE.isdisjoint(members)
    group = {m: c.id for c in first.communities for m in c.members}
    assert first.bridges
    for bridge in first.bridges:
        assert group[bridge.id] == bridge.community != bridge.other
        ties = sum(1 for n in view.graph[bridge.id] if group.get(n) == bridge.other)
        assert ties == bridge.ties
    # and they are, per pair of communities, the ones with the most ties (then by id), counted one by one
    reach = Counter((n, group[m]) for n in group for m in view.graph[n] if group.get(m, group[n]) != group[n])
    per_pair: Counter[frozenset[int]] = Counter()
    expected = []
    for (node, other), ties in sorted(reach.items(), key=lambda item: (-item[1], item[0])):
        pair = frozenset((group[node], other))
        if per_pair[pair] < BRIDGES_PER_PAIR:
            per_pair[pair] += 1
            expected.append((node, group[node], other, ties))
    assert [(b.id, b.community, b.other, b.ties) for b in first.bridges] == expected[:MAX_BRIDGES]
