"""``/graphql`` per the GraphQL-over-HTTP spec (https://graphql.github.io/graphql-over-http/).

* POST with a JSON body ``{query, variables?, operationName?}``; GET with the same as query
  parameters (queries only: a mutation over GET gets 405). A browser asking for HTML gets GraphiQL.
* ``Accept: application/graphql-response+json`` gets that media type, and 400 for a request
  that never executed (parse or validation errors, bad variables); plain ``application/json``
  gets 200 for any well-formed request, as the spec asks for older clients.
* Malformed JSON, a body that is not an object, or a missing query: 400. Another media type:
  415. A body above ``max_body_bytes``: 413. An Accept the server cannot answer: 406.
* Expected errors (``GraphsvcError``) keep their message and carry ``code`` and ``field`` in
  ``extensions``; anything else is a bug: logged with its traceback, masked for the client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from strawberry.http.ides import get_graphql_ide_html

from ..analysis import Measures
from ..domain import GraphsvcError
from ..engine import Engine
from ..engine.trust import UnauthorizedError
from ..settings import Settings
from ..words import language_of
from .auth import unauthorized, viewer_of
from .call import CALL, Call, RequestTimeout
from .context import Context
from .operation import Operations, UnknownOperation
from .prepared import parsed
from .ratelimit import RateLimiter, Refusal, client_of

log = logging.getLogger("graphsvc.api")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MASKED = "Internal error: the request could not be completed"
SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.DOTALL)  # graphql-core's hints, off with field_suggestions


class RequestError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def graphql_endpoint(operations: Operations, engine: Engine, settings: Settings, measures: Measures):
    """The Starlette endpoint running ``operations`` over ``engine`` (global measures from the app's ``measures``)."""
    graphiql = get_graphql_ide_html("graphiql")
    limiter = RateLimiter(settings.rate_limit, settings.rate_limit_storage)
    registering = RateLimiter(
        settings.register_rate_limit, settings.rate_limit_storage, "GRAPHSVC_REGISTER_RATE_LIMIT", "graphsvc-register"
    )

    async def endpoint(request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            message = f"{request.method} is not allowed on /graphql: send GET (queries) or POST"
            return JSONResponse({"errors": [{"message": message}]}, 405, headers={"Allow": "GET, POST"})
        client = client_of(request)
        refusal = await limiter.check(client)
        if refusal is not None:
            return _refuse(refusal)
        if request.method == "GET" and _wants_html(request) and "query" not in request.query_params:
            if settings.graphiql:
                return HTMLResponse(graphiql)
            message = "GraphiQL is off on this server (GRAPHSVC_GRAPHIQL=false); send GraphQL requests with POST"
            return JSONResponse({"errors": [{"message": message}]}, 404)
        try:
            media = _negotiate(request.headers.get("accept", ""))
            params = await _params(request, settings.max_body_bytes)
            _refuse_mutation_over_get(request, params, settings.max_tokens)
        except RequestError as error:
            return JSONResponse({"errors": [{"message": str(error)}]}, error.status, headers=error.headers)
        seconds = settings.request_seconds
        call = Call(client, seconds, time.monotonic() + seconds if seconds > 0 else None)
        token = CALL.set(call)
        try:
            async with asyncio.timeout(seconds if seconds > 0 else None) as scope:
                call.scope = scope
                try:
                    viewer = await viewer_of(request, engine)  # the token becomes the caller: api/auth.py
                except UnauthorizedError as error:
                    return unauthorized(error)
                language = language_of(request.headers.get("accept-language"))
                context = Context(engine, settings, measures, viewer, language=language, registering=registering)
                result = await operations.run(
                    params["query"], params.get("variables"), params.get("operationName"), context
                )
        except UnknownOperation as error:
            return _answer({"errors": [{"message": str(error)}]}, 400 if media == GRAPHQL_RESPONSE else 200, media)
        except TimeoutError:
            if not scope.expired():
                raise
            return _timed_out(seconds, media)
        finally:
            CALL.reset(token)
        errors = result.errors or []
        if any(isinstance(e.original_error, RequestTimeout) for e in errors):
            return _timed_out(seconds, media)
        for e in errors:
            extensions = e.extensions or {}
            if extensions.get("code") == "TOO_MANY_EXPENSIVE":
                return _refuse(Refusal(e.message, "TOO_MANY_EXPENSIVE", int(extensions["retryAfter"])))
        # A request error (parse, validation, variables, limits: nothing executed) has no data entry.
        request_error = result.data is None and bool(errors) and all(e.path is None for e in errors)
        body: dict[str, Any] = {} if request_error else {"data": result.data}
        if errors:
            body["errors"] = [_format(e, settings.field_suggestions) for e in errors]
        return _answer(body, 400 if media == GRAPHQL_RESPONSE and request_error else 200, media)

    return endpoint


def _answer(body: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None) -> Response:
    # A lone surrogate (a client may send "\ud800" in its variables, and an error may quote it) is no
    # UTF-8: it is written as JSON's escape "\ud800", as the client sent it, and everything else as is.
    text = json.dumps(body, ensure_ascii=False, default=str)
    return Response(text.encode("utf-8", "backslashreplace"), status, headers=headers, media_type=media)


def _refuse(refusal: Refusal) -> Response:
    return JSONResponse({"errors": [refusal.error()]}, 429, headers={"Retry-After": str(refusal.retry_after)})


def _timed_out(seconds: float, media: str) -> Response:
    error = {"message": str(RequestTimeout(seconds)), "extensions": {"code": "TIMEOUT", "limitSeconds": seconds}}
    return _answer({"errors": [error]}, 504, media)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _negotiate(accept: str) -> str:
    if not accept.strip():
        return JSON
    media = {part.split(";")[0].strip() for part in accept.split(",")}
    if GRAPHQL_RESPONSE in media:
        return GRAPHQL_RESPONSE
    if media & {JSON, "application/*", "*/*"}:
        return JSON
    raise RequestError(406, f"cannot answer with {accept}; ask for {GRAPHQL_RESPONSE} or {JSON}")


async def _params(request: Request, limit: int) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name in params:
                params[name] = _json(params[name], name)
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type != JSON:
            raise RequestError(415, f"send the request as {JSON}, not '{content_type or 'nothing'}'")
        params = _json(await _body(request, limit), "the request body")
        if not isinstance(params, dict):
            raise RequestError(400, "the request body must be a JSON object with a 'query'")
    if not isinstance(params.get("query"), str) or not params["query"].strip():
        raise RequestError(400, "the request has no 'query' (a GraphQL document as a string)")
    if params.get("variables") is not None and not isinstance(params["variables"], dict):
        raise RequestError(400, "'variables' must be a JSON object")
    if params.get("operationName") is not None and not isinstance(params["operationName"], str):
        raise RequestError(400, "'operationName' must be a string")
    if params.get("extensions") is not None and not isinstance(params["extensions"], dict):
        raise RequestError(400, "'extensions' must be a JSON object")
    return params


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"the request body is over {limit} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise RequestError(413, f"the request body is over {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # a tab closed while it sent: an answer nobody reads, not a logged traceback
        raise RequestError(400, "the client went away while sending the request") from None
    return b"".join(chunks)


def _json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text, parse_constant=_not_json)
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, and _not_json's
        raise RequestError(400, f"{what} is not valid JSON: {error}") from None


def _not_json(constant: str) -> Any:
    """Python reads NaN, Infinity and -Infinity; JSON (RFC 8259) has no such numbers."""
    raise ValueError(f"{constant} is no JSON number")


def _refuse_mutation_over_get(request: Request, params: dict[str, Any], max_tokens: int) -> None:
    if request.method != "GET":
        return
    try:
        document = parsed(params["query"], max_tokens)
    except GraphQLError:
        return  # execution reports the syntax error
    name = params.get("operationName")
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        named = name is None or (definition.name is not None and definition.name.value == name)
        if named and definition.operation is not OperationType.QUERY:
            raise RequestError(405, "only queries may be sent with GET; send mutations with POST", {"Allow": "POST"})


def _format(error: GraphQLError, suggestions: bool = True) -> dict[str, Any]:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        formatted = dict(error.formatted)
        if not suggestions:
            formatted["message"] = SUGGESTION.sub("", str(formatted["message"]))
        return formatted
    if isinstance(original, GraphsvcError):
        formatted = dict(error.formatted)
        formatted["extensions"] = {"code": original.code, "field": original.field}
        return formatted
    log.error("unexpected error at %s", error.path, exc_info=original)
    return {"message": MASKED, "locations": error.formatted.get("locations"), "path": error.path}
