"""Keeping records true over GraphQL: possible duplicates before a create, merging two records of
one stakeholder, and meetings as evidence of ties.

Every write here is an editor's (``permissions.ROOT_FIELDS``), is checked against the caller's
view (a hidden stakeholder is answered exactly like a missing one), writes all or nothing, and goes
to the audit log. Messages of their own codes are put into the caller's language by ``words``.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from ..analysis.reasons import Reason
from ..domain import GraphsvcError, NotFoundError, ValidationError
from ..domain.areas import municipality
from ..engine import merging
from ..engine.meetings import meeting_of, record_meeting, tie_from_meeting
from ..words import CATALOGUE, say
from .context import Context
from .ids import decode
from .mutation import Act, errors_of, relation_payload, stakeholder_key, stakeholder_payload, to_record, write
from .query import check_area_code
from .types.enums import RelationKind, StakeholderKind
from .types.meeting import Meeting
from .types.pagination import Connection, paginate
from .types.payloads import LinkPayload, StakeholderPayload, UserError
from .types.records import MeetingInput, MeetingPayload, SimilarStakeholder
from .types.stakeholders import STAKEHOLDER_TYPES

MAX_SIMILAR = 20


def said(context: Context, error: GraphsvcError, prefix: str = "") -> list[UserError]:
    """``errors_of``, with a message in the caller's language where ``words`` has one for the code,
    and fields without ``prefix`` (an operation that takes arguments, not an input object)."""
    found = []
    for problem, error_of in zip(error.problems, errors_of(error), strict=True):
        words = CATALOGUE[context.language]
        message = say(Reason.of(problem.code), context.language, None) if problem.code in words else error_of.message
        field = error_of.field.removeprefix(prefix) if prefix else error_of.field
        found.append(UserError(field=field, message=message, code=error_of.code))
    return found


def meeting_key(global_id: str, field: str = "meetingId") -> str:
    typename, key = decode(global_id, field)
    if typename != "Meeting":
        raise NotFoundError("no meeting you may see has that id", field=field)
    return key


@strawberry.type
class RecordQueries:
    @strawberry.field(
        description="Stakeholders you may see whose name is like this one, in the municipality of areaCode (without: "
        "in your municipalities), most alike first: offer them before a new record is made ('bedoelt u ...?'). "
        "Names are compared ignoring case, accents, punctuation and word order."
    )
    def similar_stakeholders(
        self,
        info: strawberry.Info,
        name: str,
        area_code: str | None = None,
        kind: StakeholderKind | None = None,
        first: int = 5,
    ) -> list[SimilarStakeholder]:
        context: Context = info.context
        view = context.view
        if not 0 <= first <= MAX_SIMILAR:
            raise ValidationError(f"first must be from 0 to {MAX_SIMILAR}, got {first}", field="first")
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        scope = context.viewer.municipalities
        areas = [municipality(area_code, view.areas)] if area_code is not None else scope
        kinds = None if kind is None else frozenset({kind.domain})
        found = view.similar(name, areas, kinds, first)
        return [SimilarStakeholder(stakeholder=STAKEHOLDER_TYPES[n.kind].of(n, context), score=s) for n, s in found]

    @strawberry.field(
        description="Meetings (bijeenkomsten) you may see, in or under areaCode when given, newest first."
    )
    def meetings(
        self, info: strawberry.Info, area_code: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[Meeting]:
        context: Context = info.context
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        return paginate(context.view.meetings(area_code), first, after, context.settings.max_page, Meeting.of)


@strawberry.type
class RecordMutations:
    @strawberry.mutation(
        description="Merge two records of one stakeholder (of one kind): every relation of mergeId moves to keepId "
        "with its id, dates and provenance (one between the two is dropped), the lists are united, mergeId is "
        "deleted, and keepId's mergedFrom and history keep it. All or nothing."
    )
    async def merge_stakeholders(
        self, info: strawberry.Info, keep_id: strawberry.ID, merge_id: strawberry.ID
    ) -> StakeholderPayload:
        context: Context = info.context
        view = context.view
        try:
            keep, gone = stakeholder_key(context, keep_id, "keepId"), stakeholder_key(context, merge_id, "mergeId")
            node, _ = await write(
                context,
                lambda: merging.merge(context.engine, view, keep, gone),
                lambda done: [Act("mergeStakeholders", [keep, gone], f"{done[1]} relations moved")],
            )
        except GraphsvcError as error:
            return StakeholderPayload(user_errors=said(context, error))
        return stakeholder_payload(context, node)

    @strawberry.mutation(
        description="Record a meeting (bijeenkomst) with who attended (ATTENDED relations) and who organised it "
        "(COORDINATES), in one write."
    )
    async def record_meeting(self, info: strawberry.Info, input: MeetingInput) -> MeetingPayload:
        context: Context = info.context
        view = context.view
        try:
            attendees = [
                stakeholder_key(context, attendee, f"input.attendeeIds[{i}]")
                for i, attendee in enumerate(input.attendee_ids)
            ]
            organiser = (
                None
                if input.organiser_id is None
                else stakeholder_key(context, input.organiser_id, "input.organiserId")
            )
            record = to_record({"name": input.name, "date": input.date, "place": input.place, "themes": input.themes})
            record["areas"] = list(input.area_codes)
            named = [*dict.fromkeys(attendees), *([organiser] if organiser else [])]
            meeting = await write(
                context,
                lambda: record_meeting(context.engine, view, record, attendees, organiser),
                lambda meeting: [Act("recordMeeting", [meeting.id, *named], f"{len(set(attendees))} attendees")],
            )
        except GraphsvcError as error:
            return MeetingPayload(user_errors=said(context, error))
        return MeetingPayload(meeting=Meeting.of(meeting))

    @strawberry.mutation(
        description="Turn 'met at the meeting' into a tie: both must have attended; the tie starts on the meeting's "
        "day and its provenance says where they met."
    )
    async def tie_from_meeting(
        self,
        info: strawberry.Info,
        meeting_id: strawberry.ID,
        source_id: strawberry.ID,
        target_id: strawberry.ID,
        kind: Annotated[RelationKind, strawberry.argument(description="Default KNOWS")] = RelationKind.KNOWS,
    ) -> LinkPayload:
        context: Context = info.context
        view = context.view
        try:
            key = meeting_key(meeting_id)
            source, target = (
                stakeholder_key(context, source_id, "sourceId"),
                stakeholder_key(context, target_id, "targetId"),
            )
            meeting = meeting_of(view, key)
            day = meeting.started
            where = Reason.of("MET_AT", nodes=(key,), on=day) if day else Reason.of("MET_AT_UNDATED", nodes=(key,))
            provenance = say(where, context.language, view)
            rel = await write(
                context,
                lambda: tie_from_meeting(context.engine, view, key, source, target, kind, provenance),
                lambda rel: [Act("tieFromMeeting", [source, target, key], f"relation {rel.id} {rel.kind.value}")],
            )
        except GraphsvcError as error:
            return LinkPayload(user_errors=said(context, error, prefix="input."))
        return relation_payload(context, rel.id)  # type: ignore[arg-type]
