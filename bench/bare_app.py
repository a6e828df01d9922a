"""The baseline for ``bench/api_http.py``: a bare Starlette JSON endpoint doing a ``stakeholder`` lookup.

``POST /lookup`` with the JSON body ``{"id": <global id>}`` answers ``{"id", "name", "kind"}`` of that
stakeholder, found the way the API finds it (``ids.decode``, then ``Engine(store).view().stakeholder(key)``,
a fresh view per request, the type name checked), or 404. ``GET /health`` answers once the projection is
loaded. No GraphQL: what is left is the HTTP, JSON and lookup floor under the API.

Run (``bench/api_http.py`` starts it by itself)::

    /tmp/venv/bin/python bench/bare_app.py --store city.sqlite --port 8001 --log-level warning
"""

from __future__ import annotations

import argparse
import gc
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graphsvc.api.ids import decode
from graphsvc.api.types.node import typename_of
from graphsvc.domain import NotFoundError
from graphsvc.engine import Engine
from graphsvc.store import Store, open_store


def build_bare_app(store: Store) -> Starlette:
    engine = Engine(store)
    gc.collect()
    gc.freeze()  # as graphsvc's build_app does: the projection stays out of every collection

    async def lookup(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            typename, key = decode(body["id"])
        except (NotFoundError, KeyError, TypeError):
            return JSONResponse({"error": "not found"}, 404)
        node = engine.view().stakeholder(key)
        if node is None or typename_of(node.kind) != typename:
            return JSONResponse({"error": "not found"}, 404)
        return JSONResponse({"id": body["id"], "name": node.name, "kind": node.kind.value})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "nodes": len(engine.view())})

    return Starlette(routes=[Route("/lookup", lookup, methods=["POST"]), Route("/health", health)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="SQLite store file")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    store = open_store(args.store)
    try:  # served exactly as graphsvc.api.server.serve serves the API
        uvicorn.run(build_bare_app(store), host="127.0.0.1", port=args.port, log_level=args.log_level, access_log=False)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
