"""The tip form: what the person typed, the body of ``POST /v1/tips`` built from it,
and the service's refusal (RFC 9457 ``errors`` with JSON pointers) laid back onto
the form's fields in Swedish.

Plain Python: the console checks nothing itself, the tips service does; this only
says which field its answer is about and what that field needs.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACTIVITIES",
    "CATEGORIES",
    "NARRATIVE_MARKS",
    "PERSON_ROLES",
    "PERSON_ROWS",
    "FieldErrors",
    "TipForm",
    "agreement_choices",
    "field_errors",
]

# Rows for named persons: a page without script cannot add rows, and a tip names few.
PERSON_ROWS = 3

CATEGORIES = {
    "staffing": "Bemanning",
    "competence": "Kompetens",
    "safety": "Säkerhet (våld, tvång, avvikningar, lokaler)",
    "care_quality": "Vårdens eller behandlingens kvalitet",
    "documentation": "Dokumentation",
    "permits": "Tillstånd (IVO)",
    "invoicing": "Fakturering",
    "financial_irregularities": "Ekonomiska oegentligheter",
    "undue_influence": "Otillbörlig påverkan",
    "other": "Annat",
}
ACTIVITIES = {
    "social_services": "Socialtjänst",
    "procurement_follow_up": "Avtalsuppföljning",
    "health_care": "Hälso- och sjukvård",
    "whistleblowing_channel": "Visselblåsarkanal",
}
# What the reporter may mark the narrative as (tips: NARRATIVE_CATEGORIES); without a
# mark the reporting unit's activity decides.
NARRATIVE_MARKS = {
    "child_social": "Uppgifter om barn i socialtjänsten",
    "adult_client_social": "Uppgifter om vuxna klienter i socialtjänsten",
    "health_care": "Uppgifter om hälsa och vård",
    "supplier_staff": "Uppgifter om leverantörens personal",
    "supplier_business": "Uppgifter om leverantörens verksamhet",
}
PERSON_ROLES = {
    "placed_child": "Placerat barn",
    "client": "Vuxen klient",
    "relative": "Anhörig",
    "other": "Annan",
}

# What each field needs, said whatever the service's (English) detail was.
_NEEDS = {
    "avtal": "Välj det ramavtal tipset gäller.",
    "leverantor_orgnr": "Skriv leverantörens organisationsnummer som NNNNNN-NNNN, "
    "med rätt kontrollsiffra.",
    "leverantor_namn": "Skriv leverantörens namn (högst 200 tecken).",
    "kategori": "Välj minst en kategori.",
    "beskrivning": "Beskriv vad som har hänt (högst 20 000 tecken).",
    "beskrivning_kategori": "Välj en markering i listan, eller ingen.",
    "datum": "Skriv datumet som ÅÅÅÅ-MM-DD. Det kan inte ligga i framtiden.",
    "enhet": "Skriv vilken enhet som lämnar tipset (högst 200 tecken).",
    "verksamhet": "Välj vilken verksamhet enheten hör till.",
    "epost": "Skriv en e-postadress som namn@exempel.se, eller lämna fältet tomt.",
    "nummer": "Skriv ett personnummer eller samordningsnummer som ÅÅÅÅMMDD-NNNN, "
    "med rätt kontrollsiffra.",
    "roll": "Välj personens roll.",
}
_POINTERS = {
    "supplier": "leverantor_orgnr",
    "supplier/org_number": "leverantor_orgnr",
    "supplier/name": "leverantor_namn",
    "agreement_id": "avtal",
    "categories": "kategori",
    "description": "beskrivning",
    "description_category": "beskrivning_kategori",
    "occurred_on": "datum",
    "reporter/unit": "enhet",
    "reporter/activity": "verksamhet",
    "reporter/contact_email": "epost",
}
_PERSON = re.compile(r"persons/(\d+)(?:/(personal_number|role))?")

# field name → the Swedish sentence shown beside it; "" for the form as a whole.
FieldErrors = dict[str, str]


@dataclass(frozen=True)
class TipForm:
    """The form as the person filled it in (every value a string, as typed)."""

    values: Mapping[str, str]
    categories: tuple[str, ...]

    @classmethod
    def read(
        cls, get: Callable[[str], str], get_all: Callable[[str], list[str]]
    ) -> "TipForm":
        names = [
            "avtal",
            "leverantor_orgnr",
            "leverantor_namn",
            "beskrivning",
            "beskrivning_kategori",
            "datum",
            "enhet",
            "verksamhet",
            "epost",
        ]
        for row in range(PERSON_ROWS):
            names += [f"person_{row}_nummer", f"person_{row}_roll"]
        return cls(
            {name: get(name).strip() for name in names}, tuple(get_all("kategori"))
        )

    @classmethod
    def empty(cls) -> "TipForm":
        return cls({}, ())

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def person_rows(self) -> list[int]:
        """The rows the person filled in (at least one of the two inputs)."""
        return [
            row
            for row in range(PERSON_ROWS)
            if self.value(f"person_{row}_nummer") or self.value(f"person_{row}_roll")
        ]

    def body(self, municipality_code: str) -> dict[str, Any]:
        """``POST /v1/tips``'s body: the reporter's municipality is the signed-in
        person's (the service refuses another); blank optional fields are left out."""
        reporter: dict[str, Any] = {
            "municipality_code": municipality_code,
            "unit": self.value("enhet"),
            "activity": self.value("verksamhet"),
        }
        if self.value("epost"):
            reporter["contact_email"] = self.value("epost")
        body: dict[str, Any] = {
            "supplier": {
                "org_number": self.value("leverantor_orgnr"),
                "name": self.value("leverantor_namn"),
            },
            "agreement_id": self.value("avtal"),
            "categories": list(self.categories),
            "description": self.value("beskrivning"),
            "occurred_on": self.value("datum"),
            "reporter": reporter,
            "persons": [
                {
                    "personal_number": self.value(f"person_{row}_nummer"),
                    "role": self.value(f"person_{row}_roll"),
                }
                for row in self.person_rows()
            ],
        }
        if self.value("beskrivning_kategori"):
            body["description_category"] = self.value("beskrivning_kategori")
        return body


