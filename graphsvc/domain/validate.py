"""Turn records of the import format (plain dicts, camelCase keys) into domain values.

Validation collects every problem with the path of the field (``relations[12].strength``)
instead of stopping at the first, so that an import reports all bad rows at once. It checks
references too (relation ends, areas, themes) against what a ``Context`` knows: the store's
current contents plus the batch itself. Relations keep the rules of one table,
``relations.RULES``: ``relations_fast`` checks many at once (the import's hot path) and
``explain_relation`` says which rules a refused one breaks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .areas import Area, check_area
from .errors import Problem, ValidationError
from .kinds import (
    NEEDS,
    TYPES,
    AreaLevel,
    InitiativeStatus,
    NodeKind,
    Visibility,
)
from .model import Node, Relation, utcnow
from .records import MAX_ID, MAX_TEXT, NOT_UNICODE, not_unicode
from .relations import check_relations, explain
from .themes import Theme, check_theme

MAX_NAME = 200

NODE_KEYS = {
    "id",
    "kind",
    "name",
    "themes",
    "areas",
    "tags",
    "provenance",
    "confirmed",
    "type",
    "visibility",
    "contact",
    "capacity",
    "status",
    "needs",
    "offers",
    "started",
    "ended",
    "holder",
    "place",
    "date",
    "objected",
    "mergedFrom",
    "createdAt",
    "updatedAt",
}
# Fields that only some kinds take; any other kind must leave them empty.
ONLY_FOR = {
    "visibility": {NodeKind.RESIDENT},
    "contact": {NodeKind.RESIDENT},
    "objected": {NodeKind.RESIDENT},
    "capacity": {NodeKind.WIJKPARTNER},
    "status": {NodeKind.INITIATIVE},
    "needs": {NodeKind.INITIATIVE},
    "offers": {NodeKind.WIJKPARTNER, NodeKind.ORGANISATION, NodeKind.MUNICIPALITY_ROLE},
    "started": {NodeKind.INITIATIVE},
    "ended": {NodeKind.INITIATIVE},
    "holder": {NodeKind.MUNICIPALITY_ROLE},
    "place": {NodeKind.MEETING},
    "date": {NodeKind.MEETING},
}
_KINDS = {k.value: k for k in NodeKind if k is not NodeKind.AREA}
_AREALEVEL, _VISIBILITY, _INITIATIVESTATUS = (dict(e.__members__) for e in (AreaLevel, Visibility, InitiativeStatus))


@dataclass
class Context:
    """What validation may refer to besides the batch: the kinds of stored nodes, areas, themes,
    and when a stored node was created (an update keeps it)."""

    kind_of: Callable[[str], NodeKind | None] = lambda _id: None
    created_at: Callable[[str], datetime | None] = lambda _id: None
    areas: Mapping[str, Area] = field(default_factory=dict)
    themes: Iterable[str] = ()

    @classmethod
    def over(cls, node: Callable[[str], object], areas: Mapping[str, Area], themes: Iterable[str]) -> Context:
        """A context whose stored nodes are looked up by id with ``node`` (a ``Node``, or anything
        else when there is none: areas are known by ``areas``)."""
        return cls(
            kind_of=lambda node_id: getattr(node(node_id), "kind", None),
            created_at=lambda node_id: getattr(node(node_id), "created_at", None),
            areas=areas,
            themes=themes,
        )


class Validator:
    """Collects problems while converting records; ``raise_if_any`` ends a validation run."""

    def __init__(self, context: Context | None = None):
        self.context = context or Context()
        self.now = utcnow()  # when the nodes it makes are stamped as written
        self.problems: list[Problem] = []
        self.areas: dict[str, Area] = dict(self.context.areas)
        self.themes: set[str] = set(self.context.themes)
        self.batch_kinds: dict[str, NodeKind] = {}

    # -- helpers --------------------------------------------------------------------------
    def problem(self, code: str, where: str, message: str) -> None:
        self.problems.append(Problem(code, where, message))

    def raise_if_any(self) -> None:
        if self.problems:
            count = len(self.problems)
            raise ValidationError(f"{count} problem{'s' * (count != 1)} in the input", problems=self.problems)

    def kind_of(self, node_id: str) -> NodeKind | None:
        kind = self.batch_kinds.get(node_id)
        if kind is not None:
            return kind
        return NodeKind.AREA if node_id in self.areas else self.context.kind_of(node_id)

    def _text(self, row: Mapping, key: str, where: str, required: bool = False, limit: int = MAX_TEXT):
        value = row.get(key)
        if value is None or value == "":
            if required:
                self.problem("REQUIRED", f"{where}.{key}", "a value is required")
            return None
        if not isinstance(value, str):
            self.problem("INVALID", f"{where}.{key}", f"expected a string, got {type(value).__name__}")
            return None
        if len(value) > limit:
            self.problem("TOO_LONG", f"{where}.{key}", f"at most {limit} characters, got {len(value)}")
        if not_unicode(value):
            self.problem("INVALID", f"{where}.{key}", NOT_UNICODE)
        return value

    def _list(self, row: Mapping, key: str, where: str) -> tuple[str, ...]:
        value = row.get(key)
        if not value:
            return ()
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            self.problem("INVALID", f"{where}.{key}", "expected a list of strings")
            return ()
        if any(map(not_unicode, value)):
            self.problem("INVALID", f"{where}.{key}", NOT_UNICODE)
        return tuple(dict.fromkeys(value))  # drop repeats, keep order

    def _date(self, row: Mapping, key: str, where: str) -> date | None:
        value = row.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem("INVALID_DATE", f"{where}.{key}", f"expected a date YYYY-MM-DD, got {value!r}")
            return None

    def _stamp(self, row: Mapping, key: str, where: str) -> datetime | None:
        value = row.get(key)
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem("INVALID_DATE", f"{where}.{key}", f"expected an ISO 8601 timestamp, got {value!r}")
            return None

    def _enum(self, row: Mapping, key: str, where: str, allowed: Mapping[str, Any], default=None):
        value = row.get(key)
        if value is None or value == "":
            return default
        if not isinstance(value, str) or value not in allowed:
            self.problem("INVALID", f"{where}.{key}", f"{value!r} is not one of {', '.join(sorted(allowed))}")
            return default
        return allowed[value]

    def _unknown_keys(self, row: Mapping, allowed: set[str], where: str) -> None:
        for key in row.keys() - allowed:
            self.problem(
                "UNKNOWN_FIELD", f"{where}.{key}", f"unknown field; expected one of {', '.join(sorted(allowed))}"
            )

    # -- records ---------------------------------------------------------------------------
    def theme(self, row: Mapping, where: str) -> Theme | None:
        theme = Theme(str(row.get("key", "")), str(row.get("labelNl", "")), str(row.get("labelEn", "")))
        problems = check_theme(theme, where)
        problems += [
            Problem("INVALID", f"{where}.{key}", NOT_UNICODE)
            for key in ("labelNl", "labelEn")
            if not_unicode(str(row.get(key, "")))
        ]
        self.problems.extend(problems)
        if not problems:
            self.themes.add(theme.key)
            return theme
        return None

    def area(self, row: Mapping, where: str) -> Area | None:
        before = len(self.problems)
        level = self._enum(row, "level", where, _AREALEVEL)
        if row.get("level") in (None, ""):
            self.problem("REQUIRED", f"{where}.level", f"a level is required: one of {', '.join(sorted(_AREALEVEL))}")
        year = row.get("cbsYear")
        if year is not None and (type(year) is not int or not 1990 <= year <= 2100):
            self.problem("INVALID", f"{where}.cbsYear", f"expected a year from 1990 to 2100, got {year!r}")
            year = None
        name = self._text(row, "name", where, limit=MAX_NAME)
        parent = self._text(row, "parent", where, limit=MAX_ID)
        code = row.get("code")
        if not isinstance(code, str):
            self.problem("REQUIRED", f"{where}.code", "a CBS code is required")
            return None
        area = Area(code, name or "", level or AreaLevel.NEIGHBOURHOOD, parent, year)
        named = {p.field for p in self.problems[before:]}  # said already: not again
        problems = [p for p in check_area(area, where) if p.field not in named] if level else []
        self.problems.extend(problems)
        if len(self.problems) > before:
            return None
        self.areas[area.code] = area
        return area

    def check_area_parents(self, areas: Iterable[Area], where: str) -> None:
        """Every parent named must exist (in the store or the batch): the tree has no holes."""
        for i, area in enumerate(areas):
            if area.parent and area.parent not in self.areas:
                self.problem("UNKNOWN_AREA", f"{where}[{i}].parent", f"no area with code {area.parent}")

    def node(self, row: Mapping, where: str) -> Node | None:
        if not isinstance(row, Mapping):
            self.problem("INVALID", where, "expected an object")
            return None
        before = len(self.problems)
        self._unknown_keys(row, NODE_KEYS, where)
        node_id = self._text(row, "id", where, required=True, limit=MAX_ID)
        kind = self._enum(row, "kind", where, _KINDS)
        if kind is None and row.get("kind") in (None, ""):
            self.problem("REQUIRED", f"{where}.kind", f"a kind is required: one of {', '.join(sorted(_KINDS))}")
        name = self._text(row, "name", where, required=True, limit=MAX_NAME)
        themes = self._list(row, "themes", where)
        for theme in themes:
            if theme not in self.themes:
                self.problem("UNKNOWN_THEME", f"{where}.themes", f"unknown theme '{theme}'")
        areas = self._list(row, "areas", where)
        for code in areas:
            if code not in self.areas:
                self.problem("UNKNOWN_AREA", f"{where}.areas", f"no area with code '{code}'")
        if kind is not None:
            self._kind_fields(row, kind, where)
        node_type = self._text(row, "type", where, limit=40)
        if kind is not None and node_type is not None and node_type not in TYPES.get(kind, ()):
            allowed = ", ".join(sorted(TYPES.get(kind, ()))) or "no type"
            self.problem("INVALID", f"{where}.type", f"'{node_type}' is not a {kind.value} type: {allowed}")
        needs, offers = self._list(row, "needs", where), self._list(row, "offers", where)
        for key, values in (("needs", needs), ("offers", offers)):
            for value in values:
                if value not in NEEDS:
                    self.problem("INVALID", f"{where}.{key}", f"'{value}' is not one of {', '.join(sorted(NEEDS))}")
        capacity = row.get("capacity")
        if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0):
            self.problem("INVALID", f"{where}.capacity", "expected a whole number of at least 0")
        started = self._date(row, "date" if kind is NodeKind.MEETING else "started", where)
        ended = self._date(row, "ended", where)
        if started and ended and ended < started:
            self.problem("INVALID", f"{where}.ended", f"ended {ended} is before started {started}")
        visibility = self._enum(row, "visibility", where, _VISIBILITY)
        if kind is NodeKind.RESIDENT and visibility is None:
            visibility = Visibility.BROKERS
        confirmed = self._date(row, "confirmed", where)
        if len(self.problems) > before or node_id is None or kind is None or name is None:
            return None
        self.batch_kinds[node_id] = kind
        return Node(
            id=node_id,
            kind=kind,
            name=name,
            themes=themes,
            areas=areas,
            tags=self._list(row, "tags", where),
            provenance=self._text(row, "provenance", where),
            confirmed=confirmed or self.now.date(),  # a claim made now
            type=node_type,
            visibility=visibility,
            contact=self._text(row, "contact", where),
            capacity=capacity,
            status=self._enum(row, "status", where, _INITIATIVESTATUS)
            or (InitiativeStatus.ACTIVE if kind is NodeKind.INITIATIVE else None),
            needs=needs,
            offers=offers,
            started=started,
            ended=ended,
            holder=self._text(row, "holder", where, limit=MAX_NAME),
            place=self._text(row, "place", where, limit=MAX_NAME),
            objected=self._flag(row, "objected", where),
            merged_from=self._list(row, "mergedFrom", where),
            created_at=self._stamp(row, "createdAt", where) or self.context.created_at(node_id) or self.now,
            updated_at=self._stamp(row, "updatedAt", where) or self.now,
        )

    def _flag(self, row: Mapping, key: str, where: str) -> bool:
        value = row.get(key)
        if value is not None and not isinstance(value, bool):
            self.problem("INVALID", f"{where}.{key}", f"expected true or false, got {value!r}")
        return value is True

    def _kind_fields(self, row: Mapping, kind: NodeKind, where: str) -> None:
        for key in ONLY_FOR.keys() & row.keys():
            kinds = ONLY_FOR[key]
            if kind not in kinds and row[key] not in (None, "", [], ()):
                takers = ", ".join(sorted(k.value for k in kinds))
                self.problem("NOT_APPLICABLE", f"{where}.{key}", f"only {takers} take {key}, not {kind.value}")

    def relation(self, row: Mapping, where: str) -> Relation | None:
        """One relation; on a bad one, every problem with it is recorded under ``where``."""
        rel = self.relation_fast(row)
        if rel is None:
            self.explain_relation(row, where)
        return rel

    def relation_fast(self, row: Mapping) -> Relation | None:
        """One relation, or None without saying why."""
        good, _ = self.relations_fast([row])
        return good[0] if good else None

    def relations_fast(self, rows: list[Any]) -> tuple[list[Relation], list[int]]:
        """Valid relations of ``rows``, and the positions of the others (``relations.check_relations``)."""
        return check_relations(rows, self._kinds_of)

    def _kinds_of(self, ids: Sequence[str]) -> list[NodeKind | None]:
        """The kind of each node id (None: unknown), looked up in C where the batch has them."""
        found = list(map(self.batch_kinds.get, ids))
        if None in found:
            kind_of = self.kind_of
            found = [kind or kind_of(node_id) for kind, node_id in zip(found, ids, strict=True)]
        return found

    def explain_relation(self, row: Any, where: str) -> None:
        """Say everything wrong with a relation the fast path refused: the rules it breaks
        (``relations.explain``, from the same table as the fast path)."""
        self.problems.extend(explain(row, self._kinds_of, where))
