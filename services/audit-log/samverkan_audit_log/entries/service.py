"""Reading the log: one entry, filtered pages, subject look-ups."""

import base64
import binascii
import itertools
import json
from datetime import UTC, datetime

from sqlmodel import Session

from samverkan_audit_log.entries.presenter import entry_item, item_json
from samverkan_audit_log.entries.repository import EntryFilter, EntryRepository
from samverkan_audit_log.entries.schemas import EntryItem, EntryPage
from samverkan_shared.cursors import Order
from samverkan_shared.identifiers import InvalidIdentifier
from samverkan_shared.problems import NotFound, UnprocessableContent
from samverkan_shared.pseudonyms import pseudonymise

__all__ = [
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "decode_cursor",
    "encode_cursor",
    "get_entry",
    "list_entries",
    "lookup_subject",
    "page_json",
    "utc_filter",
]

PAGE_SIZE = 100
MAX_PAGE_SIZE = 10_000
# The direction is part of the cursor: one handed out oldest first is refused newest
# first, and the other way round.
_CURSOR_PREFIXES = {Order.ASC: "after:", Order.DESC: "before:"}


def encode_cursor(index: int, order: Order = Order.ASC) -> str:
    """An opaque cursor: the last index seen (pages are ordered by index)."""
    text = f"{_CURSOR_PREFIXES[order]}{index}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str | None, order: Order = Order.ASC) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    prefix = _CURSOR_PREFIXES[order]
    number = text.removeprefix(prefix)
    valid = text.startswith(prefix) and number.isdigit() and len(number) < 19
    if not valid:
        raise UnprocessableContent(
            "cursor: is not a cursor this service issued for this order; pass "
            "next_cursor unchanged, with the same order.",
            errors=[{"parameter": "cursor", "in": "query", "detail": "invalid cursor"}],
        )
    return int(number)


def utc_filter(
    *,
    recipient: str | None = None,
    legal_basis: str | None = None,
    subject: str | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
    tip_id: str | None = None,
) -> EntryFilter:
    """A filter whose instants are UTC, as they are stored (SQLite drops offsets)."""
    return EntryFilter(
        recipient=recipient,
        legal_basis=legal_basis,
        subject=subject,
        tip_id=tip_id,
        occurred_from=occurred_from.astimezone(UTC) if occurred_from else None,
        occurred_to=occurred_to.astimezone(UTC) if occurred_to else None,
    )


def get_entry(session: Session, index: int) -> EntryItem:
    record = EntryRepository(session).get(index)
    if record is None:
        raise NotFound(f"The log has no entry with index {index}.")
    return entry_item(record)


def list_entries(
    session: Session,
    where: EntryFilter,
    cursor: str | None,
    limit: int = PAGE_SIZE,
    order: Order = Order.ASC,
) -> EntryPage:
    """One page of matching entries by index (oldest first unless ``order`` is
    ``desc``); next_cursor is null on the last page."""
    after = decode_cursor(cursor, order)
    records = EntryRepository(session).page(
        where, after=after, limit=limit + 1, descending=order is Order.DESC
    )
    more = len(records) > limit
    records = records[:limit]
    next_cursor = encode_cursor(records[-1].entry_index, order) if more else None
    return EntryPage(
        items=[entry_item(record) for record in records], next_cursor=next_cursor
    )


def page_json(
    session: Session,
    where: EntryFilter,
    cursor: str | None,
    limit: int = PAGE_SIZE,
    order: Order = Order.ASC,
) -> bytes:
    """``list_entries`` as the JSON body itself, built once from raw columns.

    The wire form is the same ``EntryPage``; only the work differs: no ORM object
    and no pydantic model per row, and bytes throughout (no text decoded and
    encoded again). The ``entry`` of each item is the stored leaf text itself, once
    it is known to be one strict JSON object (so a page is valid JSON whatever the
    database holds), i.e. exactly the object ``entry_item`` would parse back from
    the same bytes.
    """
    after = decode_cursor(cursor, order)
    rows = EntryRepository(session).page_leaves(
        where, after=after, limit=limit + 1, descending=order is Order.DESC
    )
    # One join of every piece: a page of 10,000 entries is ~17 MB, and each extra
    # copy of it (a second join, or %-formatting, five times slower) shows.
    parts = [b'{"items":[']
    add = parts.append
    last: int | None = None
    for index, leaf, hashed in itertools.islice(rows, limit):
        add(item_json(index, leaf, hashed))
        add(b",")
        last = index
    more = next(rows, None) is not None
    rows.close()
    next_cursor = (
        json.dumps(encode_cursor(last, order)) if more and last is not None else "null"
    )
    closing = b'],"next_cursor":%b}' % next_cursor.encode("ascii")
    if last is not None:
        parts[-1] = closing  # in place of the last item's comma
    else:
        parts.append(closing)
    return b"".join(parts)


def lookup_subject(
    session: Session, identifier: str, key: bytes, cursor: str | None
) -> bytes:
    """Every disclosure naming this person or organisation (GDPR art. 15.1 c).

    The identifier is turned into the keyed pseudonym the sharing service wrote; it
    is neither stored nor echoed (the error names the field, not the value).
    """
    try:
        subject = pseudonymise(identifier, key)
    except InvalidIdentifier as error:
        raise UnprocessableContent(
            f"identifier: {error}",
            errors=[{"pointer": "#/identifier", "detail": str(error)}],
        ) from None
    return page_json(session, EntryFilter(subject=subject), cursor)
