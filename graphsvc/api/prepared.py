"""Each query text parsed (at most ``max_tokens`` tokens) and validated once, for every request after.

The parse is kept by query text, which hands out one document per text. The validation is kept per
that document, compared by identity: graphql-core's syntax-tree nodes are frozen dataclasses,
hashed field by field on every call, so a cache keyed on the document itself walks the whole tree
on every request.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from . import cost

CACHE_SIZE = 1024  # distinct query texts whose parse and validation are kept


@lru_cache(maxsize=CACHE_SIZE)
def parsed(query: str, max_tokens: int) -> DocumentNode:
    """The document of ``query``; a ``GraphQLError`` for a syntax error or more than ``max_tokens`` tokens."""
    return parse(query, max_tokens=max_tokens)


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
    return validate(schema, document.document, rules)


def forget() -> None:
    """Drop every query text kept, and what was worked out from it: one may name an erased resident."""
    parsed.cache_clear()
    validated.cache_clear()
    cost.forget()
