"""Views of tips for the case list and a tip's page (plain Python over the tips
service's JSON: the console lays out what the service answered, and decides nothing).

The moves offered are those the tips service lists for the tip (``next_statuses``,
its workflow's); the console keeps only the words on each move's button, and the
service checks each move again and says why it refuses.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from samverkan_console.assessments.service import local_time
from samverkan_console.casework.timeline import EventRow, timeline_rows
from samverkan_console.reporting.service import ACTIVITIES, CATEGORIES, PERSON_ROLES

__all__ = [
    "MOVE_LABELS",
    "STATUSES",
    "Agreement",
    "CallOffs",
    "CaseFilter",
    "CasePage",
    "CaseRow",
    "TipView",
    "call_off_refused",
    "call_offs_on",
    "case_page",
    "move_refused",
    "note_refused",
    "tip_view",
]

_UNDECIDED = ("received", "investigating")
STATUSES = {
    "received": "Mottaget",
    "investigating": "Utreds",
    "substantiated": "Befogat",
    "unsubstantiated": "Obefogat",
    "closed": "Avslutat",
}
# The words on the button of a move to each status (which moves exist is the tips
# service's to say, in a tip's ``next_statuses``).
MOVE_LABELS: Mapping[str, str] = {
    "investigating": "Börja utreda",
    "substantiated": "Bedöm som befogat",
    "unsubstantiated": "Bedöm som obefogat",
    "closed": "Avsluta ärendet",
}


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    owner: str | None
    terms: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> "Agreement":
        return cls(
            id=str(item["id"]),
            name=str(item["name"]),
            owner=item.get("owner_org_number"),
            terms=tuple((int(t["number"]), str(t["text"])) for t in item["terms"]),
        )


@dataclass(frozen=True)
class CaseFilter:
    """The case list's choices, as the query string gave them (unknown ones dropped)."""

    status: str = ""
    agreement: str = ""
    overdue: bool = False

    @classmethod
    def read(cls, query: Mapping[str, str], agreements: Iterable[str]) -> "CaseFilter":
        status = query.get("status", "")
        agreement = query.get("avtal", "")
        return cls(
            status=status if status in STATUSES else "",
            agreement=agreement if agreement in set(agreements) else "",
            overdue=query.get("forsenade") == "1",
        )

    def api_params(self) -> dict[str, str | int]:
        params: dict[str, str | int] = {"order": "asc", "limit": 50}
        if self.status:
            params["status"] = self.status
        if self.agreement:
            params["agreement_id"] = self.agreement
        if self.overdue:
            params["overdue"] = "true"
        return params

    def query(self, cursor: str) -> dict[str, str]:
        """The query string of this list's next page."""
        chosen = {"status": self.status, "avtal": self.agreement}
        query = {name: value for name, value in chosen.items() if value}
        if self.overdue:
            query["forsenade"] = "1"
        return {**query, "cursor": cursor}


@dataclass(frozen=True)
class Deadline:
    """A due date of the tip and whether it was kept, as the tips service says."""

    due: str  # the Swedish day, YYYY-MM-DD; "" for a tip filed without one
    in_time: bool | None  # None while it can still be met
    pending: bool  # the step it is for is still to be taken

    @property
    def overdue(self) -> bool:
        """Passed and still not done: the case list says *Försenad*."""
        return self.pending and self.in_time is False

    @property
    def state(self) -> str:
        if self.overdue:
            return "Försenad"
        if self.in_time is False:
            return "Klar för sent"
        if self.in_time is True:
            return "Klar i tid"
        return ""


@dataclass(frozen=True)
class CaseRow:
    id: str
    received: str
    supplier: str
    agreement: str
    status: str
    status_text: str
    acknowledge: Deadline
    decide: Deadline

    @property
    def overdue(self) -> bool:
        return self.acknowledge.overdue or self.decide.overdue


@dataclass(frozen=True)
class CasePage:
    rows: tuple[CaseRow, ...]
    next_cursor: str | None


def case_page(
    answer: Mapping[str, Any], agreements: Mapping[str, Agreement]
) -> CasePage:
    return CasePage(
        rows=tuple(_row(item, agreements) for item in answer["items"]),
        next_cursor=answer.get("next_cursor"),
    )


def _row(item: Mapping[str, Any], agreements: Mapping[str, Agreement]) -> CaseRow:
    agreement = agreements.get(item["agreement_id"])
    acknowledge, decide = _deadlines(item)
    return CaseRow(
        id=str(item["id"]),
        received=local_time(item["received_at"]),
        supplier=f"{item['supplier']['name']} ({item['supplier']['org_number']})",
        agreement=agreement.name if agreement else str(item["agreement_id"]),
        status=item["status"],
        status_text=STATUSES.get(item["status"], item["status"]),
        acknowledge=acknowledge,
        decide=decide,
    )


def _deadlines(item: Mapping[str, Any]) -> tuple[Deadline, Deadline]:
    """``acknowledge_by`` (kept when the tip leaves received) and ``decide_by``
    (kept when it reaches a verdict), with the service's ``…_in_time``."""
    status = item["status"]
    return (
        Deadline(
            str(item.get("acknowledge_by") or ""),
            item.get("acknowledged_in_time"),
            status == "received",
        ),
        Deadline(
            str(item.get("decide_by") or ""),
            item.get("decided_in_time"),
            status in _UNDECIDED,
        ),
    )


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class CallOffs:
    """Whether call-offs from the tip's supplier are stopped on the tip's agreement,
    as the supplier's record in the tips service says."""

    agreement_id: str
    stopped: bool
    since: str  # Swedish local time, "" when not stopped
    reason: str