def field_errors(
    errors: Iterable[Mapping[str, Any]], person_rows: list[int]
) -> FieldErrors:
    """Each refused field's Swedish explanation, by the form's input name.

    ``person_rows`` are the form rows the body's ``persons`` came from, in order, so
    ``#/persons/1`` is the second row filled in, not the form's second row.
    """
    found: FieldErrors = {}
    for error in errors:
        name = _field(error, person_rows)
        if name is None:
            continue
        need = _NEEDS.get(
            name.rsplit("_", 1)[-1] if name.startswith("person_") else name
        )
        found.setdefault(name, need or "")
    return found


def _field(error: Mapping[str, Any], person_rows: list[int]) -> str | None:
    if error.get("parameter") == "Idempotency-Key":
        return None  # a fresh key comes with the form shown again
    pointer = str(error.get("pointer") or "").removeprefix("#/").removeprefix("#")
    if pointer in _POINTERS:
        return _POINTERS[pointer]
    prefix = next((p for p in _POINTERS if pointer.startswith(p + "/")), None)
    if prefix is not None:
        return _POINTERS[prefix]
    person = _PERSON.fullmatch(pointer)
    if person and int(person[1]) < len(person_rows):
        part = "roll" if person[2] == "role" else "nummer"
        return f"person_{person_rows[int(person[1])]}_{part}"
    return None


def agreement_choices(items: Iterable[Any]) -> list[tuple[str, str]]:
    """(id, label) of each agreement (anything with ``id`` and ``name``), by name."""
    return sorted(
        ((str(a.id), f"{a.name} ({a.id})") for a in items),
        key=lambda choice: choice[1],
    )
