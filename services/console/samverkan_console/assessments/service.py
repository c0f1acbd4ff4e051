"""Views of disclosure requests for the assessor's and the approver's pages.

Plain Python over the sharing service's JSON: the console decides nothing, it only
lays out what the service answered, next to the rule catalogue's legal text.
"""

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "HELD",
    "CatalogueCache",
    "FieldView",
    "HistoryRow",
    "ProposalView",
    "QueuePage",
    "QueueRow",
    "RequestView",
    "RuleView",
    "assessment_body",
    "local_time",
    "name_fields",
    "queue_page",
    "request_view",
]

HELD = "needs_assessment"
_SWEDEN = ZoneInfo("Europe/Stockholm")

STATUSES = {
    "awaiting_assessment": "Väntar på bedömning",
    "assessed": "Bedömd, väntar på godkännande",
    "decided": "Beslutad av reglerna, loggas",
    "pending_audit": "Godkänd, loggas",
    "released": "Utlämnad",
    "denied": "Avslagen",
}
OUTCOMES = {
    "release": "Lämnas ut",
    "withhold": "Lämnas inte ut",
    "needs_assessment": "Kräver bedömning",
}
DECISIONS = {"approve": "Godkänd", "deny": "Avslagen"}
EVENTS = {
    "decided": "Prövad av regelmotorn",
    "assessed": "Bedömd",
    "approved": "Godkänd",
    "denied": "Avslagen",
    "audit_pending": "Loggas",
    "released": "Utlämnad",
}
# The standard the engine asks a person to apply (rules.vocabulary.Standard).
STANDARDS = {
    "obvious_priority": "uppenbart att intresset av utlämnande har företräde",
    "overriding_reasons": "övervägande skäl för att sekretessen har företräde (menprövning)",
    "clearly_outweighs": "intresset av utlämnande väger klart tyngre",
    "exceptional_reasons": "synnerliga skäl",
    "not_inappropriate": "att utlämnandet inte är olämpligt",
    "special_reasons": "särskilda skäl",
    "necessity": "att uppgiften är nödvändig",
    "consent": "den enskildes samtycke",
    "sentencing_prognosis": "påföljdsprognos (annan påföljd än böter)",
    "judgement_of_fact": "en bedömning av fakta",
    "scope_of_duty": "vad uppgiftsskyldigheten omfattar",
    "duty_trigger": "om skyldighetens förutsättningar är uppfyllda",
    "reporter_protection": "skyddet av uppgiftslämnarens identitet",
    "legal_review": "juridisk granskning",
}


def local_time(value: str | None) -> str:
    """An RFC 3339 instant as Swedish local time, to the minute."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(_SWEDEN).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class QueueRow:
    id: str
    reference: str
    recipient: str
    received: str
    due: str
    overdue: bool
    held_fields: tuple[str, ...]


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    next_cursor: str | None


def queue_page(answer: Mapping[str, Any], now: datetime) -> QueuePage:
    """A page of the list endpoint's summaries, each due date checked against now."""
    return QueuePage(
        rows=tuple(_queue_row(item, now) for item in answer["items"]),
        next_cursor=answer.get("next_cursor"),
    )


def _queue_row(item: Mapping[str, Any], now: datetime) -> QueueRow:
    due = item.get("assessment_due")
    return QueueRow(
        id=item["id"],
        reference=item.get("partner_reference") or item["id"],
        recipient=item["recipient"].get("name") or item["recipient"]["code"] or "",
        received=local_time(item["created_at"]),
        due=local_time(due),
        overdue=_overdue(item["status"], due, now),
        held_fields=tuple(item.get("held_fields", ())),
    )


def _overdue(status: str, due: str | None, now: datetime) -> bool:
    """Late only while it still waits for the assessment the due date is for."""
    return (
        status == "awaiting_assessment"
        and due is not None
        and datetime.fromisoformat(due) < now
    )


