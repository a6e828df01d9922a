"""Who a client is, how many requests it may send (the ``limits`` library), and how many expensive
operations it may have running at once.

A client is its bearer token (``Authorization: Bearer <token>``, hashed: the token itself is never
kept) when it sends one, else its address. Requests are counted in a moving window per client, in
this process's memory (``memory://``) or in Redis (``redis://host:port``) so that several workers
share one count. A client over a limit gets 429 with ``Retry-After``; the others are not affected.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request

from ..domain import ValidationError

log = logging.getLogger("graphsvc.api")
NAMESPACE = "graphsvc"


def client_of(request: Request) -> str:
    """``token:<sha256 prefix>`` for a bearer token, else ``address:<client address>``."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + (request.client.host if request.client else "unknown")


@dataclass(frozen=True)
class Refusal:
    """Why a client must wait, and for how many seconds."""

    message: str
    code: str
    retry_after: int

    def error(self) -> dict:
        extensions = {"code": self.code, "retryAfter": self.retry_after}
        return {"message": self.message, "extensions": extensions}


class RateLimiter:
    """The limits of ``GRAPHSVC_RATE_LIMIT`` (e.g. ``10/second;300/minute``) counted in ``storage``."""

    def __init__(self, spec: str, storage: str, setting: str = "GRAPHSVC_RATE_LIMIT", namespace: str = NAMESPACE):
        """``setting`` names where ``spec`` came from (in messages); a ``namespace`` of its own gives a
        separate budget (self-registrations are counted apart from the requests of the same client)."""
        try:
            self.items: list[RateLimitItem] = parse_many(spec) if spec.strip() else []
        except ValueError as error:
            raise ValidationError(
                f"{spec!r} is not a rate limit such as '10/second;300/minute'", field=setting
            ) from error
        self.spec = spec
        self.setting = setting
        self.namespace = namespace
        uri = storage if storage.startswith("async+") else f"async+{storage}"
        options = {"implementation": "redispy"} if uri.startswith("async+redis") else {}
        try:
            self.strategy = MovingWindowRateLimiter(storage_from_string(uri, **options))
        except Exception as error:
            raise ValidationError(
                f"cannot count rate limits in {storage!r}: {error}", field="GRAPHSVC_RATE_LIMIT_STORAGE"
            ) from error
        self.failing = False

    async def check(self, client: str) -> Refusal | None:
        """Count a request of ``client``; a refusal when it is over one of the limits."""
        for item in self.items:
            try:
                allowed = await self.strategy.hit(item, self.namespace, client)
                if allowed:
                    continue
                stats = await self.strategy.get_window_stats(item, self.namespace, client)
            except Exception as error:  # the shared store is down: serve rather than refuse everyone
                if not self.failing:
                    log.warning("rate limits not counted: %s: %s", type(error).__name__, error)
                self.failing = True
                return None
            self.failing = False
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            message = f"rate limit reached: at most {item} per client ({self.setting}={self.spec}); retry in {wait} s"
            return Refusal(message, "RATE_LIMITED", wait)
        return None


class Slots:
    """At most ``most`` expensive operations running per client (in this process)."""

    def __init__(self, most: int):
        self.most = most
        self.busy: dict[str, int] = {}

    def take(self, client: str) -> Refusal | None:
        running = self.busy.get(client, 0)
        if running >= self.most:
            message = (
                f"too many expensive operations at once: at most {self.most} per client "
                f"(GRAPHSVC_MAX_EXPENSIVE); retry when one has finished"
            )
            return Refusal(message, "TOO_MANY_EXPENSIVE", 1)
        self.busy[client] = running + 1
        return None

    def give(self, client: str) -> None:
        left = self.busy.get(client, 0) - 1
        if left > 0:
            self.busy[client] = left
        else:
            self.busy.pop(client, None)
