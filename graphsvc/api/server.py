"""``graphsvc serve``: open the store the settings name and serve the app with uvicorn."""

from __future__ import annotations

import uvicorn

from ..settings import Settings
from ..store import open_store
from .app import build_app


def serve(settings: Settings) -> None:
    store = open_store(
        settings.store, user=settings.neo4j_user, password=settings.neo4j_password, database=settings.neo4j_database
    )
    app = build_app(settings, store)
    base = f"http://{settings.host}:{settings.port}"
    print(f"graphsvc: the explorer at {base}/ and GraphiQL at {base}/graphql (store: {store.url})", flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, access_log=False)
    finally:
        store.close()