@dataclass(frozen=True)
class RuleView:
    """One rule a field's legal basis names, with its words from the catalogue."""

    citation: str
    title: str = ""
    judgement: str = ""
    relevance: str = ""
    sfs: str = ""
    url: str = ""
    source: str = ""


@dataclass(frozen=True)
class ProposalView:
    """What people made of a held field: the assessor's proposal, then the decision."""

    proposal: str
    reason: str
    decision: str


@dataclass(frozen=True)
class FieldView:
    name: str
    category: str
    outcome: str
    outcome_text: str
    standard: str
    reason: str
    rules: tuple[RuleView, ...]
    proposal: ProposalView | None

    @property
    def held(self) -> bool:
        return self.outcome == HELD


@dataclass(frozen=True)
class HistoryRow:
    at: str
    event: str
    by: str


@dataclass(frozen=True)
class RequestView:
    id: str
    status: str
    status_text: str
    reference: str
    requester: str
    recipient: Mapping[str, Any]
    tip_id: str | None
    supplier_org_number: str | None
    received: str
    due: str
    overdue: bool
    catalogue_version: str
    fields: tuple[FieldView, ...]
    history: tuple[HistoryRow, ...]
    assessor: str | None
    assessor_name: str | None
    assessed_at: str
    purpose: str = ""
    # The interest assessment as written; the service gives it to officers only.
    written_assessment: str = ""

    @property
    def held(self) -> tuple[FieldView, ...]:
        return tuple(f for f in self.fields if f.held)


def request_view(
    disclosure: Mapping[str, Any], catalogue: Iterable[Mapping[str, Any]], now: datetime
) -> RequestView:
    """The disclosure with each field's rules looked up in the catalogue as of the
    day the engine decided (a rule's wording is dated)."""
    as_of = date.fromisoformat(disclosure["as_of"])
    rules = [r for r in catalogue if _in_force(r, as_of)]
    due = disclosure.get("assessment_due")
    assessed = _last_event(disclosure["history"], "assessed")
    return RequestView(
        id=disclosure["id"],
        status=disclosure["status"],
        status_text=STATUSES.get(disclosure["status"], disclosure["status"]),
        reference=disclosure.get("partner_reference") or disclosure["id"],
        requester=_requester(disclosure["history"]),
        recipient=disclosure["recipient"],
        tip_id=disclosure.get("tip_id"),
        supplier_org_number=disclosure.get("supplier_org_number"),
        received=local_time(disclosure["created_at"]),
        due=local_time(due),
        overdue=_overdue(disclosure["status"], due, now),
        catalogue_version=disclosure["catalogue_version"],
        fields=tuple(_field(f, rules) for f in disclosure["decision"]["fields"]),
        history=tuple(_event(e) for e in disclosure["history"]),
        # The person's id is the event's actor: the four-eyes check compares it.
        assessor=assessed["actor"] if assessed else None,
        assessor_name=assessed.get("name") if assessed else None,
        assessed_at=local_time(assessed["at"]) if assessed else "",
        purpose=purpose_text(disclosure.get("purpose")),
        written_assessment=(disclosure.get("assessment") or {}).get("text", ""),
    )


def purpose_text(purpose: Mapping[str, Any] | None) -> str:
    """The purpose as the request gave it: its code, the offence, the detail."""
    if not purpose:
        return ""
    parts = [str(purpose.get("code", ""))]
    offence = purpose.get("offence")
    if offence:
        parts.append(f"{offence.get('name')} ({offence.get('reference')})")
    if purpose.get("detail"):
        parts.append(str(purpose["detail"]))
    return " – ".join(part for part in parts if part)


def _field(field: Mapping[str, Any], rules: list[Mapping[str, Any]]) -> FieldView:
    return FieldView(
        name=field["name"],
        category=field["category"],
        outcome=field["outcome"],
        outcome_text=OUTCOMES.get(field["outcome"], field["outcome"]),
        standard=STANDARDS.get(field.get("assessment") or "", ""),
        reason=field["reason"],
        rules=tuple(_rule(c, rules) for c in field.get("legal_basis", [])),
        proposal=_proposal(field.get("manual_assessment")),
    )


