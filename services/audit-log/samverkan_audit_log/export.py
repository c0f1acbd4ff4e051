"""Streaming CSV and JSON Lines exports of the log, page by page from the database.

An export is a snapshot: it covers the entries below the tree size read when it
started, however long the download takes, and holds no transaction open between
chunks.
"""

import csv
import io
import json
from collections.abc import Iterator
from enum import StrEnum

import orjson
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_audit_log.entries.models import EntryRecord
from samverkan_audit_log.entries.repository import EntryFilter, EntryRepository
from samverkan_audit_log.listing import entry_item
from samverkan_audit_log.schemas import EntryItem
from samverkan_audit_log.tree.repository import TreeRepository

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_CHUNK",
    "ExportFormat",
    "export_lines",
    "index_lines",
]

EXPORT_CHUNK = 500
INDEX_CHUNK = 2000
CSV_COLUMNS = (
    "index",
    "event",
    "decision_id",
    "occurred_at",
    "actor",
    "recipient_code",
    "recipient_org_number",
    "recipient_name",
    "legal_basis",
    "data_categories",
    "subjects",
    "payload_sha256",
    "partner_reference",
    "catalogue_version",
    "leaf_hash",
)
# OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/jsonl; charset=utf-8"


def export_lines(
    engine: Engine,
    export_format: ExportFormat,
    where: EntryFilter,
    *,
    chunk: int = EXPORT_CHUNK,
) -> Iterator[str]:
    """The export as text chunks, each from one short database read of ``chunk`` rows."""
    render = _csv_chunk if export_format is ExportFormat.CSV else _jsonl_chunk
    if export_format is ExportFormat.CSV:
        yield _csv_row(CSV_COLUMNS)
    for records in _pages(engine, where, chunk):
        yield render([entry_item(record) for record in records])


def _pages(
    engine: Engine, where: EntryFilter, chunk: int
) -> Iterator[list[EntryRecord]]:
    with Session(engine) as session:
        below = TreeRepository(session).tree_size()
    after: int | None = None
    while True:
        with Session(engine) as session:
            records = EntryRepository(session).page(
                where, after=after, limit=chunk, below=below
            )
        if not records:
            return
        yield records
        after = records[-1].entry_index


def index_lines(
    engine: Engine, below: int | None, *, chunk: int = INDEX_CHUNK
) -> Iterator[bytes]:
    """The look-up indexes as JSON Lines: per entry that has index rows,
    ``{"index", "legal_basis", "subjects"}``, in index order.

    What ``legal_basis=`` filters and subject look-ups read, served so that the
    verifier can rebuild it from the leaves and compare (issue #16). A snapshot
    of the entries below the tree size read at the start (or ``below``), read in
    index ranges of ``chunk`` entries, one short database read each.
    """
    with Session(engine) as session:
        end = TreeRepository(session).tree_size()
    if below is not None:
        end = min(end, below)
    for start in range(0, end, chunk):
        with Session(engine) as session:
            bases, subjects = EntryRepository(session).indexed(
                start, min(start + chunk, end)
            )
        lines = _index_json(bases, subjects)
        if lines:
            yield lines


def _index_json(bases: list[tuple[int, str]], subjects: list[tuple[int, str]]) -> bytes:
    grouped: dict[int, tuple[list[str], list[str]]] = {}
    for position, rows in enumerate((bases, subjects)):
        for index, value in rows:
            grouped.setdefault(index, ([], []))[position].append(value)
    return b"".join(
        orjson.dumps({"index": index, "legal_basis": found[0], "subjects": found[1]})
        + b"\n"
        for index, found in sorted(grouped.items())
    )


def _jsonl_chunk(items: list[EntryItem]) -> str:
    return "".join(
        json.dumps(item.model_dump(), ensure_ascii=False, separators=(",", ":")) + "\n"
        for item in items
    )


def _csv_chunk(items: list[EntryItem]) -> str:
    return "".join(_csv_row(_csv_values(item)) for item in items)


def _csv_values(item: EntryItem) -> list[object]:
    entry = item.entry
    recipient = entry.get("recipient") or {}
    return [
        item.index,
        entry.get("event"),
        entry.get("decision_id"),
        entry.get("occurred_at"),
        _defused(entry.get("actor")),
        recipient.get("code"),
        recipient.get("org_number"),
        _defused(recipient.get("name")),
        _defused(";".join(entry.get("legal_basis", []))),
        ";".join(entry.get("data_categories", [])),
        ";".join(entry.get("subjects", [])),
        entry.get("payload_sha256"),
        _defused(entry.get("partner_reference")),
        _defused(entry.get("catalogue_version")),
        item.leaf_hash,
    ]


def _csv_row(values: tuple[object, ...] | list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        ["" if value is None else value for value in values]
    )
    return buffer.getvalue()


def _defused(value: object) -> str:
    """Free text only: hashes and codes are never rewritten (a base64 hash may start with +)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
