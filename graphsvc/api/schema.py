"""The strawberry schema, and the SDL it serves (kept in schema/schema.graphql); its operations run
in ``operation.Operations``, with the limits."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from .area_changes import AreaChangeQueries
from .confirmation import ConfirmationMutations, ConfirmationQueries
from .intelligence import IntelligenceQueries
from .mutation import Mutation
from .query import Query
from .records import RecordMutations, RecordQueries
from .registration import RegistrationMutations, RegistrationQueries
from .suggestions import SuggestionMutations, SuggestionQueries
from .trust import TrustMutations, TrustQueries
from .types.meeting import Meeting
from .types.stakeholders import STAKEHOLDER_TYPES


def build_schema() -> strawberry.Schema:
    """The schema: every root field of the merged query and mutation types, and every stakeholder type."""
    return strawberry.Schema(
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
    )


def sdl() -> str:
    """The schema as SDL text, exactly as ``schema/schema.graphql`` holds it."""
    return build_schema().as_str() + "\n"
