"""Each query text parsed (at most ``max_tokens`` tokens) and validated once, for every request after.

The parse is kept in strawberry's cache, by query text, which hands out one document per text. The
validation is kept per that document, compared by identity: graphql-core's syntax-tree nodes are
frozen dataclasses, hashed field by field on every call, so a cache keyed on the document itself
(strawberry's ``ValidationCache``) walks the whole tree on every request.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.schema.schema import validate_document

from . import cost

CACHE_SIZE = 1024  # distinct query texts whose parse and validation are kept
PARSE = ParserCache(CACHE_SIZE).cached_parse_document  # strawberry's cache, shared by every request


class Same:
    """A document as a key, the same only as itself (the key holds it: its id is not reused meanwhile)."""

    __slots__ = ("document",)

    def __init__(self, document: DocumentNode):
        self.document = document

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.document is self.document


@lru_cache(maxsize=CACHE_SIZE)
def validated(schema: GraphQLSchema, document: Same, rules: tuple[type[ASTValidationRule], ...]) -> list[GraphQLError]:
    return validate_document(schema, document.document, rules)


def forget() -> None:
    """Drop every query text kept, and what was worked out from it: one may name an erased resident."""
    getattr(_get_parse_cache(CACHE_SIZE), "cache_clear")()  # noqa: B009  strawberry's cache, typed as a plain callable
    validated.cache_clear()
    cost.forget()


class Prepared(SchemaExtension):
    """What strawberry's ``MaxTokensLimiter``, ``ParserCache``, ``AddValidationRules`` and
    ``ValidationCache`` do, in one extension, since strawberry wraps every hook of every extension
    again on every request: the parse with the token limit, the validation with ``rules`` besides
    GraphQL's, each kept."""

    def __init__(self, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]):
        super().__init__()
        self.max_tokens, self.rules = max_tokens, rules

    def on_parse(self) -> Iterator[None]:
        run = self.execution_context
        run.graphql_document = PARSE(run.query, **run.parse_options, max_tokens=self.max_tokens)
        yield

    def on_validate(self) -> Iterator[None]:
        run = self.execution_context
        if run.graphql_document is not None:  # else the parse failed, and that is the request's error
            rules = (*run.validation_rules, *self.rules)
            run.pre_execution_errors = validated(run.schema._schema, Same(run.graphql_document), rules)
        yield