def _proposal(manual: Mapping[str, Any] | None) -> ProposalView | None:
    if manual is None:
        return None
    approval = manual.get("approval")
    decision = "Inte beslutat"
    if approval:
        verb = DECISIONS.get(approval["decision"], approval["decision"])
        who = approval.get("approver_name") or approval["approver"]
        decision = f"{verb} av {who}: {approval['reason']}"
    return ProposalView(
        proposal=OUTCOMES.get(manual["proposal"], manual["proposal"]),
        reason=manual["reason"],
        decision=decision,
    )


def _event(event: Mapping[str, Any]) -> HistoryRow:
    return HistoryRow(
        at=local_time(event["at"]),
        event=EVENTS.get(event["event"], event["event"]),
        by=str(event.get("name") or event["actor"]),
    )


def _rule(citation: str, rules: list[Mapping[str, Any]]) -> RuleView:
    found = next((r for r in rules if r["legal_reference"] == citation), None)
    if found is None:
        # e.g. OSL 10:28, the gateway a duty in another law is applied through.
        return RuleView(citation=citation)
    return RuleView(
        citation=citation,
        title=found["title"],
        judgement=found.get("judgement") or "",
        relevance=found.get("relevance") or "",
        sfs=found.get("sfs") or "",
        url=found.get("url") or "",
        source=found.get("source") or "",
    )


def _in_force(rule: Mapping[str, Any], on: date) -> bool:
    ends = rule.get("valid_to")
    return date.fromisoformat(rule["valid_from"]) <= on and (
        ends is None or on <= date.fromisoformat(ends)
    )


def _requester(history: Iterable[Mapping[str, Any]]) -> str:
    decided = _last_event(history, "decided")
    return str(decided["actor"]) if decided else ""


def _last_event(
    history: Iterable[Mapping[str, Any]], event: str
) -> Mapping[str, Any] | None:
    return next((e for e in reversed(list(history)) if e["event"] == event), None)


def assessment_body(
    text: str, held: Iterable[str], answer: Callable[[str], str]
) -> dict[str, Any]:
    """The body of POST .../assessment: a proposal for every held field, as typed
    (``answer`` reads a form input); the service checks it and says what is wrong."""
    return {
        "assessment": text,
        "proposals": [
            {
                "field": name,
                "decision": answer(f"beslut:{name}"),
                "reason": answer(f"skal:{name}"),
            }
            for name in held
        ],
    }


def name_fields(detail: str, held: Sequence[str]) -> str:
    """The service's refusal with ``#/proposals/<n>`` replaced by the field's name,
    so the person sees which proposal to correct."""

    def field(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return f"fältet {held[index]}" if index < len(held) else match.group(0)

    return re.sub(r"#/proposals/(\d+)(?:/\w+)?", field, detail)


class CatalogueCache:
    """The rule catalogue by version, for the console process.

    A catalogue version never changes its rules, and ``GET /v1/rules`` is the same
    for every caller, so one copy serves every session. Only a disclosure decided
    under the version the service serves is answered from the cache; an older one
    reads the catalogue again (it holds the dated wordings of every version).
    """

    def __init__(self, keep: int = 4) -> None:
        self._keep = keep
        self._by_version: dict[str, tuple[Mapping[str, Any], ...]] = {}
        self._lock = threading.Lock()

    def rules(
        self, version: str, fetch: Callable[[], Mapping[str, Any]]
    ) -> tuple[Mapping[str, Any], ...]:
        with self._lock:
            cached = self._by_version.get(version)
        if cached is not None:
            return cached
        answer = fetch()
        items = tuple(answer["items"])
        with self._lock:
            if len(self._by_version) >= self._keep:
                self._by_version.clear()
            self._by_version[str(answer["catalogue_version"])] = items
        return items
