"""Self-registration as values: a sign-up waiting for an editor, its withdrawal code and consent. No I/O.

A ``Registration`` is what someone sent through the public form: the stakeholder it would become (a
record in the import format, not yet a node) with the consent they gave. It is kept apart from the
graph until an editor approves it, and then only the little that withdrawal needs stays: the digest of
the withdrawal code, the consent (version and time: the legal ground) and the key of the stakeholder
it became. The withdrawal code is a secret like an API token (``trust``): shown once, kept as a digest.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from .areas import containers
from .records import fold
from .trust import BASE62, base62, checksum, digest

PENDING, APPROVED = "PENDING", "APPROVED"
# The consent text the form shows, by version: words.CONSENT holds it in Dutch and English. A new
# text gets a new version; a registration keeps the version its registrant agreed to.
CONSENT_VERSION = "2026-12-v1"
CODE_PREFIX = "gsvw_"  # "w" for withdrawal: a secret scanner can tell it from an API token (gsvc_)
RANDOM_CHARS, CHECK_CHARS = 27, 6  # 160 random bits and a CRC-32, as API tokens
KEY_PREFIX = "reg-"


def new_code() -> str:
    """A fresh withdrawal code: ``gsvw_`` + 160 random bits in base62 + the CRC-32 of those."""
    body = base62(secrets.randbits(160), RANDOM_CHARS)
    return f"{CODE_PREFIX}{body}{checksum(body)}"


def well_formed_code(code: str) -> bool:
    """Whether ``code`` has the shape of a withdrawal code with a checksum that fits (no look-up)."""
    if len(code) != len(CODE_PREFIX) + RANDOM_CHARS + CHECK_CHARS or not code.startswith(CODE_PREFIX):
        return False
    body, check = code[len(CODE_PREFIX) : -CHECK_CHARS], code[-CHECK_CHARS:]
    return all(c in BASE62 for c in body) and secrets.compare_digest(checksum(body), check)


def code_digest(code: str) -> str:
    """How the store keeps a withdrawal code (the API tokens' scheme: 160 random bits need no slow hash)."""
    return digest(code)


def new_key() -> str:
    """A registration's key: random, so that it names no one (it appears in the audit log)."""
    return KEY_PREFIX + secrets.token_hex(8)


def fingerprint(record: dict) -> str:
    """What makes two submissions identical: every field, the name folded (case, accents, spaces) and
    lists as sets. Kept as a digest, so that comparing needs no second copy of the data."""
    same = {
        key: sorted(value) if isinstance(value, list | tuple) else value
        for key, value in record.items()
        if value not in (None, [], ())
    }
    same["name"] = " ".join(fold(str(record.get("name") or "")).split())
    return hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()


def municipalities_of(areas: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The CBS GM codes the areas lie in: whose editors moderate the registration."""
    return tuple(sorted({c for code in areas for c in containers(code) if c.startswith("GM")}))


@dataclass(frozen=True, slots=True)
class Registration:
    """A sign-up as the store keeps it. ``record`` is the stakeholder to be (import format, no id) and
    ``contact`` how to reach the registrant; both are emptied when it is approved."""

    id: str
    code: str  # the digest of the withdrawal code, never the code
    kind: str  # INITIATIVE, ORGANISATION or RESIDENT
    record: dict = field(default_factory=dict)
    contact: str | None = None
    fingerprint: str = ""
    consent_version: str = CONSENT_VERSION
    consented_at: datetime | None = None
    created_at: datetime | None = None
    state: str = PENDING
    stakeholder: str | None = None  # the key of the stakeholder it became, once approved

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(self.record.get("areas") or ())

    @property
    def name(self) -> str:
        return str(self.record.get("name") or "")

    def approved(self, stakeholder: str) -> Registration:
        """What stays after approval: no name, record or contact; the code, the consent and the key."""
        return replace(self, record={}, contact=None, fingerprint="", state=APPROVED, stakeholder=stakeholder)

    def to_record(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "kind": self.kind,
            "record": self.record,
            "contact": self.contact,
            "fingerprint": self.fingerprint,
            "consentVersion": self.consent_version,
            "consentedAt": _iso(self.consented_at),
            "createdAt": _iso(self.created_at),
            "state": self.state,
            "stakeholder": self.stakeholder,
        }

    @classmethod
    def from_record(cls, row: dict) -> Registration:
        return cls(
            id=row["id"],
            code=row["code"],
            kind=row["kind"],
            record=dict(row.get("record") or {}),
            contact=row.get("contact"),
            fingerprint=row.get("fingerprint") or "",
            consent_version=row.get("consentVersion") or CONSENT_VERSION,
            consented_at=_time(row.get("consentedAt")),
            created_at=_time(row.get("createdAt")),
            state=row.get("state") or PENDING,
            stakeholder=row.get("stakeholder"),
        )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)
