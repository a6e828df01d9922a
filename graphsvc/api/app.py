"""The one app factory: ``build_app(settings, store)`` gives the Starlette app serving graphsvc.

Routes: ``/graphql`` (the API, GraphiQL for browsers) and ``/health`` (liveness and store
status). While the app runs, a background task picks up writes other processes made to the
same store (every ``sync_seconds``), and the app's own ``Measures`` (``app.state.measures``)
keeps brokers and communities computed for the current graph version; the lifespan starts it
and stops it (its thread, and its worker process even in the middle of a computation), and at its
end stops learning the suggestions' rankers (``suggestions.close_trainers``: their worker processes too).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import threading
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..analysis import Measures
from ..analysis.brokers import warm as warm_brokers
from ..analysis.communities import warm as warm_communities
from ..engine import Engine
from ..engine.trust import UnauthorizedError, demo_tokens
from ..engine.view import Role
from ..resources import seed_path
from ..settings import Settings
from ..store import Store
from .auth import unauthorized, viewer_of
from .http import graphql_endpoint
from .operation import Operations
from .pages import explorer_routes
from .schema import build_schema
from .suggestions import close_trainers

log = logging.getLogger("graphsvc.api")


def load_demo_if_empty(engine: Engine) -> bool:
    """Load the demo city into an empty store, so that a newcomer sees it at once."""
    if engine.store.version() != 0:
        return False
    engine.import_document(json.loads(seed_path().read_text(encoding="utf-8")))
    log.info("loaded the demo city into the empty store")
    return True


def build_app(settings: Settings, store: Store) -> Starlette:
    engine = Engine(store)
    made: dict[Role, str] = {}
    if settings.demo and load_demo_if_empty(engine):
        made = demo_tokens(store)  # to try every role; shown once (``graphsvc serve`` prints them)
    measures = Measures(
        engine,
        process_nodes=settings.measures_process_nodes,
        quiet=settings.measures_quiet_seconds,
        most_stale=settings.measures_stale_seconds,
    )
    operations = Operations(build_schema(), settings)
    # The projection and the schema (its resolvers: thousands of closures) live as long as the app:
    # kept out of every collection, each of which would else walk them all (p99 several-fold)
    gc.collect()
    gc.freeze()

    async def health(request: Request) -> JSONResponse:
        try:
            viewer = await viewer_of(request, engine)
        except UnauthorizedError as error:
            return unauthorized(error)
        store_up = await asyncio.to_thread(store.ping)
        view = engine.view(viewer)  # the figures the caller may see, as every other answer
        body = {
            "status": "ok" if store_up else "degraded",
            "store": {"up": store_up, "kind": type(store).__name__},
            "graph": {"version": view.version, "nodes": len(view), "relations": view.relation_count()},
        }
        return JSONResponse(body, 200 if store_up else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine.change_projection_on(asyncio.get_running_loop())
        task = asyncio.create_task(_keep_in_step(engine, settings.sync_seconds))
        tokens_checked = threading.Event()  # set: stop looking up the tokens in use (``Tokens.keep_fresh``)
        tokens = threading.Thread(target=engine.trust.tokens.keep_fresh, args=(tokens_checked,), daemon=True)
        tokens.start()
        measures.start()
        warm_measures(engine, measures)
        try:
            yield
        finally:
            task.cancel()
            tokens_checked.set()
            await asyncio.to_thread(tokens.join)
            close_trainers(engine)
            # In a thread, so that the loop goes on serving a copy a computation may be waiting for.
            await asyncio.to_thread(measures.close)
            engine.change_projection_on(None)

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    middleware = [Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"], allow_headers=["*"])]
    app = Starlette(
        routes=[
            Route("/graphql", graphql_endpoint(operations, engine, settings, measures), methods=["GET", "POST"]),
            Route("/health", health),
            *explorer_routes(),
        ],
        middleware=middleware if origins else [],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.measures = measures
    app.state.demo_tokens = made
    return app


def warm_measures(engine: Engine, measures: Measures) -> None:
    """Start computing the city-wide brokers and communities in the background, so that the
    first request on a big graph finds them (they are recomputed after every write)."""
    view = engine.view()
    warm_brokers(view, cache=measures)
    warm_communities(view, cache=measures)


async def _keep_in_step(engine: Engine, seconds: float) -> None:
    """Apply other processes' writes; a failing store is logged, never fatal."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(engine.sync)
        except Exception as error:  # the store may be down: reads go on from the projection
            log.warning("could not sync with the store: %s", type(error).__name__)
