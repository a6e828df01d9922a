"""The rules a relation keeps, in one table, and the two ways they are checked.

Each rule has a name, a code (``REQUIRED``, ``UNKNOWN_NODE``, ``KIND_MISMATCH``, ...), the field a
problem is reported on, what breaks it and what to say then. From that one definition come both:

- ``check_relations``, the import's hot path, over many rows at once. The rules on one field's
  value alone (``FIELD_RULES``) are the field's type in ``records.RelationRecord``: msgspec checks
  them all in C (a million rows in 0.15 s). The rules that need the graph or span fields
  (``ROW_RULES``: the kinds of the two ends, real calendar days, a relation to itself, since
  before until, text that is not Unicode) are tested over whole columns, so that a million valid
  rows cost a few passes in C rather than a Python loop over each; only a rule that is broken
  somewhere looks for its rows one by one.
- ``explain``, for a row the hot path refused: the same types and the same predicates, tested on
  that row's values, each broken rule a ``Problem`` with its code, field and message.

A row is refused exactly when it breaks a rule of the table, so every refused row is explained,
and by the rule that refused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from functools import partial
from itertools import compress, repeat
from operator import and_, eq, gt, is_, is_not
from typing import Any, get_type_hints

import msgspec
from msgspec.structs import asdict, astuple

from .errors import Problem
from .kinds import ENDS, NodeKind, Purpose, RelationKind
from .model import Relation
from .records import MAX_ID, MAX_TEXT, NOT_UNICODE, RelationRecord, not_unicode

KindsOf = Callable[[Sequence[str]], list["NodeKind | None"]]  # node ids -> their kinds (None: unknown)
Values = Mapping[str, Any]  # one row's values by column, as the row rules read them


@dataclass(frozen=True, slots=True)
class Rule:
    """Something every relation must satisfy, and what to say about one that does not."""

    name: str  # stable and unique: names the rule in tests
    code: str  # the ``Problem`` code
    field: str  # where the problem is reported ("": the row itself)
    says: Callable[[Any], str]  # what is wrong, in words (given the value, key or row values)


@dataclass(frozen=True, slots=True)
class FieldRule(Rule):
    """A rule on one field's value alone.

    All of a field's rules together are its type in ``RelationRecord``, which msgspec checks: a
    value breaks one of them exactly when that type refuses it. Which one is the first of the
    field's rules whose ``breaks`` holds for the value; the field's last rule has no ``breaks``
    and takes whatever else its type refuses.
    """

    breaks: Callable[[Any], bool] | None = None


@dataclass(frozen=True, slots=True)
class RowRule(Rule):
    """A rule over some columns of a row: fields of ``Relation``, or the kinds of its ends
    (``source_kind``, ``target_kind``, None for an unknown node).

    ``breaks`` takes the values of ``reads`` in that order. A row rule is tested on the rows whose
    fields it reads are of the right types; with ``given``, only on those where no value it reads
    is None (it holds where one is missing).
    """

    reads: tuple[str, ...]
    breaks: Callable[..., bool]
    given: bool = False

    def broken_by(self, values: Sequence[Any]) -> bool:
        """Whether one row's values of ``reads`` break this rule."""
        if self.given and any(value is None for value in values):
            return False
        return self.breaks(*values)


def is_day(value: Any) -> bool:
    """Whether ``value`` is a date written YYYY-MM-DD (the only form the stores keep)."""
    try:
        return len(value) == 10 and date.fromisoformat(value) is not None
    except (TypeError, ValueError):
        return False


# -- what breaks a rule, and what to say then ---------------------------------------------------------------
def _missing(value: Any) -> bool:
    return value is None or value == ""


def _not_text(value: Any) -> bool:
    return not isinstance(value, str)


def _not_a_day(value: str) -> bool:
    return not is_day(value)


def _misfits(at: int) -> Callable[[RelationKind, NodeKind], bool]:
    """Whether an end's kind does not fit a relation kind: ``at`` 0 for the source, 1 for the target."""
    return lambda kind, node_kind: node_kind not in ENDS[kind][at]


def _required(value: Any) -> str:
    return "a value is required"


def _not_a_string(value: Any) -> str:
    return f"expected a string, got {type(value).__name__}"


def _too_long(limit: int) -> Callable[[str], str]:
    return lambda value: f"at most {limit} characters, got {len(value)}"


def _not_a_date(value: Any) -> str:
    return f"expected a date YYYY-MM-DD, got {value!r}"


def _no_node(end: str) -> Callable[[Values], str]:
    return lambda values: f"no stakeholder, meeting or area with id '{values[end]}'"


