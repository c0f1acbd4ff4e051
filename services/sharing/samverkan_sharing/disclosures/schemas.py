"""Wire contract of disclosures: requests, answers, assessments, approvals, notices."""

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from samverkan_shared.identifiers import InvalidIdentifier, parse_org_number
from samverkan_sharing.disclosures.workflow import DisclosureStatus
from samverkan_sharing.rules.query import MAX_FIELDS
from samverkan_sharing.rules.vocabulary import PurposeCode, Recipient

__all__ = [
    "Approval",
    "ApprovalDecision",
    "Assessment",
    "Disclosure",
    "DisclosurePage",
    "DisclosureRequest",
    "DisclosureStatus",
    "DisclosureSummary",
    "DisclosureSummaryPage",
    "NotificationCreate",
    "Offence",
    "Proposal",
    "Purpose",
    "Receipt",
    "Withheld",
    "WrittenAssessment",
]

_FORBID = ConfigDict(extra="forbid")


def _not_blank(value: str) -> str:
    # The rule engine's own test (str.strip), so the two cannot disagree.
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# No NUL (PostgreSQL cannot store it) and not only whitespace.
_NO_NUL = r"^[^\x00]*$"
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000, pattern=_NO_NUL),
    AfterValidator(_not_blank),
]
# Free text the rule engine reads: it takes at most 2000 characters.
QueryText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, pattern=_NO_NUL),
    AfterValidator(_not_blank),
]
Short = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=_NO_NUL),
    AfterValidator(_not_blank),
]
FieldName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=_NO_NUL),
    AfterValidator(_not_blank),
]


class Offence(BaseModel):
    """The suspected offence and its penalty scale, as the rule engine reads it."""

    model_config = _FORBID
    name: Short
    reference: Short = Field(
        description="The legal reference of the offence, e.g. 'BrB 9:3'."
    )
    min_penalty_months: float = Field(ge=0, le=1200)
    max_penalty_months: float = Field(ge=0, le=1200)
    attempt: bool = False

    @model_validator(mode="after")
    def _scale_in_order(self) -> "Offence":
        if self.min_penalty_months > self.max_penalty_months:
            raise ValueError("max_penalty_months is below min_penalty_months")
        return self


class Purpose(BaseModel):
    """The purpose, exactly as in the rule engine's evaluation contract."""

    model_config = _FORBID
    code: PurposeCode
    offence: Offence | None = None
    detail: QueryText | None = None


class _Target(BaseModel):
    model_config = _FORBID
    tip_id: UUID | None = None
    supplier_org_number: Short | None = None
    purpose: Purpose
    # As many as the rule engine evaluates in one query: a request the schema
    # accepts is one the engine can decide.
    fields: list[FieldName] | None = Field(default=None, max_length=MAX_FIELDS)
    victim_under_18: bool = False
    subject_age: int | None = Field(default=None, ge=0, le=130)
    requested_basis: Short | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "_Target":
        if (self.tip_id is None) == (self.supplier_org_number is None):
            raise ValueError("give exactly one of tip_id and supplier_org_number")
        if self.supplier_org_number is not None:
            try:
                self.supplier_org_number = parse_org_number(self.supplier_org_number)
            except InvalidIdentifier as error:
                raise ValueError(f"supplier_org_number: {error}") from None
        return self


class DisclosureRequest(_Target):
    """A partner's request; the recipient is the caller's registered one, never this body."""

    partner_reference: Short


class NotificationCreate(_Target):
    """The municipality's own-initiative notice to an authority."""

    recipient: Recipient
    message: Text | None = None


class Receipt(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    checkpoint: str


class Withheld(BaseModel):
    field: str
    category: str
    outcome: Literal["withhold", "needs_assessment"]
    reason: str


class Proposal(BaseModel):
    model_config = _FORBID
    field: FieldName
    decision: Literal["release", "withhold"]
    reason: Text


class Assessment(BaseModel):
    """The written interest assessment (menprövning) and a proposal per held field."""

    model_config = _FORBID
    assessment: Text
    proposals: list[Proposal] = Field(min_length=1, max_length=200)


ApprovalDecision = Literal["approve", "deny"]


class Approval(BaseModel):
    model_config = _FORBID
    decision: ApprovalDecision
    reason: Text


class WrittenAssessment(BaseModel):
    """The interest assessment as the assessor wrote it: the approver reads it before
    deciding. Only officers see it, never the partner who asked."""

    text: str
    assessor: str = Field(description="the assessing person's subject")
    assessor_name: str | None
    at: datetime
    proposals: list[Proposal]


class DisclosureSummary(BaseModel):
    """A disclosure in a list: where it stands, never the released data."""

    id: str
    kind: Literal["request", "notification"]
    status: DisclosureStatus
    outcome: str
    requester: str = Field(description="the client that asked (or sent the notice)")
    recipient: dict[str, str | None]
    partner_reference: str | None
    tip_id: str | None
    supplier_org_number: str | None
    held_fields: list[str] = Field(
        description="fields that wait for (or went through) a person's assessment"
    )
    assessment_due: datetime | None
    created_at: datetime
    updated_at: datetime


class Disclosure(BaseModel):
    id: str
    kind: Literal["request", "notification"]
    status: str
    outcome: str
    recipient: dict[str, str | None]
    partner_reference: str | None
    tip_id: str | None
    supplier_org_number: str | None
    released: dict[str, Any]
    withheld: list[Withheld]
    legal_basis: list[str]
    flags: list[str]
    catalogue_version: str
    audit: Receipt | None
    decision: dict[str, Any]
    assessment_due: datetime | None
    history: list[dict[str, Any]]
    created_at: datetime
    as_of: date
    message: str | None = None
    purpose: dict[str, Any] | None = Field(
        default=None, description="the purpose the rules were asked about"
    )
    assessment: WrittenAssessment | None = Field(
        default=None, description="the written assessment; officers only"
    )


# The suite's page shape: `{"items": [...], "next_cursor": ...}`.


class DisclosurePage(BaseModel):
    items: list[Disclosure]
    next_cursor: str | None


class DisclosureSummaryPage(BaseModel):
    items: list[DisclosureSummary]
    next_cursor: str | None
