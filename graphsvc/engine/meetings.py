"""Meetings (bijeenkomsten) as evidence: record one with who attended, and turn "met at the meeting"
into a tie.

A meeting is a node of kind MEETING with a date, a place, themes and areas; each attendee has an
ATTENDED relation to it (since and until the meeting's day, as the import format has them), and
the organiser a COORDINATES relation (the relation kind ``kinds.ENDS`` lets join anyone to a
meeting as the one who runs it). Attendance is evidence already: a shared meeting is a path of two
steps between two attendees, and collaboration suggestions count the meetings a pair attended.
A tie made from a meeting starts on the meeting's day and says where it comes from.

What the caller may not see, the caller may not name: an unknown or hidden attendee is answered
like a missing one, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain import Batch, Node, NodeKind, NotFoundError, Relation, RelationKind
from ..domain.errors import refusal
from .edits import add_relation, changeable, new_key, out_of_scope
from .engine import Engine
from .view import View

ATTENDEES = "input.attendeeIds"
ORGANISER = "input.organiserId"


def record_meeting(
    engine: Engine, view: View, record: dict[str, Any], attendees: Sequence[str], organiser: str | None = None
) -> Node:
    """Record a meeting (``record`` in the import format, without id or kind) with ATTENDED relations
    from ``attendees`` and a COORDINATES relation from ``organiser``; returns the meeting written."""
    for i, key in enumerate(attendees):
        changeable(view, key, f"{ATTENDEES}[{i}]")
    if organiser is not None:
        changeable(view, organiser, ORGANISER)
    if not record.get("areas"):
        raise refusal("MEETING_WITHOUT_AREA", "input.areaCodes", "name at least one area of the meeting")
    meeting = {**record, "id": new_key(record["name"]), "kind": NodeKind.MEETING.value}
    day = record.get("date")
    places: dict[str, str] = {}  # each attendee once, and where a problem with their tie is reported
    for i, key in enumerate(attendees):
        places.setdefault(key, f"{ATTENDEES}[{i}]")
    attendance = {"kind": RelationKind.ATTENDED.value, "target": meeting["id"], "since": day, "until": day}
    ties = [({**attendance, "source": key}, where) for key, where in places.items()]
    if organiser is not None:
        ties.append(({"kind": RelationKind.COORDINATES.value, "source": organiser, "target": meeting["id"]}, ORGANISER))
    built: list[Node] = []

    def build(v):
        node = v.node(meeting, "input")
        if node is not None and not view.viewer.in_scope(node.areas):
            v.problem("OUT_OF_SCOPE", "input.areas", out_of_scope(view.viewer))
        relations = [v.relation(tie, where) for tie, where in ties] if node is not None else []  # said already
        built.extend([node] if node else [])
        return Batch(nodes=list(built), relations=[rel for rel in relations if rel is not None])

    engine.edit(build, view.viewer)
    return built[0]


def meeting_of(view: View, key: str, field: str = "meetingId") -> Node:
    """The meeting, if the caller may see it; else ``NotFoundError`` like a missing one."""
    node = view.node(key)
    if not isinstance(node, Node) or node.kind is not NodeKind.MEETING or key not in view:
        raise NotFoundError("no meeting you may see has that id", field=field)
    return node


def attended(view: View, key: str, meeting: str) -> bool:
    """Whether the view shows an ATTENDED relation of ``key`` to ``meeting``."""
    return any(
        facts.source == key and facts.target == meeting
        for facts in map(view.relation, view.relations(key, meeting, frozenset({RelationKind.ATTENDED})))
        if facts is not None
    )


def tie_from_meeting(
    engine: Engine, view: View, meeting_key: str, source: str, target: str, kind: RelationKind, provenance: str
) -> Relation:
    """A ``kind`` tie between two who attended the meeting, since its day, with ``provenance`` (where
    it comes from, in words); returns the relation written."""
    meeting = meeting_of(view, meeting_key)
    for key, field in ((source, "sourceId"), (target, "targetId")):
        changeable(view, key, field)
        if not attended(view, key, meeting_key):
            raise refusal("NOT_AN_ATTENDEE", field, "did not attend this meeting")
    record = {"kind": kind.value, "source": source, "target": target, "provenance": provenance}
    if meeting.started is not None:
        record["since"] = meeting.started.isoformat()
    return add_relation(engine, view, record)
