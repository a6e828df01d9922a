"""Connection intelligence over GraphQL: who links a new initiative to the right partner, who can
introduce two stakeholders, who the brokers and groups are, where a neighbourhood lacks partners,
and a stakeholder's ego network. Every field accepts activeOn: the network as it stood that day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from .. import analysis
from ..domain import NodeKind, ValidationError
from ..domain.kinds import PARTNER_KINDS
from .context import Context
from .query import MAX_HOPS, check_area_code, check_range, node_key
from .types.enums import AreaLevel, StakeholderKind
from .types.intelligence import (
    BrokerReport,
    CommunityReport,
    EgoNetwork,
    InitiativeInput,
    Introducer,
    NeighbourhoodGap,
    PartnerMatch,
)
from .types.theme import theme_keys

MAX_MATCHES = 50
MAX_EGO_HOPS = 3
MAX_EGO_NODES = 500


def draft_of(context: Context, view, given: InitiativeInput) -> analysis.InitiativeDraft:  # type: ignore[no-untyped-def]
    """The initiative to match: an existing one by id, or the draft given."""
    if given.id is not None:
        return analysis.InitiativeDraft.of(view, node_key(given.id, "initiative.id"))
    if not given.name or not given.area_code or not given.themes:
        raise ValidationError(
            "a draft initiative needs a name, themes and an areaCode (or give its id)", field="initiative"
        )
    check_area_code(given.area_code, "initiative.areaCode")
    return analysis.InitiativeDraft(
        name=given.name,
        themes=tuple(theme_keys(view, given.themes, "initiative.themes")),
        area=given.area_code,
        needs=tuple(n.value for n in given.needs),
        members=tuple(node_key(m, "initiative.memberIds") for m in given.member_ids),
    )


def partner_kinds(kinds: list[StakeholderKind] | None) -> frozenset[NodeKind] | None:
    if not kinds:
        return None
    wanted = frozenset(k.domain for k in kinds)
    if not wanted <= PARTNER_KINDS:
        raise ValidationError("partners are WIJKPARTNER, ORGANISATION or MUNICIPALITY_ROLE", field="kinds")
    return wanted


@strawberry.type
class IntelligenceQueries:
    @strawberry.field(
        description="Partners (wijkpartners, organisations, municipality roles) that fit an initiative, best "
        "first: the score's parts (themes, area, offers for its needs, network proximity, load against "
        "capacity, track record) with reasons, and introduction paths from its members naming the linker."
    )
    def match_partners(
        self,
        info: strawberry.Info,
        initiative: InitiativeInput,
        first: int = 5,
        kinds: list[StakeholderKind] | None = None,
        active_on: date | None = None,
    ) -> list[PartnerMatch]:
        check_range("first", first, 1, MAX_MATCHES)
        context: Context = info.context
        view = context.view_for(active_on)
        matches = analysis.match_partners(
            view, draft_of(context, view, initiative), first=first, kinds=partner_kinds(kinds)
        )
        return [PartnerMatch.of(m, view) for m in matches]

    @strawberry.field(
        description="Who sits on the most short, strong paths between two stakeholders: who can introduce them."
    )
    def introducers(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
        first: int = 5,
        active_on: date | None = None,
    ) -> list[Introducer]:
        check_range("maxHops", max_hops, 2, MAX_HOPS)
        check_range("first", first, 1, MAX_MATCHES)
        view = info.context.view_for(active_on)
        found = analysis.introducers(view, node_key(from_, "from"), node_key(to, "to"), max_hops=max_hops, first=first)
        return [Introducer(share=i.share, path_count=i.path_count, _introducer=i, _view=view) for i in found]

    @strawberry.field(
        description="Brokers (bruggenbouwers): who bridges otherwise separate groups in an area and/or on a theme, "
        "by betweenness (exact on small graphs, sampled with its standard error on large ones) and Burt's "
        "effective size and constraint. Computed per graph version off the request path (see freshness)."
    )
    def brokers(
        self,
        info: strawberry.Info,
        area_code: str | None = None,
        theme: str | None = None,
        first: int = 10,
        active_on: date | None = None,
    ) -> BrokerReport:
        check_range("first", first, 1, 100)
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        view = info.context.view_for(active_on)
        key = theme_keys(view, [theme], "theme")[0] if theme else None
        return BrokerReport.of(analysis.brokers(view, area_code, key, first, cache=info.context.measures), view)

    @strawberry.field(
        description="Groups of stakeholders who work together (Leiden, seeded: stable between calls on the same "
        "data), with their main themes and members, and who bridges two groups."
    )
    def communities(
        self,
        info: strawberry.Info,
        area_code: str | None = None,
        theme: str | None = None,
        active_on: date | None = None,
    ) -> CommunityReport:
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        view = info.context.view_for(active_on)
        key = theme_keys(view, [theme], "theme")[0] if theme else None
        return CommunityReport.of(analysis.communities(view, area_code, key, cache=info.context.measures), view)

    @strawberry.field(
        description="For every area of one level under the area (level: NEIGHBOURHOOD (buurten) or DISTRICT "
        "(wijken); by default buurten where there are any) and every theme asked (by default the area's active "
        "themes: those its running initiatives and partners work on): whether a running initiative and a partner "
        "serving it exist, and areas without any residents' organisation; most missing first. Themes by key or by "
        "Dutch or English label."
    )
    def coverage_gaps(
        self,
        info: strawberry.Info,
        area_code: str,
        themes: list[str] | None = None,
        level: AreaLevel | None = None,
        active_on: date | None = None,
    ) -> list[NeighbourhoodGap]:
        check_area_code(area_code, "areaCode")
        view = info.context.view_for(active_on)
        wanted = tuple(theme_keys(view, themes, "themes")) if themes else None
        gaps = analysis.coverage_gaps(view, area_code, wanted, level)
        return [NeighbourhoodGap.of(g, view) for g in gaps]

    @strawberry.field(description="A stakeholder's neighbourhood as a subgraph (nodes within hops, their relations).")
    def ego_network(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        hops: int = 1,
        kinds: list[StakeholderKind] | None = None,
        first: int = 100,
        active_on: date | None = None,
    ) -> EgoNetwork:
        check_range("hops", hops, 1, MAX_EGO_HOPS)
        check_range("first", first, 1, MAX_EGO_NODES)
        view = info.context.view_for(active_on)
        wanted = frozenset(k.domain for k in kinds) if kinds else None
        ego = analysis.ego_network(view, node_key(id, "id"), hops=hops, kinds=wanted, first=first)
        return EgoNetwork.of(ego, view)
