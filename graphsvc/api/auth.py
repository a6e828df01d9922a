"""The one place a request becomes a caller: its ``Authorization: Bearer`` token becomes the
``Viewer`` of its ``Context`` (and so of every view it reads), or a 401 saying why not.

No token: the public (``Viewer(Role.PUBLIC)``). A token that is not well formed, or that the store
does not know: 401 'not known here'. A well-formed token that expired or was revoked: 401 saying
so, with ``extensions.reason`` (UNKNOWN, EXPIRED, REVOKED) for clients to show in their language.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..engine import Engine, Viewer
from ..engine.trust import UnauthorizedError


async def viewer_of(request: Request, engine: Engine) -> Viewer:
    """The caller's viewer; ``UnauthorizedError`` for a token that grants nothing."""
    tokens = engine.trust.tokens
    secret = tokens.secret_of(request.headers.get("authorization"))
    if secret is None:
        return tokens.viewer(None, None)
    known, token = tokens.cached(secret)
    if not known:
        token = await asyncio.to_thread(tokens.load, secret)
    return tokens.viewer(secret, token)


def unauthorized(error: UnauthorizedError) -> JSONResponse:
    body = {"errors": [{"message": str(error), "extensions": {"code": error.code, "reason": error.reason}}]}
    if error.status != 401:  # the token could not be checked now (the store is down)
        return JSONResponse(body, error.status, headers={"Retry-After": "1"})
    return JSONResponse(body, 401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