def _does_not_fit(end: str, at: int) -> Callable[[Values], str]:
    def says(values: Values) -> str:
        kind, got = values["kind"], values[f"{end}_kind"]
        names = ", ".join(sorted(k.value for k in ENDS[kind][at]))
        return f"{kind.value} cannot have a {got.value} as its {end}; expected one of {names}"

    return says


def _bad_day(key: str) -> Callable[[Values], str]:
    return lambda values: _not_a_date(values[key])


FIELDS = tuple(RelationRecord.__struct_fields__)  # the fields of the import format, in ``Relation``'s order

# fmt: off
# -- the table ----------------------------------------------------------------------------------------------
# The row's shape, which msgspec checks with the fields: an object, with no field it does not know.
AN_OBJECT = Rule("an-object", "INVALID", "", lambda row: "expected an object")
KNOWN_FIELDS = Rule("known-fields", "UNKNOWN_FIELD", "*", lambda key: f"unknown field; expected one of {', '.join(sorted(FIELDS))}")
# One field alone: all of a field's rules are its type in ``RelationRecord``, in this order.
FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("id-above-0", "INVALID", "id", lambda value: f"expected a whole number above 0, got {value!r}"),
    FieldRule("kind-given", "REQUIRED", "kind", lambda value: "a relation kind is required", _missing),
    FieldRule("kind-known", "INVALID", "kind", lambda value: f"{value!r} is not one of {', '.join(sorted(RelationKind))}"),
    FieldRule("source-given", "REQUIRED", "source", _required, _missing),
    FieldRule("source-text", "INVALID", "source", _not_a_string, _not_text),
    FieldRule("source-length", "TOO_LONG", "source", _too_long(MAX_ID)),
    FieldRule("target-given", "REQUIRED", "target", _required, _missing),
    FieldRule("target-text", "INVALID", "target", _not_a_string, _not_text),
    FieldRule("target-length", "TOO_LONG", "target", _too_long(MAX_ID)),
    FieldRule("since-form", "INVALID_DATE", "since", _not_a_date),
    FieldRule("until-form", "INVALID_DATE", "until", _not_a_date),
    FieldRule("strength-in-range", "OUT_OF_RANGE", "strength", lambda value: f"expected a number from 0 to 1, got {value!r}"),
    FieldRule("role-text", "INVALID", "role", _not_a_string, _not_text),
    FieldRule("role-length", "TOO_LONG", "role", _too_long(MAX_TEXT)),
    FieldRule("note-text", "INVALID", "note", _not_a_string, _not_text),
    FieldRule("note-length", "TOO_LONG", "note", _too_long(MAX_TEXT)),
    FieldRule("provenance-text", "INVALID", "provenance", _not_a_string, _not_text),
    FieldRule("provenance-length", "TOO_LONG", "provenance", _too_long(MAX_TEXT)),
    FieldRule("confirmed-form", "INVALID_DATE", "confirmed", _not_a_date),
    FieldRule("purpose-known", "INVALID", "purpose", lambda value: f"{value!r} is not one of {', '.join(sorted(Purpose))}"),
)
# Across fields, or with the graph: tested over the columns of rows whose fields are of the right types.
ROW_RULES: tuple[RowRule, ...] = (
    RowRule("source-known", "UNKNOWN_NODE", "source", _no_node("source"), ("source_kind",), partial(is_, None)),
    RowRule("target-known", "UNKNOWN_NODE", "target", _no_node("target"), ("target_kind",), partial(is_, None)),
    RowRule("source-fits", "KIND_MISMATCH", "source", _does_not_fit("source", 0), ("kind", "source_kind"), _misfits(0), given=True),
    RowRule("target-fits", "KIND_MISMATCH", "target", _does_not_fit("target", 1), ("kind", "target_kind"), _misfits(1), given=True),
    RowRule("two-ends", "INVALID", "target", lambda values: "a relation needs two different ends", ("source", "target"), eq),
    RowRule("since-a-day", "INVALID_DATE", "since", _bad_day("since"), ("since",), _not_a_day, given=True),
    RowRule("until-a-day", "INVALID_DATE", "until", _bad_day("until"), ("until",), _not_a_day, given=True),
    RowRule("since-before-until", "INVALID", "until", lambda values: f"until {values['until']} is before since {values['since']}", ("since", "until"), gt, given=True),
    RowRule("role-unicode", "INVALID", "role", lambda values: NOT_UNICODE, ("role",), not_unicode, given=True),
    RowRule("note-unicode", "INVALID", "note", lambda values: NOT_UNICODE, ("note",), not_unicode, given=True),
    RowRule("provenance-unicode", "INVALID", "provenance", lambda values: NOT_UNICODE, ("provenance",), not_unicode, given=True),
    RowRule("confirmed-a-day", "INVALID_DATE", "confirmed", _bad_day("confirmed"), ("confirmed",), _not_a_day, given=True),
)
RULES: tuple[Rule, ...] = (AN_OBJECT, KNOWN_FIELDS, *FIELD_RULES, *ROW_RULES)
# fmt: on

