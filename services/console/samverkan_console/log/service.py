"""The log pages' views, built from what the audit-log answers (plain Python).

Dates a person types are Swedish calendar days: a period runs from the start of
its first day to the end of its last, in Europe/Stockholm time, and the log's
UTC instants are shown in that time too.
"""

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

__all__ = [
    "EXPORT_FORMATS",
    "LOCAL",
    "EntryFacts",
    "EntryRow",
    "Search",
    "checkpoint_size",
    "entry_facts",
    "entry_row",
    "export_filename",
    "local_time",
    "period_params",
    "proof_bundle",
]

LOCAL = ZoneInfo("Europe/Stockholm")
EXPORT_FORMATS = {"csv", "jsonl"}
PAGE_SIZE = 50
# The audit-log's own patterns: asking with anything else would only earn a 422.
_RECIPIENT = re.compile(r"[a-z][a-z0-9_]{0,39}")
_LEGAL_BASIS = re.compile(r"[^\x00-\x1f]{1,100}")
_CURSOR = re.compile(r"[A-Za-z0-9_=-]{1,100}")
# What the log's `details` hold, named for a person reading them.
_DETAIL_LABELS = {
    "assessor": "Bedömare",
    "approver": "Godkännare",
    "fields": "Utlämnade fält",
    "requester": "Begärd av (klient)",
    "purpose": "Ändamål",
    "reason": "Motivering",
}


@dataclass(frozen=True)
class Search:
    """The search form as typed: its values, what is wrong with them, the period."""

    recipient: str = ""
    legal_basis: str = ""
    period_from: str = ""
    period_to: str = ""
    cursor: str = ""
    errors: tuple[str, ...] = ()

    @classmethod
    def read(cls, query: Mapping[str, str]) -> "Search":
        values = {
            "recipient": query.get("recipient", "").strip(),
            "legal_basis": query.get("legal_basis", "").strip(),
            "period_from": query.get("from", "").strip(),
            "period_to": query.get("to", "").strip(),
            "cursor": query.get("cursor", "").strip(),
        }
        return cls(**values, errors=tuple(_search_errors(values)))

    def api_params(self) -> dict[str, str | int]:
        """The audit-log's query for this search, newest first."""
        params: dict[str, str | int] = {"order": "desc", "limit": PAGE_SIZE}
        if self.recipient:
            params["recipient"] = self.recipient
        if self.legal_basis:
            params["legal_basis"] = self.legal_basis
        if self.cursor:
            params["cursor"] = self.cursor
        return {**params, **period_params(self.period_from, self.period_to)}

    def query(self, **changes: str) -> str:
        """This search's own query string (for the next page and the export)."""
        pairs = {
            "recipient": self.recipient,
            "legal_basis": self.legal_basis,
            "from": self.period_from,
            "to": self.period_to,
            **changes,
        }
        return urlencode({key: value for key, value in pairs.items() if value})


def _search_errors(values: Mapping[str, str]) -> list[str]:
    errors = []
    if values["recipient"] and not _RECIPIENT.fullmatch(values["recipient"]):
        errors.append("Mottagaren anges med sin kod, t.ex. skatteverket.")
    if values["legal_basis"] and not _LEGAL_BASIS.fullmatch(values["legal_basis"]):
        errors.append("Rättsligt stöd kan vara högst 100 tecken.")
    if values["cursor"] and not _CURSOR.fullmatch(values["cursor"]):
        errors.append("Sidhänvisningen går inte att läsa; börja om sökningen.")
    days = [_day(values["period_from"]), _day(values["period_to"])]
    for text, day, name in zip(
        (values["period_from"], values["period_to"]),
        days,
        ("Från", "Till"),
        strict=True,
    ):
        if text and day is None:
            errors.append(f"{name}-datumet ska skrivas ÅÅÅÅ-MM-DD.")
    if days[0] and days[1] and days[0] > days[1]:
        errors.append("Perioden slutar före den börjar.")
    return errors


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _instant(day: date) -> str:
    moment = datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def period_params(period_from: str, period_to: str) -> dict[str, str]:
    """``from`` (inclusive) and ``to`` (exclusive) instants of whole local days."""
    params = {}
    if first := _day(period_from):
        params["from"] = _instant(first)
    if last := _day(period_to):
        params["to"] = _instant(last + timedelta(days=1))
    return params


