"""API tokens and the audit log as values: how a token looks, is checked and is kept. No I/O.

A token is ``gsvc_`` + 27 base62 characters of random (160 bits) + 6 base62 characters of the
CRC-32 of those: a secret scanner (GitHub's, or a grep) can tell a real token from a random
string without asking the server, and a mistyped token is refused without a look-up. The
server keeps only a digest (``sha256$v1$<hex>``) and a display prefix (``gsvc_`` + the first 8
random characters) that names the token in lists, in the audit log and for revocation.

Why a fast hash and not bcrypt or argon2: those slow down guessing a *low-entropy* secret (a
password). A token carries 160 random bits; nobody can enumerate 2**160 preimages however fast
SHA-256 is, so a slow hash would only add ~100 ms to every request and protect nothing. The
scheme is versioned (``sha256$v1$``) so that a later one (say, an HMAC with a server-side key)
can be read beside it.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

TOKEN_PREFIX = "gsvc_"
RANDOM_CHARS = 27  # 62**27 > 2**160
CHECK_CHARS = 6  # 62**6 > 2**32
DISPLAY_CHARS = 8
TOKEN_LENGTH = len(TOKEN_PREFIX) + RANDOM_CHARS + CHECK_CHARS
SCHEME = "sha256$v1$"
ROLES = ("PUBLIC", "BROKER", "EDITOR", "ADMIN")
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits)).rjust(width, "0")


def checksum(body: str) -> str:
    return base62(zlib.crc32(body.encode("ascii")), CHECK_CHARS)


def new_secret() -> str:
    """A fresh token: ``gsvc_`` + 160 random bits in base62 + the CRC-32 of those, in base62."""
    body = base62(secrets.randbits(160), RANDOM_CHARS)
    return f"{TOKEN_PREFIX}{body}{checksum(body)}"


def well_formed(secret: str) -> bool:
    """Whether ``secret`` has the shape of a token and a checksum that fits (no look-up needed)."""
    if len(secret) != TOKEN_LENGTH or not secret.startswith(TOKEN_PREFIX):
        return False
    body, check = secret[len(TOKEN_PREFIX) : -CHECK_CHARS], secret[-CHECK_CHARS:]
    return all(c in BASE62 for c in body) and secrets.compare_digest(checksum(body), check)


def digest(secret: str) -> str:
    """How the store keeps a token: under a versioned scheme (see the module's note on speed)."""
    return SCHEME + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[: len(TOKEN_PREFIX) + DISPLAY_CHARS]


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token as the store keeps it: never the secret, only its digest and what it grants."""

    prefix: str  # gsvc_ + 8 characters: shown in lists and the audit log
    digest: str
    role: str  # one of ROLES
    municipalities: tuple[str, ...] | None  # CBS GM codes; None: every municipality
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    note: str | None = None  # what it is for (no personal data)

    def state(self, now: datetime) -> str:
        """ACTIVE, EXPIRED or REVOKED."""
        if self.revoked_at is not None:
            return "REVOKED"
        if self.expires_at is not None and self.expires_at <= now:
            return "EXPIRED"
        return "ACTIVE"

    def record(self) -> dict:
        return {
            "prefix": self.prefix,
            "digest": self.digest,
            "role": self.role,
            "municipalities": None if self.municipalities is None else list(self.municipalities),
            "createdAt": self.created_at.isoformat(),
            "expiresAt": _iso(self.expires_at),
            "revokedAt": _iso(self.revoked_at),
            "lastUsedAt": _iso(self.last_used_at),
            "note": self.note,
        }

    @classmethod
    def from_record(cls, row: dict) -> ApiToken:
        scope = row.get("municipalities")
        return cls(
            prefix=row["prefix"],
            digest=row["digest"],
            role=row["role"],
            municipalities=None if scope is None else tuple(scope),
            created_at=datetime.fromisoformat(row["createdAt"]),
            expires_at=_time(row.get("expiresAt")),
            revoked_at=_time(row.get("revokedAt")),
            last_used_at=_time(row.get("lastUsedAt")),
            note=row.get("note"),
        )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m`` or ``2w`` as a timedelta (ValueError otherwise)."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    text = text.strip()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) <= 0:
        raise ValueError(f"expected a duration like 90d, 12h, 30m or 2w, got {text!r}")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


READ = "read:"  # how the action of a read that named residents begins (``read:connectionPaths``)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One act in the audit log: who (a token's display prefix, 'public' or 'cli'), when, what,
    and on whom (pseudonymous ids only: store keys, never names or contact details)."""

    at: datetime
    who: str
    action: str  # a root field (createStakeholder, read:connectionPaths, ...) or a command
    subjects: tuple[str, ...] = ()
    detail: str | None = None  # field names, counts, verdicts: never values of personal data
    seq: int = 0  # given by the store, rising

    def record(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "who": self.who,
            "action": self.action,
            "subjects": list(self.subjects),
            "detail": self.detail,
        }

    @classmethod
    def from_record(cls, row: dict, seq: int) -> AuditEntry:
        return cls(
            at=datetime.fromisoformat(row["at"]),
            who=row["who"],
            action=row["action"],
            subjects=tuple(row.get("subjects") or ()),
            detail=row.get("detail"),
            seq=seq,
        )


ERASED = "erased-"  # an erased resident's id in the audit log becomes ERASED + a random label


def erased_label() -> str:
    return ERASED + secrets.token_hex(6)
