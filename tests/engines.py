"""Engines over real SQLite files, for tests: the ``engine_with`` fixture of ``conftest`` makes them."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import count
from pathlib import Path
from typing import Any

from graphsvc.engine import Engine
from graphsvc.store import Store, open_store


class Engines:
    """Makes engines over real SQLite files in one folder, and closes every store it opened.

    ``engines(doc, ...)`` is an engine over a new file with each document imported in turn;
    ``engines.reopen(engine)`` another engine over the same file, as after a restart or in another
    process; ``engines.new_store()`` an empty store on a new file, for what works below the engine.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.opened: list[Store] = []
        self.files = count()

    def __call__(self, *documents: Mapping[str, Any]) -> Engine:
        engine = Engine(self.new_store())
        for document in documents:
            engine.import_document(document)
        return engine

    def new_store(self) -> Store:
        return self._open(self.folder / f"graph-{next(self.files)}.sqlite")

    def reopen(self, engine: Engine) -> Engine:
        return Engine(self._open(engine.store.url))

    def _open(self, path: str | Path) -> Store:
        store = open_store(path)
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in reversed(self.opened):
            store.close()
