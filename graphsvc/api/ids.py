"""Opaque global IDs (Relay): ``base64url("Typename:key")``.

Clients treat them as opaque; the server decodes them to the type and the store key. An ID
that does not decode, or names another type than expected, is answered like a missing one.
"""

from __future__ import annotations

import base64
import binascii

from ..domain import NotFoundError


def encode(typename: str, key: str | int) -> str:
    """The global ID of ``key`` of ``typename``.

    >>> encode("Wijkpartner", "dock-utrecht")
    'V2lqa3BhcnRuZXI6ZG9jay11dHJlY2h0'
    """
    return base64.urlsafe_b64encode(f"{typename}:{key}".encode()).decode().rstrip("=")


def decode(global_id: str, field: str = "id") -> tuple[str, str]:
    """(typename, key) of a global ID; ``NotFoundError`` naming ``field`` if it is none.

    >>> decode("V2lqa3BhcnRuZXI6ZG9jay11dHJlY2h0")
    ('Wijkpartner', 'dock-utrecht')
    """
    try:
        text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        typename, key = text.split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotFoundError(f"'{global_id}' is not an ID this service gave out", field=field) from None
    if not typename.isalpha() or not key:
        raise NotFoundError(f"'{global_id}' is not an ID this service gave out", field=field)
    return typename, key


def decode_relation(global_id: str, field: str = "id") -> int:
    typename, key = decode(global_id, field)
    if typename != "Relation" or not key.isdigit():
        raise NotFoundError(f"no relation with id '{global_id}'", field=field)
    return int(key)
