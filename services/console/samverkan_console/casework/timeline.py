"""A tip's timeline (``GET /v1/tips/{id}/timeline``) as rows of a table: each event
by its ``kind`` in Swedish, who acted and what they wrote (plain Python)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from samverkan_console.assessments.service import local_time

__all__ = ["EventRow", "timeline_rows"]

_STATUSES = {
    "received": "Mottaget",
    "investigating": "Utreds",
    "substantiated": "Befogat",
    "unsubstantiated": "Obefogat",
    "closed": "Avslutat",
}


@dataclass(frozen=True)
class EventRow:
    at: str
    kind: str  # the service's kind, for the page's data attribute
    event: str
    by: str
    text: str


def timeline_rows(timeline: Mapping[str, Any]) -> tuple[EventRow, ...]:
    """Every event in the service's order (oldest first); an unknown kind is shown
    by its name rather than left out."""
    return tuple(_row(event) for event in timeline["events"])


def _row(event: Mapping[str, Any]) -> EventRow:
    kind = str(event["kind"])
    describe = _DESCRIBE.get(kind)
    event_text, by, text = describe(event) if describe else (kind, "", "")
    return EventRow(local_time(event["at"]), kind, event_text, by, text)


def _actor(actor: Mapping[str, Any] | None) -> str:
    """The person who acted, else the client (a system acting on its own)."""
    if not actor:
        return ""
    return str(actor.get("person_name") or actor.get("client_id") or "")


def _kept(in_time: bool | None) -> str:
    if in_time is None:
        return ""
    return "I tid." if in_time else "För sent."


def _filed(event: Mapping[str, Any]) -> tuple[str, str, str]:
    dues = []
    if event.get("acknowledge_by"):
        dues.append(f"Kvitteras senast {event['acknowledge_by']}.")
    if event.get("decide_by"):
        dues.append(f"Beslutas senast {event['decide_by']}.")
    return "Inlämnat", str(event.get("filed_by") or ""), " ".join(dues)


def _transition(event: Mapping[str, Any]) -> tuple[str, str, str]:
    before = _STATUSES.get(event["from"], event["from"])
    after = _STATUSES.get(event["to"], event["to"])
    return f"{before} → {after}", _actor(event.get("actor")), str(event["reason"])


def _acknowledged(event: Mapping[str, Any]) -> tuple[str, str, str]:
    return "Kvitterat", "", _kept(event.get("in_time"))


def _decided(event: Mapping[str, Any]) -> tuple[str, str, str]:
    outcome = _STATUSES.get(event["outcome"], event["outcome"])
    return f"Avgjort: {outcome}", "", _kept(event.get("in_time"))


def _note(event: Mapping[str, Any]) -> tuple[str, str, str]:
    return "Anteckning", _actor(event.get("author")), str(event["text"])


def _call_off(event: Mapping[str, Any]) -> tuple[str, str, str]:
    supplier = event["supplier_org_number"]
    what = (
        "Avrop stoppade" if event["kind"] == "call_off_stopped" else "Avropsstopp hävt"
    )
    return f"{what} ({supplier})", _actor(event.get("actor")), str(event["reason"])


def _disclosure(event: Mapping[str, Any]) -> tuple[str, str, str]:
    recipient = event.get("recipient") or {}
    name = recipient.get("name") or recipient.get("code") or "okänd mottagare"
    bases = ", ".join(event.get("legal_basis", [])) or "inget angivet"
    text = f"Rättsligt stöd: {bases}. Utlämnandeloggen, post {event['audit_index']}."
    return f"Utlämnat till {name}", "", text


_DESCRIBE = {
    "filed": _filed,
    "transition": _transition,
    "acknowledged": _acknowledged,
    "decided": _decided,
    "note": _note,
    "call_off_stopped": _call_off,
    "call_off_lifted": _call_off,
    "disclosure": _disclosure,
}
