"""The explorer: the web page at ``/`` (and the public registration page at ``/aanmelden``) and
their files under ``/static/``, served from the package.

Everything the page loads comes from ``graphsvc/static`` (its own modules and the pinned npm
packages copied into ``static/vendor`` by ``web/vendor.mjs``); the page talks to ``/graphql``
only. A strict Content-Security-Policy holds it to that: no request leaves the server.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

STATIC = Path(__file__).resolve().parent.parent / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='",  # the one rule Cytoscape.js injects
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",  # revalidate (ETag): a new graphsvc serves its new page at once
}
MEDIA_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


class _StaticFiles(StaticFiles):
    """Package files with the page's headers and JavaScript media types that do not depend on the OS."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        media = MEDIA_TYPES.get(Path(full_path).suffix)
        if media and isinstance(response, FileResponse):
            response.headers["content-type"] = media + ("; charset=utf-8" if media.startswith("text/") else "")
        response.headers.update(HEADERS)
        return response


async def _index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


async def _register(request: Request) -> Response:
    """The public registration page (no token): sign up, then withdraw with the code it gives."""
    return FileResponse(STATIC / "aanmelden.html", media_type="text/html; charset=utf-8", headers=HEADERS)


def explorer_routes() -> list[BaseRoute]:
    """``/`` (the explorer) and ``/static/...`` (its files); add them to the app's routes."""
    static = _StaticFiles(directory=STATIC, check_dir=False)

    async def files(scope: Scope, receive: Receive, send: Send) -> None:
        await static(scope, receive, send)

    return [
        Route("/", _index, methods=["GET", "HEAD"]),
        Route("/aanmelden", _register, methods=["GET", "HEAD"]),
        Mount("/static", app=files, name="static"),
    ]
