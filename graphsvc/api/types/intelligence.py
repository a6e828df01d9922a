"""Answers of the connection-intelligence queries: partner matches, introducers, brokers,
communities, coverage gaps and ego networks. Each wraps a plain result of ``graphsvc.analysis``
and resolves the stakeholders it names through the caller's view."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from ... import analysis
from ...engine import View
from .area import Area
from .enums import Need
from .node import Node, maybe_graphql
from .path import ConnectionPath
from .relation import Relation
from .suggestion import ScorePart
from .theme import Theme


def _nodes(view: View, ids: Iterable[str], info: strawberry.Info) -> list[Node]:
    """The GraphQL objects of the ids the caller may see, in order."""
    found = (maybe_graphql(view.node(i), info.context) for i in ids)
    return [node for node in found if node is not None]


def _node(view: View, node_id: str, info: strawberry.Info) -> Node | None:
    return maybe_graphql(view.node(node_id), info.context)


@strawberry.type(
    description="How recent a cached global measure is: computed for graph version, stale while "
    "a newer one is computed in the background, pending while none exists yet (big graphs)."
)
class Freshness:
    version: int | None
    stale: bool
    pending: bool

    @classmethod
    def of(cls, fresh: analysis.Freshness) -> Freshness:
        return cls(version=fresh.version, stale=fresh.stale, pending=fresh.pending)


@strawberry.type(description="A way to reach a partner: from a member, through the linker who can introduce them.")
class Introduction:
    _intro: strawberry.Private[analysis.Introduction]
    _view: strawberry.Private[View]

    @strawberry.field(description="The initiative's member the path starts from")
    def member(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._intro.member, info)

    @strawberry.field(description="Who can make the introduction: the first stakeholder after the member")
    def linker(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._intro.linker, info)

    @strawberry.field
    def path(self) -> ConnectionPath:
        return ConnectionPath.of(self._intro.path, self._view)


@strawberry.type(description="A partner (wijkpartner, organisation or municipality role) that fits an initiative.")
class PartnerMatch:
    score: float = strawberry.field(description="0..1: the weighted sum of the parts")
    parts: list[ScorePart]
    linked_already: bool = strawberry.field(description="Tied to the initiative already: context, not a suggestion")
    _match: strawberry.Private[analysis.PartnerMatch]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, match: analysis.PartnerMatch, view: View) -> PartnerMatch:
        parts = [ScorePart.of(p, view) for p in match.parts]
        return cls(score=match.score, parts=parts, linked_already=match.linked_already, _match=match, _view=view)

    @strawberry.field
    def partner(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._match.partner, info)

    @strawberry.field(description="The best introduction paths from the initiative's members, warmest first")
    def introductions(self) -> list[Introduction]:
        return [Introduction(_intro=i, _view=self._view) for i in self._match.introductions]


@strawberry.type(description="A stakeholder on many short, strong paths between two others.")
class Introducer:
    share: float = strawberry.field(description="0..1: the part of the weight of all paths found that runs through it")
    path_count: int
    _introducer: strawberry.Private[analysis.Introducer]
    _view: strawberry.Private[View]

    @strawberry.field
    def stakeholder(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._introducer.id, info)

    @strawberry.field(description="The best of those paths, warmest first")
    def paths(self) -> list[ConnectionPath]:
        return [ConnectionPath.of(p, self._view) for p in self._introducer.paths]


@strawberry.type(description="A broker: bridges otherwise separate groups (betweenness; Burt's structural holes).")
class Broker:
    betweenness: float = strawberry.field(description="Normalised 0..1")
    betweenness_error: float = strawberry.field(description="Standard error of a sampled estimate; 0 when exact")
    effective_size: float = strawberry.field(description="Burt: non-redundant contacts")
    constraint: float = strawberry.field(description="Burt: 0..1, low for a broker")
    degree: int
    _id: strawberry.Private[str]
    _view: strawberry.Private[View]

    @strawberry.field
    def stakeholder(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._id, info)


@strawberry.type
class BrokerReport:
    brokers: list[Broker]
    nodes: int = strawberry.field(description="Stakeholders and meetings measured")
    relations: int = strawberry.field(description="Distinct ties among them")
    exact: bool = strawberry.field(description="Betweenness exact, or sampled from sampleSources sources")
    sample_sources: int
    freshness: Freshness

    @classmethod
    def of(cls, report: analysis.BrokerReport, view: View) -> BrokerReport:
        found = [
            Broker(
                betweenness=b.betweenness,
                betweenness_error=b.betweenness_error,
                effective_size=b.effective_size,
                constraint=b.constraint,
                degree=b.degree,
                _id=b.id,
                _view=view,
            )
            for b in report.brokers
        ]
        return cls(
            brokers=found,
            nodes=report.nodes,
            relations=report.relations,
            exact=report.exact,
            sample_sources=report.sample_sources,
            freshness=Freshness.of(report.freshness),
        )


@strawberry.type(description="A theme and how many of a group's members work on it.")
class ThemeShare:
    members: int
    _key: strawberry.Private[str]

    @strawberry.field
    def theme(self, info: strawberry.Info) -> Theme | None:
        found = info.context.view.themes.get(self._key)
        return Theme.of(found) if found else None


@strawberry.type(description="A group of stakeholders who work together (a community), with its main themes.")
class Community:
    id: int = strawberry.field(description="0 is the largest group")
    size: int
    themes: list[ThemeShare]
    _community: strawberry.Private[analysis.Community]
    _view: strawberry.Private[View]

    @strawberry.field(description="Its members, most connected first")
    def members(self, info: strawberry.Info, first: int = 50) -> list[Node]:
        return _nodes(self._view, self._community.members[:first], info)


@strawberry.type(description="A stakeholder of one group with ties into another.")
class Bridge:
    community: int
    other: int
    ties: int
    _id: strawberry.Private[str]
    _view: strawberry.Private[View]

    @strawberry.field
    def stakeholder(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._id, info)


@strawberry.type
class CommunityReport:
    communities: list[Community]
    bridges: list[Bridge]
    modularity: float
    algorithm: str
    seed: int
    freshness: Freshness

    @classmethod
    def of(cls, report: analysis.CommunityReport, view: View) -> CommunityReport:
        groups = [
            Community(
                id=c.id,
                size=c.size,
                themes=[ThemeShare(members=t.members, _key=t.theme) for t in c.themes],
                _community=c,
                _view=view,
            )
            for c in report.communities
        ]
        bridges = [
            Bridge(community=b.community, other=b.other, ties=b.ties, _id=b.id, _view=view) for b in report.bridges
        ]
        return cls(
            communities=groups,
            bridges=bridges,
            modularity=report.modularity,
            algorithm=report.algorithm,
            seed=report.seed,
            freshness=Freshness.of(report.freshness),
        )


@strawberry.type(description="For one theme in a neighbourhood: the initiatives and partners working on it.")
class ThemeCoverage:
    theme: str
    _coverage: strawberry.Private[analysis.ThemeCoverage]
    _view: strawberry.Private[View]

    @strawberry.field(description="Running initiatives on the theme in the buurt itself")
    def initiatives(self, info: strawberry.Info) -> list[Node]:
        return _nodes(self._view, self._coverage.initiatives, info)

    @strawberry.field(description="Running initiatives on the theme that name its wijk")
    def district_initiatives(self, info: strawberry.Info) -> list[Node]:
        return _nodes(self._view, self._coverage.district_initiatives, info)

    @strawberry.field(description="Partners on the theme serving the buurt")
    def partners(self, info: strawberry.Info) -> list[Node]:
        return _nodes(self._view, self._coverage.partners, info)


@strawberry.type(description="What a neighbourhood (buurt) lacks: initiatives, partners, a residents' organisation.")
class NeighbourhoodGap:
    missing: int = strawberry.field(
        description="Themes without an initiative + themes without a partner + 1 "
        "without a residents' organisation: the ranking"
    )
    without_initiative: list[str]
    without_partner: list[str]
    themes: list[ThemeCoverage]
    _gap: strawberry.Private[analysis.NeighbourhoodGap]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, gap: analysis.NeighbourhoodGap, view: View) -> NeighbourhoodGap:
        return cls(
            missing=gap.missing,
            without_initiative=list(gap.without_initiative),
            without_partner=list(gap.without_partner),
            themes=[ThemeCoverage(theme=t.theme, _coverage=t, _view=view) for t in gap.themes],
            _gap=gap,
            _view=view,
        )

    @strawberry.field
    def area(self, info: strawberry.Info) -> Area | None:
        found = self._view.areas.get(self._gap.code)
        return Area.of(found) if found else None

    @strawberry.field(
        description="Running initiatives and residents' associations there; none: the city "
        "cooperative steps in (SAMEN030)"
    )
    def residents_organisations(self, info: strawberry.Info) -> list[Node]:
        return _nodes(self._view, self._gap.residents_organisations, info)


@strawberry.type(description="A node of an ego network and its distance from the centre.")
class EgoNode:
    hops: int
    _id: strawberry.Private[str]
    _view: strawberry.Private[View]

    @strawberry.field
    def node(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._id, info)


@strawberry.type(description="A stakeholder's neighbourhood as a subgraph, for drawing.")
class EgoNetwork:
    truncated: bool = strawberry.field(description="More nodes were within reach than first allowed")
    nodes: list[EgoNode]
    _ego: strawberry.Private[analysis.EgoNetwork]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, ego: analysis.EgoNetwork, view: View) -> EgoNetwork:
        nodes = [EgoNode(hops=n.hops, _id=n.id, _view=view) for n in ego.nodes]
        return cls(truncated=ego.truncated, nodes=nodes, _ego=ego, _view=view)

    @strawberry.field
    def centre(self, info: strawberry.Info) -> Node | None:
        return _node(self._view, self._ego.centre, info)

    @strawberry.field(description="The relations among the nodes")
    def relations(self) -> list[Relation]:
        return [Relation.of(self._view, facts) for facts in self._ego.relations]


@strawberry.input(description="An initiative to match: the id of an existing one, or a draft of a new one.")
class InitiativeInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="An existing initiative")
    name: str | None = None
    themes: list[str] = strawberry.field(default_factory=list)
    area_code: str | None = strawberry.field(default=None, description="Its neighbourhood (buurt), e.g. BU03440322")
    needs: list[Need] = strawberry.field(default_factory=list)
    member_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Stakeholders known to be in it"
    )
