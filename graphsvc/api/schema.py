"""The strawberry schema with its limits, and the SDL it serves (kept in schema/schema.graphql)."""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule
from strawberry.tools import merge_types

from ..settings import Settings
from .area_changes import AreaChangeQueries
from .confirmation import ConfirmationMutations, ConfirmationQueries
from .guard import guards
from .intelligence import IntelligenceQueries
from .limits import Limits, NoIntrospection, limits_rule
from .mutation import Mutation
from .prepared import Prepared
from .query import Query
from .records import RecordMutations, RecordQueries
from .registration import RegistrationMutations, RegistrationQueries
from .suggestions import SuggestionMutations, SuggestionQueries
from .trust import TrustMutations, TrustQueries
from .types.meeting import Meeting
from .types.stakeholders import STAKEHOLDER_TYPES


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        """Log nothing here: errors may quote input (personal data); the HTTP layer logs bugs only."""


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema, with parse and validation caches (graphql-core would otherwise validate every
    request again: 85% of a lookup's time) and limits checked before any resolver runs (the cost,
    which depends on variables, after the cached validation: see ``guard``)."""
    limits = Limits(depth=settings.max_query_depth, aliases=settings.max_aliases, fields=settings.max_fields)
    rules: tuple[type[ASTValidationRule], ...] = (limits_rule(limits),)
    if not settings.introspection:
        rules += (NoIntrospection,)
    return Schema(
        query=merge_types(
            "Query",
            (
                Query,
                IntelligenceQueries,
                SuggestionQueries,
                TrustQueries,
                ConfirmationQueries,
                AreaChangeQueries,
                RecordQueries,
                RegistrationQueries,
            ),
        ),
        mutation=merge_types(
            "Mutation",
            (
                Mutation,
                SuggestionMutations,
                TrustMutations,
                ConfirmationMutations,
                RecordMutations,
                RegistrationMutations,
            ),
        ),
        types=[*STAKEHOLDER_TYPES.values(), Meeting],
        extensions=[
            lambda: Prepared(settings.max_tokens, rules),
            # who may ask what, cost, caps on 'first', expensive operations per client; reads that
            # returned resident data go to the audit log
            *guards(settings),
        ],
    )


def sdl(settings: Settings | None = None) -> str:
    """The schema as SDL text, exactly as ``schema/schema.graphql`` holds it."""
    return build_schema(settings or Settings()).as_str() + "\n"
