"""Framework agreements and their suppliers from CSV, for `samverkan tips import-agreements`.

One row per agreement and supplier, with a header naming the columns
``agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,supplier_org_number,supplier_name``.
``owner_org_number`` is the organisation that owns the agreement (a purchasing centre,
or a municipality for its own): its officers manage the agreement's tips. Dates are ISO
(``2022-04-01``); an empty ``valid_to`` means open-ended. ``terms`` lists the agreement's
numbered terms as ``1:Bemanning enligt bilaga 2|2:Tillstånd från IVO`` (number, colon,
text; ``|`` between terms, so a term's text cannot hold ``|``). An agreement's columns
repeat on each of its rows and must agree; the supplier columns may be empty for
an agreement without suppliers. Parsing is pure: a bad row is an `InvalidRow` naming its
line number.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from samverkan_shared.identifiers import InvalidIdentifier, parse_org_number

__all__ = [
    "COLUMNS",
    "AgreementImport",
    "InvalidRow",
    "SupplierImport",
    "Term",
    "parse_agreements_csv",
    "parse_terms",
]

COLUMNS = (
    "agreement_id",
    "agreement_name",
    "area",
    "valid_from",
    "valid_to",
    "terms",
    "owner_org_number",
    "supplier_org_number",
    "supplier_name",
)
AGREEMENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_TERM = re.compile(r"\s*([0-9]{1,4})\s*:\s*(.+?)\s*", re.DOTALL)


class InvalidRow(ValueError):
    """A row of the file cannot be imported; the message names the line."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {problem}")


@dataclass(frozen=True)
class Term:
    number: int
    text: str


@dataclass(frozen=True)
class SupplierImport:
    org_number: str
    name: str


@dataclass
class AgreementImport:
    id: str
    name: str
    area: str
    valid_from: date
    valid_to: date | None
    terms: tuple[Term, ...]
    owner_org_number: str
    suppliers: list[SupplierImport] = field(default_factory=list)

    def same_agreement(self, other: "AgreementImport") -> bool:
        fields = ("name", "area", "valid_from", "valid_to", "terms", "owner_org_number")
        return all(getattr(self, name) == getattr(other, name) for name in fields)


def parse_agreements_csv(text: str) -> list[AgreementImport]:
    """The agreements in the file, in order of first appearance."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise InvalidRow(1, f"the header lacks the columns {', '.join(missing)}")
    agreements: dict[str, AgreementImport] = {}
    for row in reader:
        _add_row(agreements, row, reader.line_num)
    return list(agreements.values())


def parse_terms(text: str) -> tuple[Term, ...]:
    """``1:text|2:text`` → terms sorted by number; ValueError for a malformed term."""
    terms: dict[int, Term] = {}
    for part in filter(str.strip, text.split("|")):
        match = _TERM.fullmatch(part)
        if match is None:
            raise ValueError(f"term {part.strip()[:40]!r} is not NUMBER:TEXT")
        number = int(match[1])
        if number in terms:
            raise ValueError(f"term {number} appears twice")
        terms[number] = Term(number, match[2])
    return tuple(terms[number] for number in sorted(terms))


def _add_row(
    agreements: dict[str, AgreementImport], row: dict[str, str | None], line: int
) -> None:
    try:
        agreement = _agreement(row)
        supplier = _supplier(row)
    except (ValueError, KeyError) as error:
        raise InvalidRow(line, str(error)) from None
    known = agreements.setdefault(agreement.id, agreement)
    if not known.same_agreement(agreement):
        raise InvalidRow(
            line,
            f"agreement {agreement.id} has other name, area, dates, terms or owner "
            "than on an earlier row",
        )
    if supplier is not None and supplier not in known.suppliers:
        known.suppliers.append(supplier)


def _agreement(row: dict[str, str | None]) -> AgreementImport:
    agreement_id = _cell(row, "agreement_id")
    if AGREEMENT_ID.fullmatch(agreement_id) is None:
        raise ValueError(
            "agreement_id must be lowercase letters, digits and '-' (e.g. hvb-2022)"
        )
    valid_from = _date(row, "valid_from")
    valid_to = _date(row, "valid_to") if _cell(row, "valid_to", "") else None
    if valid_to is not None and valid_to < valid_from:
        raise ValueError("valid_to lies before valid_from")
    return AgreementImport(
        id=agreement_id,
        name=_cell(row, "agreement_name"),
        area=_cell(row, "area"),
        valid_from=valid_from,
        valid_to=valid_to,
        terms=parse_terms(_cell(row, "terms", "")),
        owner_org_number=_org_number(row, "owner_org_number"),
    )


def _supplier(row: dict[str, str | None]) -> SupplierImport | None:
    if not _cell(row, "supplier_org_number", ""):
        return None
    org_number = _org_number(row, "supplier_org_number")
    return SupplierImport(org_number, _cell(row, "supplier_name"))


def _org_number(row: dict[str, str | None], name: str) -> str:
    try:
        return parse_org_number(_cell(row, name))
    except InvalidIdentifier as error:
        raise ValueError(f"{name}: {error}") from None


def _cell(row: dict[str, str | None], name: str, default: str | None = None) -> str:
    value = (row.get(name) or "").strip()
    if "\x00" in value:
        raise ValueError(f"{name} holds a NUL character")
    if not value:
        if default is None:
            raise ValueError(f"{name} is empty")
        return default
    return value


def _date(row: dict[str, str | None], name: str) -> date:
    try:
        return date.fromisoformat(_cell(row, name))
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