# Columns besides the fields: the kind of each end, looked up once per row (``KindsOf``).
DERIVED = {"source_kind": "source", "target_kind": "target"}
# Columns with few distinct values (enums, days): a row rule that reads only columns of one group
# is tested once per distinct combination of the group's values, not once per row.
FEW = (("kind", "source_kind", "target_kind"), ("since",), ("until",), ("confirmed",))


def _types() -> dict[str, Any]:
    """Each field's type in ``RelationRecord``, as msgspec checks it."""
    hints = get_type_hints(RelationRecord, include_extras=True)
    return {name: hints[name] for name in FIELDS}


def _field_rules() -> dict[str, tuple[FieldRule, ...]]:
    """The rules of each field, in order; refuses a table in which they could disagree with the
    field types: a field without rules, or whose last rule does not take all the rest."""
    if Relation._fields != FIELDS:  # records become relations, and rows columns, by position
        raise TypeError(f"RelationRecord's fields {FIELDS} are not Relation's {Relation._fields}")
    by_field = {name: tuple(rule for rule in FIELD_RULES if rule.field == name) for name in FIELDS}
    for name, rules in by_field.items():
        if not rules or rules[-1].breaks is not None or any(rule.breaks is None for rule in rules[:-1]):
            raise TypeError(f"the rules of field {name!r} must end with one, and only one, without 'breaks'")
    unknown = {rule.field for rule in FIELD_RULES} - set(FIELDS)
    columns = {*FIELDS, *DERIVED}
    unread = {name for rule in ROW_RULES for name in rule.reads} - columns
    if unknown or unread or len({rule.name for rule in RULES}) != len(RULES):
        raise TypeError(f"rules on unknown fields {unknown or ''} or columns {unread or ''}, or two of one name")
    return by_field


_TYPES = _types()
_BY_FIELD = _field_rules()
_GROUP_OF = {rule.name: next((g for g in FEW if set(rule.reads) <= set(g)), None) for rule in ROW_RULES}
_RELATION_RECORDS = list[RelationRecord]
# What msgspec raises for a value of the wrong type: a lone surrogate ("\ud800") where a number, a
# date or a kind belongs gets a UnicodeEncodeError instead of a ValidationError.
_REFUSED = (msgspec.ValidationError, UnicodeEncodeError)


# -- many rows at once: the hot path ---------------------------------------------------------------
def check_relations(rows: list[Any], kinds_of: KindsOf) -> tuple[list[Relation], list[int]]:
    """The valid relations of ``rows``, and the positions of the others."""
    relations, positions = _typed(rows)
    wrong = _breaking(relations, kinds_of)
    if wrong:
        relations = [rel for i, rel in enumerate(relations) if i not in wrong]
    if len(relations) == len(rows):
        return relations, []
    kept = {row for i, row in enumerate(positions) if i not in wrong}
    return relations, [i for i in range(len(rows)) if i not in kept]


def _typed(rows: list[Any]) -> tuple[list[Relation], Sequence[int]]:
    """The rows msgspec accepts as ``RelationRecord`` (the field rules), as relations, and their
    positions in ``rows``. All at once first (a million rows in 0.15 s); only when that fails, row by row.
    """
    try:
        return list(map(_as_relation, msgspec.convert(rows, _RELATION_RECORDS))), range(len(rows))
    except _REFUSED:
        pass
    relations, positions = [], []
    for i, row in enumerate(rows):
        try:
            relations.append(_as_relation(msgspec.convert(row, RelationRecord)))
            positions.append(i)
        except _REFUSED:
            continue
    return relations, positions


def _as_relation(record: RelationRecord) -> Relation:
    """A record's fields, already in ``Relation``'s order, as a ``Relation`` (without a Python call)."""
    return tuple.__new__(Relation, astuple(record))


def _breaking(relations: list[Relation], kinds_of: KindsOf) -> set[int]:
    """Positions of the relations that break a row rule. Each rule is tested over whole columns
    first; only a rule broken somewhere looks for its rows one by one."""
    if not relations:
        return set()
    columns = _Columns(dict(zip(FIELDS, zip(*relations, strict=True), strict=True)))
    for name, field in DERIVED.items():
        columns.by_name[name] = kinds_of(columns.by_name[field])
    return set().union(*(_rows_breaking(rule, columns) for rule in ROW_RULES))