def export_filename(export_format: str, period_from: str, period_to: str) -> str:
    span = "--".join(part for part in (period_from, period_to) if _day(part))
    return f"utlamnandeloggen{'-' + span if span else ''}.{export_format}"


def local_time(instant: str) -> str:
    """``2026-12-07T02:32:25.7Z`` as ``2026-12-07 03:32`` (Swedish time)."""
    try:
        moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return instant
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class EntryRow:
    index: int
    time: str
    recipient: str
    legal_basis: str
    categories: str
    partner_reference: str


def _recipient(entry: Mapping[str, Any]) -> str:
    recipient = entry.get("recipient") or {}
    return str(recipient.get("name") or recipient.get("code") or "")


def entry_row(item: Mapping[str, Any]) -> EntryRow:
    entry = item["entry"]
    return EntryRow(
        index=int(item["index"]),
        time=local_time(str(entry.get("occurred_at", ""))),
        recipient=_recipient(entry),
        legal_basis=", ".join(entry.get("legal_basis", [])),
        categories=", ".join(entry.get("data_categories", [])),
        partner_reference=str(entry.get("partner_reference") or ""),
    )


@dataclass(frozen=True)
class EntryFacts:
    """One entry's facts as label–value pairs, in the order a reader wants them."""

    index: int
    decision_id: str
    occurred_at: str
    facts: tuple[tuple[str, str], ...]


def entry_facts(item: Mapping[str, Any]) -> EntryFacts:
    entry = item["entry"]
    recipient = entry.get("recipient") or {}
    org = recipient.get("org_number")
    facts = [
        ("Händelse", str(entry.get("event", ""))),
        ("Beslut", str(entry.get("decision_id", ""))),
        ("Tid", local_time(str(entry.get("occurred_at", "")))),
        ("Mottagare", _recipient(entry) + (f" ({org})" if org else "")),
        ("Rättsligt stöd", ", ".join(entry.get("legal_basis", []))),
        ("Uppgiftskategorier", ", ".join(entry.get("data_categories", []))),
        ("Mottagarens referens", str(entry.get("partner_reference") or "–")),
        ("Katalogversion", str(entry.get("catalogue_version") or "–")),
    ]
    details = entry.get("details") or {}
    facts += [(_DETAIL_LABELS.get(k, k), _plain(v)) for k, v in details.items()]
    return EntryFacts(
        index=int(item["index"]),
        decision_id=str(entry.get("decision_id", "")),
        occurred_at=str(entry.get("occurred_at", "")),
        facts=tuple(facts),
    )


def _plain(value: Any) -> str:
    """A detail as text: a person by name, a list joined, an object as its pairs."""
    if isinstance(value, Mapping):
        if "name" in value:
            return str(value["name"])
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def checkpoint_size(note: str) -> int:
    """The tree size of a C2SP checkpoint (its second line), unverified: the
    browser checks the signature; the console only needs a size to ask proofs for."""
    lines = note.split("\n")
    if len(lines) < 3 or not lines[1].isdigit():
        raise ValueError("not a checkpoint")
    return int(lines[1])


def proof_bundle(
    item: Mapping[str, Any], note: str, size: int, hashes: Sequence[str]
) -> dict[str, Any]:
    """What the browser needs to check one entry: the leaf, the checkpoint, the path."""
    base64.b64decode(str(item["leaf"]), validate=True)  # refuse a garbled leaf here
    return {
        "index": int(item["index"]),
        "leaf": item["leaf"],
        "leaf_hash": item["leaf_hash"],
        "tree_size": size,
        "checkpoint": note,
        "inclusion": list(hashes),
    }
