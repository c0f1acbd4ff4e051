"""The tips feature's wire contract (`TipCreate`, `Tip`…), and what every feature's
schemas share: the request base, bounded text without NUL, the `Page` envelope.

Every request model forbids unknown fields; identifiers are validated with their check
digits by `samverkan_shared.identifiers` and normalised (``NNNNNN-NNNN``,
``YYYYMMDD-NNNN``); free text may not hold NUL characters (PostgreSQL cannot store them)
and has a maximum length. Validation messages never repeat a submitted identity number.
"""

import re
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from samverkan_shared.identifiers import (
    parse_municipality_code,
    parse_org_number,
    parse_personal_number,
)
from samverkan_tips.tips.classification import (
    NARRATIVE_CATEGORIES,
    DataCategory,
    HolderActivity,
)
from samverkan_tips.tips.workflow import TipStatus

__all__ = [
    "Actor",
    "Name",
    "Narrative",
    "Page",
    "Person",
    "PersonRole",
    "Reason",
    "Reporter",
    "RequestBody",
    "SupplierRef",
    "Tip",
    "TipCategory",
    "TipCreate",
    "TipTransition",
    "Transition",
    "no_nul",
    "today_in_sweden",
]

T = TypeVar("T")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def today_in_sweden() -> date:
    """The future starts at midnight in Stockholm, where the events happen."""
    try:
        return datetime.now(ZoneInfo("Europe/Stockholm")).date()
    except ZoneInfoNotFoundError:  # slim images may lack tzdata; UTC is hours off
        return datetime.now(UTC).date()


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


_NoNul = AfterValidator(_no_nul)
no_nul = _NoNul  # for other features' free text
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _NoNul
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), _NoNul
]
Narrative = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    _NoNul,
]


class TipCategory(StrEnum):
    """What kind of deficiency a tip reports (a tip names one or more)."""

    STAFFING = "staffing"  # too few or unqualified staff, staffing model not kept
    COMPETENCE = "competence"  # staff lack the training the agreement asks for
    SAFETY = "safety"  # violence, restraint, runaways, unsafe premises
    CARE_QUALITY = "care_quality"  # the care or treatment itself falls short
    DOCUMENTATION = "documentation"  # missing or false journals and reports
    PERMITS = "permits"  # IVO permit missing, expired or exceeded
    INVOICING = "invoicing"  # billed for care not given, double billing
    FINANCIAL_IRREGULARITIES = "financial_irregularities"  # tax, wages, ownership
    UNDUE_INFLUENCE = "undue_influence"  # threats, bribes, pressure on officials
    OTHER = "other"


class PersonRole(StrEnum):
    PLACED_CHILD = "placed_child"
    CLIENT = "client"  # an adult placed or assisted under the agreement
    RELATIVE = "relative"
    OTHER = "other"


class RequestBody(BaseModel):
    """Base of every request body: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class SupplierRef(RequestBody):
    org_number: str = Field(examples=["556677-8899"])
    name: Name

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str) -> str:
        return parse_org_number(value)


class Reporter(RequestBody):
    municipality_code: str = Field(examples=["1280"])
    unit: Name
    activity: HolderActivity
    contact_email: Annotated[str, StringConstraints(max_length=254), _NoNul] | None = (
        None
    )

    @field_validator("municipality_code")
    @classmethod
    def _municipality(cls, value: str) -> str:
        return parse_municipality_code(value)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and _EMAIL.fullmatch(value) is None:
            raise ValueError("an e-mail address is written name@domain.tld")
        return value


class Person(RequestBody):
    personal_number: str = Field(
        description="personnummer or samordningsnummer", examples=["20121212-1212"]
    )
    role: PersonRole

    @field_validator("personal_number")
    @classmethod
    def _personal_number(cls, value: str) -> str:
        return parse_personal_number(value).normalised


class TipCreate(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "supplier": {
                        "org_number": "556677-8899",
                        "name": "Exempel Omsorg AB",
                    },
                    "agreement_id": "hvb-2022",
                    "categories": ["staffing", "safety"],
                    "description": "Nattpersonal saknades; barnet lämnades ensamt.",
                    "occurred_on": "2026-03-01",
                    "reporter": {
                        "municipality_code": "1280",
                        "unit": "IFO Barn och unga",
                        "activity": "social_services",
                        "contact_email": "tips@malmo.se",
                    },
                    "persons": [
                        {"personal_number": "20121212-1212", "role": "placed_child"}
                    ],
                }
            ]
        },
    )

    supplier: SupplierRef
    agreement_id: Annotated[str, StringConstraints(min_length=1, max_length=64), _NoNul]
    categories: list[TipCategory] = Field(min_length=1, max_length=len(TipCategory))
    description: Narrative
    description_category: DataCategory | None = Field(
        default=None,
        description="the reporter's own mark of what the narrative holds; default: "
        "child_social for social services, else supplier_business",
    )
    occurred_on: date
    reporter: Reporter
    persons: list[Person] = Field(default_factory=list, max_length=50)

    @field_validator("categories")
    @classmethod
    def _distinct(cls, value: list[TipCategory]) -> list[TipCategory]:
        if len(set(value)) != len(value):
            raise ValueError("each category may appear once")
        return value

    @field_validator("description_category")
    @classmethod
    def _narrative(cls, value: DataCategory | None) -> DataCategory | None:
        if value is not None and value not in NARRATIVE_CATEGORIES:
            allowed = ", ".join(sorted(NARRATIVE_CATEGORIES))
            raise ValueError(f"a description can be marked as one of {allowed}")
        return value

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > today_in_sweden():
            raise ValueError("the date lies in the future")
        return value


class TipTransition(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"to": "investigating", "reason": "Utreds av Inköpscentralen"}]
        },
    )

    to: TipStatus
    reason: Reason
    breached_terms: list[Annotated[int, Field(ge=1, le=9999)]] = Field(
        default_factory=list,
        max_length=100,
        description="agreement term numbers breached; only when the tip becomes "
        "substantiated",
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class Actor(BaseModel):
    """Who acted: the client, and the person signed in for it (if one was)."""

    client_id: str
    person_id: str | None = None
    person_name: str | None = None


class Transition(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: TipStatus = Field(alias="from")
    to: TipStatus
    reason: str
    actor: str
    at: datetime


class Tip(BaseModel):
    id: uuid.UUID
    status: TipStatus
    received_at: datetime
    supplier: SupplierRef
    agreement_id: str
    categories: list[TipCategory]
    description: str
    description_category: DataCategory
    occurred_on: date
    reporter: Reporter
    persons: list[Person]
    holder_activity: HolderActivity
    filed_by: str
    breached_terms: list[int]
    history: list[Transition]
    next_statuses: list[TipStatus] = Field(
        description="the statuses the workflow allows the tip to move to from its "
        "current one (none once closed); only the agreement owner's tips:manage "
        "clients may make those moves (POST /v1/tips/{tip_id}/transitions)"
    )
    acknowledge_by: date | None = Field(
        description="the Swedish day by whose end the tip is due to leave received; "
        "null for a tip filed before deadlines were recorded"
    )
    decide_by: date | None = Field(
        description="the Swedish day by whose end the tip is due to reach a verdict"
    )
    acknowledged_in_time: bool | None = Field(
        description="true: acknowledged by acknowledge_by; false: later, or the day "
        "has passed; null while it can still be met"
    )
    decided_in_time: bool | None = Field(
        description="the same for decide_by and the move to a verdict"
    )