@dataclass(slots=True)
class _Columns:
    """The columns of the relations being checked, with what is learnt about them on the way."""

    by_name: dict[str, Sequence[Any]]
    distinct: dict[tuple[str, ...], set] = dataclass_field(default_factory=dict)  # by group of few columns
    gaps: dict[str, bool] = dataclass_field(default_factory=dict)  # whether a column has a None

    def combinations(self, group: tuple[str, ...]) -> Iterable[Any]:
        """Each row's values of the columns of ``group``: a tuple, or the value itself for one column."""
        if len(group) == 1:
            return self.by_name[group[0]]
        return zip(*(self.by_name[name] for name in group), strict=True)

    def distinct_in(self, group: tuple[str, ...]) -> set:
        if group not in self.distinct:
            self.distinct[group] = set(self.combinations(group))
        return self.distinct[group]

    def has_gaps(self, name: str) -> bool:
        if name not in self.gaps:
            values = self.distinct.get((name,), self.by_name[name])  # its distinct values, when known
            self.gaps[name] = None in values
        return self.gaps[name]


def _rows_breaking(rule: RowRule, columns: _Columns) -> set[int]:
    """Positions of the rows that break ``rule``: none, unless testing it over whole columns says so."""
    group = _GROUP_OF[rule.name]
    if group is None:
        if not any(_tested(rule, columns)):
            return set()
        reads = zip(*(columns.by_name[name] for name in rule.reads), strict=True)
        return {i for i, values in enumerate(reads) if rule.broken_by(values)}
    at = [group.index(name) for name in rule.reads]
    one = len(group) == 1
    bad = {c for c in columns.distinct_in(group) if rule.broken_by([c] if one else [c[i] for i in at])}
    if not bad:
        return set()
    return {i for i, combo in enumerate(columns.combinations(group)) if combo in bad}


def _tested(rule: RowRule, columns: _Columns) -> Iterator[bool]:
    """Whether each row that ``rule`` is tested on breaks it, over whole columns: in C where its
    predicate is (with ``given``, the rows where a value is None are left out in C too)."""
    reads = [columns.by_name[name] for name in rule.reads]
    if not rule.given:
        return map(rule.breaks, *reads)
    gaps = [column for name, column in zip(rule.reads, reads, strict=True) if columns.has_gaps(name)]
    if not gaps:
        return map(rule.breaks, *reads)
    if any(not any(column) and column.count(None) == len(column) for column in gaps):
        return iter(())  # a value missing in every row: the rule holds
    if len(gaps) == 1:  # the common case: a pass over that column, another over each other one
        (gap,) = gaps
        return map(
            rule.breaks,
            *(filter(_GIVEN, c) if c is gap else compress(c, map(is_not, gap, repeat(None))) for c in reads),
        )
    given = list(map(is_not, gaps[0], repeat(None)))
    for column in gaps[1:]:
        given = list(map(and_, given, map(is_not, column, repeat(None))))
    return map(rule.breaks, *(compress(column, given) for column in reads))


_GIVEN = partial(is_not, None)


# -- one row: the explanation --------------------------------------------------------------------------
def explain(row: Any, kinds_of: KindsOf, where: str) -> list[Problem]:
    """Every rule ``row`` breaks, as problems under ``where`` (``relations[12]``): what the hot
    path refused it for."""
    if isinstance(row, RelationRecord):  # typed while parsed: it keeps the field rules
        row = asdict(row)
    if not isinstance(row, Mapping):
        return [Problem(AN_OBJECT.code, where, AN_OBJECT.says(row))]
    problems = [
        Problem(KNOWN_FIELDS.code, f"{where}.{key}", KNOWN_FIELDS.says(key))
        for key in sorted(row.keys() - _TYPES.keys(), key=str)
    ]
    values: dict[str, Any] = {}  # the values of the right types, as the hot path has them
    for name, type_ in _TYPES.items():
        value = row.get(name)
        try:
            values[name] = msgspec.convert(value, type_)
        except _REFUSED:
            rule = next(rule for rule in _BY_FIELD[name] if rule.breaks is None or rule.breaks(value))
            problems.append(Problem(rule.code, f"{where}.{name}", rule.says(value)))
    for name, field in DERIVED.items():
        if field in values:
            values[name] = kinds_of([values[field]])[0]
    problems += [
        Problem(rule.code, f"{where}.{rule.field}", rule.says(values))
        for rule in ROW_RULES
        if all(name in values for name in rule.reads) and rule.broken_by([values[name] for name in rule.reads])
    ]
    return problems
