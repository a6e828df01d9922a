"""Engines over real SQLite files, for tests: the ``engine_with`` fixture of ``conftest`` makes them."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Mapping
from itertools import count
from pathlib import Path
from typing import Any

from graphsvc.engine import Engine
from graphsvc.store import Store, open_store


@contextlib.contextmanager
def changes_on_a_loop(engine: Engine) -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop in a thread named "the-loop" where ``engine`` applies its changes, as the API's
    lifespan sets it up (``change_projection_on``); stopped and closed afterwards."""
    loop = asyncio.new_event_loop()
    readers = threading.Thread(target=loop.run_forever, name="the-loop", daemon=True)
    readers.start()
    engine.change_projection_on(loop)
    try:
        yield loop
    finally:
        engine.change_projection_on(None)
        loop.call_soon_threadsafe(loop.stop)
        readers.join()
        loop.close()


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