def call_offs_on(supplier: Mapping[str, Any], agreement_id: str) -> CallOffs | None:
    """The stop on ``agreement_id`` from the supplier's ``call_off_stops``; None if
    the supplier is not on that agreement (there is nothing to stop there)."""
    for stop in supplier.get("call_off_stops", []):
        if stop["agreement_id"] == agreement_id:
            return CallOffs(
                agreement_id=agreement_id,
                stopped=bool(stop["active"]),
                since=local_time(stop.get("since")) if stop["active"] else "",
                reason=str(stop.get("reason") or "") if stop["active"] else "",
            )
    return None


@dataclass(frozen=True)
class TipView:
    id: str
    status: str
    status_text: str
    supplier: str
    supplier_org_number: str
    agreement: Agreement | None
    facts: tuple[Fact, ...]
    description: str
    persons: tuple[tuple[str, str], ...]
    history: tuple[EventRow, ...]
    acknowledge: Deadline
    decide: Deadline
    moves: tuple[tuple[str, str], ...]
    breached_terms: tuple[int, ...]
    manages: bool  # the agreement owner's: moves it and writes case notes
    call_offs: CallOffs | None = None

    @property
    def may_name_breached_terms(self) -> bool:
        return any(to == "substantiated" for to, _ in self.moves)


def tip_view(
    tip: Mapping[str, Any],
    agreement: Agreement | None,
    manages: bool,
    timeline: Mapping[str, Any],
    supplier: Mapping[str, Any] | None = None,
) -> TipView:
    """The tip and its timeline; ``manages``: the person may move it (the moves
    are then offered) and stop or lift call-offs on its agreement; ``supplier``: the
    supplier's record, for the call-off stop on the tip's agreement."""
    reporter = tip["reporter"]
    acknowledge, decide = _deadlines(tip)
    return TipView(
        id=str(tip["id"]),
        status=tip["status"],
        status_text=STATUSES.get(tip["status"], tip["status"]),
        supplier=str(tip["supplier"]["name"]),
        supplier_org_number=str(tip["supplier"]["org_number"]),
        agreement=agreement,
        facts=(
            Fact("Inkom", local_time(tip["received_at"])),
            Fact("Ramavtal", agreement.name if agreement else tip["agreement_id"]),
            Fact("Gäller", ", ".join(CATEGORIES.get(c, c) for c in tip["categories"])),
            Fact("Datum då det hände", str(tip["occurred_on"])),
            Fact("Lämnat av", _reporter(reporter)),
        ),
        description=str(tip["description"]),
        persons=tuple(
            (str(p["personal_number"]), PERSON_ROLES.get(p["role"], p["role"]))
            for p in tip.get("persons", [])
        ),
        history=timeline_rows(timeline),
        acknowledge=acknowledge,
        decide=decide,
        moves=_moves(tip) if manages else (),
        breached_terms=tuple(tip.get("breached_terms", [])),
        manages=manages,
        call_offs=call_offs_on(supplier, str(tip["agreement_id"]))
        if supplier
        else None,
    )


def _moves(tip: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each move the service lists for the tip, with its button's words (a status
    the console has no words for yet is still offered, by its name)."""
    return tuple(
        (str(to), MOVE_LABELS.get(to) or f"Flytta till {STATUSES.get(to, to)}")
        for to in tip.get("next_statuses", [])
    )


def _reporter(reporter: Mapping[str, Any]) -> str:
    activity = ACTIVITIES.get(reporter["activity"], reporter["activity"])
    parts = [f"{reporter['unit']}, kommun {reporter['municipality_code']}", activity]
    if reporter.get("contact_email"):
        parts.append(str(reporter["contact_email"]))
    return " – ".join(parts)


def move_refused(status: int, errors: Iterable[Mapping[str, Any]]) -> str:
    """Why the tips service refused a move, in Swedish (its own words are English)."""
    if status == 409:
        return (
            "Tipset kan inte flyttas dit från sin status nu; någon kan ha flyttat det "
            "nyss. Sidan visar tipset som det är nu."
        )
    pointers = {str(error.get("pointer", "")) for error in errors}
    if any(p.startswith("#/breached_terms") for p in pointers):
        return (
            "Brutna avtalsvillkor anges bara när tipset bedöms som befogat, och bara "
            "villkor som avtalet har."
        )
    if "#/reason" in pointers:
        return "Skriv ett skäl till steget (högst 2 000 tecken)."
    return "Tipstjänsten tog inte emot steget. Kontrollera uppgifterna och försök igen."


def call_off_refused(
    stopping: bool, status: int, errors: Iterable[Mapping[str, Any]]
) -> str:
    """Why the tips service refused to stop or lift call-offs, in Swedish."""
    if status == 409:
        if stopping:
            return (
                "Avropen var redan stoppade på ramavtalet; någon kan ha stoppat dem "
                "nyss. Sidan visar läget som det är nu."
            )
        return (
            "Avropen var inte stoppade på ramavtalet; någon kan ha hävt stoppet nyss. "
            "Sidan visar läget som det är nu."
        )
    if any(str(error.get("pointer", "")) == "#/reason" for error in errors):
        return "Skriv ett skäl (högst 2 000 tecken)."
    return (
        "Tipstjänsten tog inte emot ändringen. Kontrollera uppgifterna och försök igen."
    )


def note_refused(errors: Iterable[Mapping[str, Any]]) -> str:
    if any(str(error.get("pointer", "")) == "#/text" for error in errors):
        return "Skriv anteckningen (högst 10 000 tecken)."
    return "Tipstjänsten sparade inte anteckningen. Försök igen."
