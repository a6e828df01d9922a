"""Open the store a location names: a SQLite file path, or a ``neo4j://``/``bolt://`` URI."""

from __future__ import annotations

from pathlib import Path

from ..domain import ValidationError
from .protocol import Store

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "bolt://", "bolt+s://")


def open_store(location: str | Path, page_items: int | None = None, **options: str | None) -> Store:
    """The store at ``location``; ``options`` are the Neo4j user, password and database, ``page_items``
    the items per transaction of a large import on Neo4j."""
    text = str(location)
    if text.startswith(NEO4J_SCHEMES):
        from .neo4j import Neo4jStore

        return Neo4jStore(
            text,
            user=options.get("user"),
            password=options.get("password"),
            database=options.get("database"),
            **({"page_items": page_items} if page_items else {}),
        )
    if "://" in text or text == ":memory:":
        raise ValidationError(
            f"'{text}' is not a store location: expected a SQLite file path or a neo4j:// or bolt:// URI",
            field="store",
        )
    from .sqlite import SQLiteStore

    return SQLiteStore(text)
