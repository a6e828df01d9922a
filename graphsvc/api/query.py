"""The query root: look up by id, list and search stakeholders, areas and themes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from ..analysis.paths import connection_paths, hops_between
from ..domain import Node as DomainNode
from ..domain import NotFoundError, ValidationError
from ..domain.areas import level_of
from .context import Context
from .ids import decode, decode_relation
from .types.area import Area
from .types.enums import AreaLevel, RelationKind, StakeholderKind
from .types.node import Node, maybe_graphql, to_graphql, typename_of
from .types.pagination import Connection, paginate
from .types.path import Connectedness, ConnectionPath
from .types.relation import Relation
from .types.stakeholders import Stakeholder, stakeholder_page
from .types.theme import Theme

MAX_NODES = 100
MAX_HOPS = 6
MAX_PATHS = 10


def resolve_node(context: Context, global_id: str) -> Node | None:
    """Any node by global ID; None when it does not exist or the caller may not see it."""
    try:
        typename, key = decode(global_id)
    except NotFoundError:
        return None
    view = context.view
    if typename == "Area":
        return maybe_graphql(view.node(key), context) if key in view.areas else None
    if typename == "Theme":
        theme = view.themes.get(key)
        return Theme.of(theme) if theme else None
    if typename == "Relation":
        facts = view.relation(decode_relation(global_id))
        return None if facts is None else Relation.of(view, facts)
    obj = view.node(key)
    if not isinstance(obj, DomainNode) or typename_of(obj.kind) != typename:
        return None
    return to_graphql(obj, context)


def check_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValidationError(f"{field} must be from {low} to {high}, got {value}", field=field)


def node_key(global_id: str, field: str) -> str:
    """The store key of a stakeholder or meeting ID (areas, themes and relations are no path ends)."""
    typename, key = decode(global_id, field)
    if typename in ("Area", "Theme", "Relation"):
        raise NotFoundError(f"'{global_id}' is not a stakeholder or meeting", field=field)
    return key


def check_area_code(code: str, field: str) -> None:
    if level_of(code) is None:
        raise ValidationError(
            f"'{code}' is not a CBS code (GM + 4 digits, WK + 6, BU + 8) or GA working-area code", field=field
        )


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID (Relay); null when unknown or not visible to you.")
    def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        return resolve_node(info.context, id)

    @strawberry.field(description="Several objects by global ID, in the order asked; null for unknown ones.")
    def nodes(self, info: strawberry.Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise ValidationError(f"at most {MAX_NODES} ids at once, got {len(ids)}", field="ids")
        return [resolve_node(info.context, i) for i in ids]

    @strawberry.field(description="A stakeholder by global ID; null when unknown or not visible to you.")
    def stakeholder(self, info: strawberry.Info, id: strawberry.ID) -> Stakeholder | None:
        found = resolve_node(info.context, id)
        return found if isinstance(found, Stakeholder) else None

    @strawberry.field(
        description="Stakeholders matching every filter, by name. search looks in names and tags, ignoring case "
        "and accents ('Oké Nu' finds 'Oke Nu'); areaCode includes every area under it; activeOn leaves out "
        "initiatives that had not started or had ended on that day."
    )
    def stakeholders(
        self,
        info: strawberry.Info,
        search: str | None = None,
        kinds: list[StakeholderKind] | None = None,
        themes: list[str] | None = None,
        area_code: str | None = None,
        active_on: date | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Stakeholder]:
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        return stakeholder_page(
            info.context, first, after, kinds=kinds, themes=themes, area=area_code, search=search, active_on=active_on
        )

    @strawberry.field(description="An area by CBS code (GM0344, WK034403, BU03440311); null when unknown.")
    def area(self, info: strawberry.Info, code: str) -> Area | None:
        check_area_code(code, "code")
        found = info.context.view.areas.get(code)
        return Area.of(found) if found else None

    @strawberry.field(description="Areas by level and/or parent code, by code.")
    def areas(
        self,
        info: strawberry.Info,
        level: AreaLevel | None = None,
        parent_code: str | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> Connection[Area]:
        if parent_code is not None:
            check_area_code(parent_code, "parentCode")
        found = sorted(
            (
                a
                for a in info.context.view.areas.values()
                if (level is None or a.level == level) and (parent_code is None or a.parent == parent_code)
            ),
            key=lambda a: a.code,
        )
        return paginate(found, first, after, info.context.settings.max_page, Area.of)

    @strawberry.field(
        description="Whether two stakeholders are connected at all, and the hops of a shortest path (no limit): "
        "when connectionPaths finds nothing within maxHops, this says whether more hops would help."
    )
    def connected(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        relation_kinds: list[RelationKind] | None = None,
        active_on: date | None = None,
    ) -> Connectedness:
        view = info.context.view_for(active_on, relation_kinds)
        hops = hops_between(view, node_key(from_, "from"), node_key(to, "to"))
        return Connectedness(connected=hops is not None, hops=hops)

    @strawberry.field(
        description="The shortest ways two stakeholders are connected, up to maxHops hops: fewest hops first, and "
        "among equal lengths the strongest ties first. weighted: true makes strong, recent ties count as shorter "
        "(the warmest introductions). Paths never run through anyone you may not see."
    )
    def connection_paths(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
        first: int = 3,
        relation_kinds: list[RelationKind] | None = None,
        active_on: date | None = None,
        weighted: bool = False,
    ) -> list[ConnectionPath]:
        check_range("maxHops", max_hops, 1, MAX_HOPS)
        check_range("first", first, 1, MAX_PATHS)
        context: Context = info.context
        view = context.view_for(active_on, relation_kinds)
        source, target = node_key(from_, "from"), node_key(to, "to")
        paths = connection_paths(view, source, target, max_hops=max_hops, first=first, weighted=weighted)
        return [ConnectionPath.of(path, view) for path in paths]

    @strawberry.field(description="The theme vocabulary, by key.")
    def themes(self, info: strawberry.Info) -> list[Theme]:
        return [Theme.of(t) for _, t in sorted(info.context.view.themes.items())]
