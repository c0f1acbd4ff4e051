"""Opaque keyset cursors: the last row's sort key, base64url-encoded JSON.

A keyset cursor says "continue after this key", so rows inserted between two page
requests neither shift nor repeat what the client has seen. The encoding is opaque to
clients on purpose: they pass it back unchanged and we may change what it holds.
"""

import base64
import binascii
import json
from collections.abc import Sequence

__all__ = ["InvalidCursor", "decode_cursor", "encode_cursor"]

_VERSION = 1


class InvalidCursor(ValueError):
    """The cursor was not made by us, or for another list."""


def encode_cursor(kind: str, key: Sequence[str]) -> str:
    document = json.dumps([_VERSION, kind, *key], separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode("utf-8")).rstrip(b"=").decode()


def decode_cursor(kind: str, cursor: str, parts: int) -> list[str]:
    """The key inside a cursor made by `encode_cursor` for the same list kind."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InvalidCursor("the cursor is not one this service handed out") from None
    if (
        not isinstance(document, list)
        or document[:2] != [_VERSION, kind]
        or len(document) != parts + 2
        or not all(isinstance(part, str) for part in document[2:])
    ):
        raise InvalidCursor("the cursor belongs to another list or version")
    return [str(part) for part in document[2:]]
