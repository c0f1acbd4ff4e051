"""Opaque keyset cursors: the last row's sort key, base64url-encoded JSON.

A keyset cursor says "continue after this key", so rows inserted between two page
requests neither shift nor repeat what the client has seen. The encoding is opaque to
clients on purpose: they pass it back unchanged and we may change what it holds.
A list read in both directions (``Order``) names the direction in the cursor's kind
(``cursor_kind``), so a cursor of one order is refused by the other.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum

from samverkan_shared.problems import UnprocessableContent

__all__ = [
    "InvalidCursor",
    "Order",
    "cursor_kind",
    "decode_cursor",
    "decode_timestamp",
    "encode_cursor",
    "invalid_cursor",
]

_VERSION = 1


class InvalidCursor(ValueError):
    """The cursor was not made by us, or for another list."""


class Order(StrEnum):
    """The direction a list is read in by its sort key: ``asc`` oldest first."""

    ASC = "asc"
    DESC = "desc"


def cursor_kind(kind: str, order: Order) -> str:
    """The kind of a list's cursors in this order (ascending keeps the bare kind,
    so cursors handed out before lists had an order stay valid)."""
    return kind if order is Order.ASC else f"{kind}/desc"


def invalid_cursor(error: ValueError) -> UnprocessableContent:
    """The 422 for a cursor this service did not hand out (or for another order)."""
    return UnprocessableContent(
        "The cursor is invalid: pass back next_cursor unchanged, with the same order.",
        errors=[{"parameter": "cursor", "in": "query", "detail": str(error)}],
    )


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
    # Keys are printable: a control character (PostgreSQL refuses NUL) is not ours.
    if not all(part.isprintable() for part in document[2:]):
        raise InvalidCursor("the cursor is not one this service handed out")
    return [str(part) for part in document[2:]]


def decode_timestamp(text: str) -> datetime:
    """A cursor's timestamp as an aware UTC datetime, as `encode_cursor` got it.

    We hand out UTC with an offset; a timestamp without one (or a date alone) is not
    ours, and neither is one that leaves the representable range when put into UTC.
    """
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCursor("the cursor's timestamp is not ISO 8601") from None
    if at.utcoffset() is None:
        raise InvalidCursor("the cursor's timestamp has no UTC offset")
    try:
        return at.astimezone(UTC)
    except OverflowError:
        raise InvalidCursor("the cursor's timestamp is out of range") from None
