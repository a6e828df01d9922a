"""Who is asking, and what they did: API tokens become ``Viewer``s, and acts go to the audit log.

``Trust`` belongs to an ``Engine`` (``engine.trust``). ``Tokens`` turns the secret a client sends
into the viewer the token grants, or says plainly why not (unknown, expired, revoked); it keeps
what it looked up for ``ttl`` seconds, so a request costs a dict look-up, not a store read, and a
revocation made by another process (``graphsvc token revoke``) takes effect within ``ttl``.
``Audit`` collects audit entries and writes them in batches from a worker thread: a read that
returned resident data adds no disk write to its own answer; a write's entry is flushed with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain import GraphsvcError, ValidationError
from ..domain.model import utcnow
from ..domain.trust import ApiToken, AuditEntry, digest, display_prefix, new_secret, well_formed
from ..store import Store
from .view import PUBLIC, Role, Viewer

log = logging.getLogger("graphsvc.trust")
TOKEN_TTL = 1.0  # seconds a looked-up token is trusted before the store is asked again
KEPT_FRESH = 600.0  # seconds since its last use that a token is looked up again in the background (``refresh``)
TOUCH_EVERY = timedelta(minutes=1)  # last use is kept to the minute
CACHE_MAX = 10_000  # looked-up digests kept (unknown ones too); emptied when full


class UnauthorizedError(GraphsvcError):
    """The request carried a token that grants nothing: answered with 401."""

    code = "UNAUTHENTICATED"
    status = 401

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason  # UNKNOWN, EXPIRED or REVOKED (the last two only for a well-formed token)


class TokenCheckUnavailable(UnauthorizedError):
    """The token could not be checked (the store is down and never answered for it): 503, not 401."""

    status = 503


def viewer_of(token: ApiToken) -> Viewer:
    scope = None if token.municipalities is None else frozenset(token.municipalities)
    return Viewer(Role(token.role), scope, token.prefix)


def issue_token(
    store: Store,
    role: Role,
    municipalities: Iterable[str] | None = None,
    expires_in: timedelta | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[str, ApiToken]:
    """Make a token and keep its digest; returns the secret (shown once, never stored) and the record."""
    scope = None if municipalities is None else tuple(sorted(set(municipalities)))
    for code in scope or ():
        if not (len(code) == 6 and code.startswith("GM") and code[2:].isdigit()):
            raise ValidationError(f"'{code}' is not a municipality code (GM and four digits)", field="municipalities")
    if scope == ():
        raise ValidationError("name at least one municipality, or none for all", field="municipalities")
    now = now or utcnow()
    secret = new_secret()
    token = ApiToken(
        display_prefix(secret),
        digest(secret),
        role.value,
        scope,
        now,
        None if expires_in is None else now + expires_in,
        note=note,
    )
    store.save_token(token)
    return secret, token


class Tokens:
    """From ``Authorization`` header to ``Viewer``, with the tokens looked up kept for ``ttl`` seconds."""

    def __init__(self, store: Store, ttl: float = TOKEN_TTL):
        self.store = store
        self.ttl = ttl
        self._found: dict[str, tuple[ApiToken | None, float]] = {}  # by digest: the token, when looked up
        self._active: dict[str, float] = {}  # by digest: when a known token was last used (monotonic)
        self._used: dict[str, datetime] = {}
        self._forgotten = 0  # how often ``forget`` emptied the cache
        self._lock = threading.Lock()

    @staticmethod
    def secret_of(authorization: str | None) -> str | None:
        """The token in an ``Authorization: Bearer`` header; None without a header (the public)."""
        if authorization is None or not authorization.strip():
            return None
        scheme, _, secret = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise UnauthorizedError("send the API token as 'Authorization: Bearer gsvc_...'", "UNKNOWN")
        return secret.strip()

    def cached(self, secret: str) -> tuple[bool, ApiToken | None]:
        """(known here, token): a look-up younger than ``ttl`` (a malformed secret needs none)."""
        key, now = digest(secret), time.monotonic()
        found = self._found.get(key)
        if found is not None and now - found[1] < self.ttl:
            if found[0] is not None:
                self._active[key] = now
            return True, found[0]
        if not well_formed(secret):
            return True, None
        return False, None

    def load(self, secret: str) -> ApiToken | None:
        """Ask the store for the token (in a worker thread: the store may be a server away). While the
        store cannot be reached, a token looked up before is trusted as it was (reads go on from the
        projection); one never looked up cannot be checked: ``TokenCheckUnavailable``."""
        key = digest(secret)
        try:
            token = self.store.find_tokens([key]).get(key)
        except Exception as error:
            known = self._found.get(key)
            if known is not None:
                log.warning("could not check a token with the store (%s): using the last answer", type(error).__name__)
                return known[0]
            raise TokenCheckUnavailable(
                "the store cannot be reached to check the API token; try again shortly", "UNAVAILABLE"
            ) from error
        now = time.monotonic()
        with self._lock:
            if len(self._found) >= CACHE_MAX:
                self._found.clear()
            self._found[key] = (token, now)
            if token is not None:
                self._active[key] = now
        return token

    def refresh(self) -> None:
        """Look up again, in one question to the store, every token used in the last ``KEPT_FRESH``
        seconds. The API does it in the background every half ``ttl``: a client's requests then find
        its token fresh and need no look-up of their own (each one a round trip through a worker
        thread), and a token revoked in another process is still refused within ``ttl``."""
        now = time.monotonic()
        with self._lock:
            self._active = {key: used for key, used in self._active.items() if now - used < KEPT_FRESH}
            keys, forgotten = list(self._active), self._forgotten
        if not keys:
            return
        found = self.store.find_tokens(keys)
        with self._lock:
            if self._forgotten != forgotten:  # a revocation here came in between: its answer may be older
                return
            for key in keys:
                self._found[key] = (found.get(key), now)

    def forget(self, prefix: str | None = None) -> None:
        """Drop what was looked up (a token revoked here takes effect at once)."""
        with self._lock:
            self._found.clear()
            self._forgotten += 1

    def keep_fresh(self, stop: threading.Event) -> None:
        """``refresh`` every half ``ttl`` until ``stop`` is set. The API runs it in a thread of its own,
        so that a busy event loop cannot delay it past ``ttl``; a failing store is logged, and the
        tokens are then looked up by the requests again (``load``)."""
        while not stop.wait(self.ttl / 2):
            try:
                self.refresh()
            except Exception as error:
                log.warning("could not check the API tokens in use again: %s", type(error).__name__)

    def viewer(self, secret: str | None, token: ApiToken | None, now: datetime | None = None) -> Viewer:
        """The viewer a looked-up token grants, or ``UnauthorizedError`` saying why it grants nothing."""
        if secret is None:
            return PUBLIC
        if token is None:
            raise UnauthorizedError("this API token is not known here: ask an administrator for one", "UNKNOWN")
        now = now or utcnow()
        state = token.state(now)
        if state == "REVOKED":
            raise UnauthorizedError("this API token was revoked: ask an administrator for a new one", "REVOKED")
        if state == "EXPIRED":
            when = token.expires_at.date().isoformat() if token.expires_at else ""
            raise UnauthorizedError(f"this API token expired on {when}: ask an administrator for a new one", "EXPIRED")
        last = self._used.get(token.digest) or token.last_used_at
        if last is None or now - last >= TOUCH_EVERY:
            with self._lock:
                self._used[token.digest] = now
        return viewer_of(token)

    def take_used(self) -> dict[str, datetime]:
        with self._lock:
            used, self._used = self._used, {}
        return used


class Audit:
    """The audit log's buffer: entries are appended to the store in batches by ``flush``.

    Acts (writes, exports, rights) are entries of their own. Reads that returned resident data are
    rolled up until the next flush: one entry per caller and root fields, at the time of the first,
    naming every resident those reads returned and, past one, how many reads it stands for. Under
    load a flush then writes a few entries, not one per request (which held the interpreter for
    milliseconds at a time, the requests waiting)."""

    def __init__(self, store: Store, tokens: Tokens):
        self.store = store
        self.tokens = tokens
        self._pending: list[AuditEntry | tuple[str, str]] = []  # entries, and rolled-up reads by key
        self._reads: dict[tuple[str, str], _Reads] = {}
        self._lock = threading.Lock()
        self._flushing = threading.Lock()

    def record(self, who: str, action: str, subjects: Iterable[str] = (), detail: str | None = None) -> None:
        entry = AuditEntry(utcnow(), who or "public", action, tuple(sorted(set(subjects))), detail)
        with self._lock:
            self._pending.append(entry)

    def record_read(self, who: str, action: str, subjects: Iterable[str]) -> None:
        """A read that returned these residents (rolled up with the same caller's same reads)."""
        key = (who or "public", action)
        with self._lock:
            rolled = self._reads.get(key)
            if rolled is None:
                rolled = self._reads[key] = _Reads(utcnow())
                self._pending.append(key)  # written where the first of them came
            rolled.subjects.update(subjects)
            rolled.count += 1

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def flush(self) -> None:
        """Write what is pending (and when tokens were last used); on failure, keep it for the next try."""
        with self._flushing:
            with self._lock:
                pending, reads, self._pending, self._reads = self._pending, self._reads, [], {}
            taken = [entry if isinstance(entry, AuditEntry) else reads[entry].entry(*entry) for entry in pending]
            try:
                self.store.append_audit(taken)
            except Exception:
                with self._lock:
                    self._pending[:0] = taken
                raise
            used = self.tokens.take_used()
            if used:
                try:
                    self.store.touch_tokens(used)
                except Exception as error:  # last use is a convenience: never fail a request for it
                    log.warning("could not note the tokens' last use: %s", type(error).__name__)


@dataclass
class _Reads:
    """One caller's reads of the same root fields since the last flush."""

    at: datetime  # of the first
    subjects: set[str] = field(default_factory=set)
    count: int = 0

    def entry(self, who: str, action: str) -> AuditEntry:
        return AuditEntry(
            self.at, who, action, tuple(sorted(self.subjects)), f"{self.count} reads" if self.count > 1 else None
        )


class Trust:
    def __init__(self, store: Store):
        self.tokens = Tokens(store)
        self.audit = Audit(store, self.tokens)


DEMO_ROLES = ((Role.BROKER, ("GM0344",)), (Role.EDITOR, ("GM0344",)), (Role.ADMIN, None))


def demo_tokens(store: Store) -> dict[Role, str]:
    """A broker and an editor token for Utrecht (GM0344) and an admin token, for trying every role
    on the demo city (90 days; the secrets are shown once, when made)."""
    return {role: issue_token(store, role, scope, timedelta(days=90), note="demo")[0] for role, scope in DEMO_ROLES}
