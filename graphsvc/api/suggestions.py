"""Collaboration suggestions over GraphQL: for one stakeholder or a whole area, reviewed by a broker."""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

import strawberry

from ..analysis.ranker import PROCESS_NODES, Model, Trainer
from ..analysis.recommend import Scoring, ranked, recommend_many, reviewed_pairs, scoring_for, suggestion
from ..domain import GraphsvcError, NodeKind, ValidationError
from ..engine import Engine, View, Viewer, edits
from .context import Context
from .ids import decode
from .mutation import Act, errors_of, write
from .query import check_area_code
from .types.enums import RelationKind, StakeholderKind
from .types.pagination import Connection, check_first, paginate
from .types.payloads import UserError
from .types.suggestion import CollaborationSuggestion, SuggestionReview, SuggestionVerdict
from .types.theme import theme_keys

MAX_AREA_SOURCES = 500  # more stakeholders than this in one area list: use `graphsvc recommend`
PER_SOURCE_IN_AREA = 3


# One ranker per graph (engine) and viewer, learned in the background from the graph's history.
_TRAINERS: WeakKeyDictionary[Engine, dict[Viewer, Trainer]] = WeakKeyDictionary()
_TRAINERS_LOCK = threading.Lock()


def model_for(engine: Engine, scoring: Scoring) -> Model:
    """The model to rank with now: the last learned for this graph and viewer (the hand-set default
    until the first is learned); learning the next starts in the background when it is due (a big
    graph's in a worker process)."""
    with _TRAINERS_LOCK:
        trainers = _TRAINERS.setdefault(engine, {})
        trainer = trainers.get(scoring.view.viewer)
        if trainer is None:
            trainer = trainers[scoring.view.viewer] = Trainer(process_nodes=PROCESS_NODES)
    return trainer.model_for(scoring)


def close_trainers(engine: Engine) -> None:
    """Stop learning for ``engine`` (the app's lifespan, at its end): worker processes are ended; a
    later request starts anew."""
    with _TRAINERS_LOCK:
        trainers = list(_TRAINERS.pop(engine, {}).values())
    for trainer in trainers:
        trainer.close()


@strawberry.type
class ReviewPayload:
    review: SuggestionReview | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _fits(view: View, key: str, area: str | None, theme: str | None) -> bool:
    node = view.stakeholder(key)
    return node is not None and node.in_scope(area, theme)


@strawberry.type
class SuggestionQueries:
    @strawberry.field(
        description="Pairs who do not work together yet and should meet, best first, each with its explanation. "
        "With forId: suggestions for that stakeholder (kinds, theme and areaCode filter whom). Without: for every "
        "stakeholder of the kinds (default: initiatives) in areaCode on the theme, at most three each, spread so "
        "that no partner receives every initiative."
    )
    def collaboration_suggestions(
        self,
        info: strawberry.Info,
        for_id: strawberry.ID | None = None,
        area_code: str | None = None,
        theme: str | None = None,
        kinds: list[StakeholderKind] | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> Connection[CollaborationSuggestion]:
        context: Context = info.context
        check_first(first, context.settings.max_page)
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        view = context.view
        theme = theme_keys(view, [theme], "theme")[0] if theme else None
        wanted = frozenset(k.domain for k in kinds) if kinds else None
        scoring = scoring_for(view)
        model = model_for(context.engine, scoring)
        rejected = reviewed_pairs(view)
        if for_id is not None:
            key = decode(for_id, "forId")[1]
            if view.stakeholder(key) is None or key not in scoring.graph:
                raise ValidationError("no stakeholder you may see has that id", field="forId")
            best = ranked(scoring, key, context.settings.max_page, model, rejected=rejected, kinds=wanted)
            best = [s for s in best if _fits(view, s.target, area_code, theme)]
            return paginate(  # explain only the page asked for: paths cost a search each
                best,
                first,
                after,
                context.settings.max_page,
                lambda s: CollaborationSuggestion.of(suggestion(scoring, s, model), view),
            )
        elif area_code is not None:
            initiatives = wanted or frozenset({NodeKind.INITIATIVE})
            sources = [n.id for n in view.search(kinds=initiatives, area=area_code)]
            sources = [s for s in sources if theme is None or _fits(view, s, None, theme)]
            if len(sources) > MAX_AREA_SOURCES:
                raise ValidationError(
                    f"{len(sources)} stakeholders in {area_code}: narrow it down with theme or kinds, or use "
                    f"'graphsvc recommend' (at most {MAX_AREA_SOURCES} here)",
                    field="areaCode",
                )
            lists = recommend_many(scoring, sources, top=PER_SOURCE_IN_AREA, model=model, rejected=rejected)
            found = sorted((s for found in lists.values() for s in found), key=lambda s: (-s.score, s.source, s.target))
        else:
            raise ValidationError("give forId (one stakeholder) or areaCode (an area)", field="forId")
        return paginate(found, first, after, context.settings.max_page, lambda s: CollaborationSuggestion.of(s, view))

    @strawberry.field(
        description="Verdicts brokers gave on suggestions, newest first; areaCode keeps those with an end there."
    )
    def suggestion_reviews(
        self, info: strawberry.Info, area_code: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[SuggestionReview]:
        context: Context = info.context
        if area_code is not None:
            check_area_code(area_code, "areaCode")
        view = context.view
        found = [
            r
            for r in view.reviews()
            if (area_code is None or _fits(view, r.source, area_code, None) or _fits(view, r.target, area_code, None))
        ]
        found.sort(key=lambda r: (r.reviewed_at, r.source, r.target), reverse=True)
        return paginate(found, first, after, context.settings.max_page, lambda r: SuggestionReview.of(r, view))


@strawberry.type
class SuggestionMutations:
    @strawberry.mutation(
        description="Accept or reject a suggested pair. A rejected pair is never suggested again; an accepted one "
        "can become a relation in the same call (createRelation), with the review as its provenance."
    )
    async def review_suggestion(
        self,
        info: strawberry.Info,
        source_id: strawberry.ID,
        target_id: strawberry.ID,
        verdict: SuggestionVerdict,
        note: str | None = None,
        create_relation: RelationKind | None = None,
    ) -> ReviewPayload:
        context: Context = info.context
        try:
            source = decode(source_id, "sourceId")[1]
            target = decode(target_id, "targetId")[1]
            view = context.view
            detail = verdict.value + (f" {create_relation.value}" if create_relation else "")
            review = await write(
                context,
                lambda: edits.review(context.engine, view, source, target, verdict.value, note, create_relation),
                lambda _: [Act("reviewSuggestion", [source, target], detail)],
            )
        except GraphsvcError as error:
            return ReviewPayload(user_errors=errors_of(error))
        return ReviewPayload(review=SuggestionReview.of(review, context.engine.view(context.viewer)))
