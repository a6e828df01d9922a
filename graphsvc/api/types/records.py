"""Types of keeping records true: a possible duplicate, and a meeting to record."""

from __future__ import annotations

from datetime import date

import strawberry

from .meeting import Meeting
from .payloads import UserError
from .stakeholders import Stakeholder


@strawberry.type(description="A stakeholder whose name is like the one asked about: perhaps the same (bedoelt u ...?).")
class SimilarStakeholder:
    stakeholder: Stakeholder
    score: float = strawberry.field(
        description="How alike the names are, 0..1 (1: the same, ignoring case and accents)"
    )


@strawberry.input(description="A meeting (bijeenkomst) and who attended it; each attendee gets an ATTENDED relation.")
class MeetingInput:
    name: str
    date: date
    area_codes: list[str] = strawberry.field(description="CBS codes of the areas it was about (at least one)")
    attendee_ids: list[strawberry.ID] = strawberry.field(description="Stakeholders who attended")
    place: str | None = None
    themes: list[str] = strawberry.field(default_factory=list, description="Theme keys")
    organiser_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who organised it: a COORDINATES relation to the meeting"
    )


@strawberry.type
class MeetingPayload:
    meeting: Meeting | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
