"""Entries → export lines: CSV (defused against formula injection), JSON Lines,
and the look-up indexes as JSON Lines."""

import csv
import io
import json

import orjson

from samverkan_audit_log.entries.repository import IndexRows
from samverkan_audit_log.entries.schemas import EntryItem

__all__ = ["CSV_COLUMNS", "csv_chunk", "csv_row", "index_json", "jsonl_chunk"]

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
    "tip_ids",
    "payload_sha256",
    "partner_reference",
    "catalogue_version",
    "leaf_hash",
)
# OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def index_json(rows: IndexRows) -> bytes:
    """One line per entry that has index rows: ``{"index", "legal_basis",
    "subjects", "tip_ids"}``, each array the rows of that index (maybe empty)."""
    names = IndexRows._fields
    grouped: dict[int, tuple[list[str], ...]] = {}
    for position, found in enumerate(rows):
        for index, value in found:
            grouped.setdefault(index, tuple([] for _ in names))[position].append(value)
    return b"".join(
        orjson.dumps({"index": index, **dict(zip(names, values, strict=True))}) + b"\n"
        for index, values in sorted(grouped.items())
    )


def jsonl_chunk(items: list[EntryItem]) -> str:
    return "".join(
        json.dumps(item.model_dump(), ensure_ascii=False, separators=(",", ":")) + "\n"
        for item in items
    )


def csv_chunk(items: list[EntryItem]) -> str:
    return "".join(csv_row(_csv_values(item)) for item in items)


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
        ";".join(entry.get("tip_ids") or []),
        entry.get("payload_sha256"),
        _defused(entry.get("partner_reference")),
        _defused(entry.get("catalogue_version")),
        item.leaf_hash,
    ]


def csv_row(values: tuple[object, ...] | list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        ["" if value is None else value for value in values]
    )
    return buffer.getvalue()


def _defused(value: object) -> str:
    """Free text only: hashes and codes are never rewritten (a base64 hash may start with +)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
