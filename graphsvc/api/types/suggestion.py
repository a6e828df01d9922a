"""CollaborationSuggestion and SuggestionReview: pairs who should meet, why, and a broker's verdict."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from ...analysis.matching import ScorePart as MatchPart
from ...analysis.reasons import Reason
from ...analysis.recommend import Part, Suggestion
from ...domain import Review
from ...engine import View
from ...words import say, sentence
from .enums import RelationKind
from .node import Node, maybe_graphql, to_graphql
from .stakeholders import Stakeholder


@strawberry.enum(description="A broker's verdict on a suggestion: ACCEPTED (they will meet) or REJECTED (never again).")
class SuggestionVerdict(Enum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


@strawberry.type(
    description="One part of a score: its weight, its value (0..1) and why: as data (reasonCode and reasonParams) "
    "and in words in the caller's language (Accept-Language: nl or en)."
)
class ScorePart:
    name: str
    weight: float
    value: float
    contribution: float = strawberry.field(description="weight x value; the parts add up to the score")
    reason_code: str = strawberry.field(description="Why, as a code, e.g. AREA_SAME_AREA or THEMES_SHARED")
    reason_params: JSON = strawberry.field(description="What the reason rests on: counts, theme keys, area codes, ids")
    _reason: strawberry.Private[Reason]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, part: Part | MatchPart, view: View) -> ScorePart:
        """From a recommendation's or a partner match's part (both: name, weight, value, reason)."""
        return cls(
            name=part.name,
            weight=part.weight,
            value=part.value,
            contribution=round(part.weight * part.value, 4),
            reason_code=part.reason.code,
            reason_params=JSON(dict(part.reason.params)),
            _reason=part.reason,
            _view=view,
        )

    @strawberry.field(description="Why, in one phrase in the caller's language")
    def reason(self, info: strawberry.Info) -> str:
        return say(self._reason, info.context.language, self._view)


def _stakeholder(view: View, key: str | None, info: strawberry.Info) -> Stakeholder | None:
    node = view.stakeholder(key) if key else None
    return to_graphql(node, info.context) if node else None  # type: ignore[return-value]


@strawberry.type(description="Two stakeholders who do not work together yet and should meet, with the reasons.")
class CollaborationSuggestion:
    score: float = strawberry.field(description="0..1: the sum of the parts' contributions")
    parts: list[ScorePart]
    _suggestion: strawberry.Private[Suggestion]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, suggestion: Suggestion, view: View) -> CollaborationSuggestion:
        return cls(
            score=suggestion.score,
            parts=[ScorePart.of(p, view) for p in suggestion.parts],
            _suggestion=suggestion,
            _view=view,
        )

    @strawberry.field(description="The strongest reasons in one sentence, in the caller's language")
    def explanation(self, info: strawberry.Info) -> str:
        return sentence(self._suggestion.sentence, info.context.language, self._view)

    @strawberry.field(description="The strongest reasons as codes, strongest first")
    def explanation_codes(self) -> list[str]:
        return [reason.code for reason in self._suggestion.sentence]

    @strawberry.field(description="The stakeholder the suggestion is for")
    def source(self, info: strawberry.Info) -> Stakeholder | None:
        return _stakeholder(self._view, self._suggestion.source, info)

    @strawberry.field(description="Whom to meet")
    def target(self, info: strawberry.Info) -> Stakeholder | None:
        return _stakeholder(self._view, self._suggestion.target, info)

    @strawberry.field(description="Contacts both have, best connected first (at most 5)")
    def common_contacts(self, info: strawberry.Info) -> list[Node]:
        found = (maybe_graphql(self._view.node(c), info.context) for c in self._suggestion.common_contacts[:5])
        return [node for node in found if node is not None]

    @strawberry.field(description="The shortest way from source to target through existing ties, source first")
    def introduction_path(self, info: strawberry.Info) -> list[Node]:
        return [to_graphql(self._view.node(n), info.context) for n in self._suggestion.path]  # type: ignore[arg-type]

    @strawberry.field(description="Who can make the introduction: the first stakeholder on the path after the source")
    def linker(self, info: strawberry.Info) -> Node | None:
        return (
            maybe_graphql(self._view.node(self._suggestion.linker), info.context) if self._suggestion.linker else None
        )


@strawberry.type(description="A broker's verdict on a suggested pair.")
class SuggestionReview:
    verdict: SuggestionVerdict
    note: str | None
    reviewed_at: datetime
    relation_kind: RelationKind | None = strawberry.field(description="The relation the acceptance created, if any")
    _review: strawberry.Private[Review]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, review: Review, view: View) -> SuggestionReview:
        return cls(
            verdict=SuggestionVerdict(review.verdict),
            note=review.note,
            reviewed_at=review.reviewed_at,
            relation_kind=review.relation_kind,
            _review=review,
            _view=view,
        )

    @strawberry.field
    def source(self, info: strawberry.Info) -> Stakeholder | None:
        return _stakeholder(self._view, self._review.source, info)

    @strawberry.field
    def target(self, info: strawberry.Info) -> Stakeholder | None:
        return _stakeholder(self._view, self._review.target, info)
