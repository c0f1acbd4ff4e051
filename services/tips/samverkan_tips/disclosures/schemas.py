"""The disclosures feature's wire contract: sharing's reports of disclosures about tips
(``POST /internal/v1/tip-disclosures``, several in one request), and how the timeline
shows them.

The report names who received what kind of data, on which legal basis and when, and
the audit entry that proves it; never the released payload.
"""

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic.config import JsonDict

from samverkan_shared.identifiers import parse_org_number
from samverkan_tips.tips.schemas import RequestBody, no_nul

__all__ = [
    "DisclosureRecipient",
    "DisclosureRecipientView",
    "DisclosureReport",
    "DisclosureReportBatch",
    "ReportOutcome",
    "ReportResult",
    "ReportResults",
]

# Reports in one request: sharing's reporter sends what one round claimed.
MAX_REPORTS = 100

_Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), no_nul
]
_Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")
]


_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class DisclosureRecipient(RequestBody):
    code: _Code
    org_number: str = Field(max_length=20, examples=["202100-0076"])
    name: _Text

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str) -> str:
        return parse_org_number(value)


_REPORT_EXAMPLE: JsonDict = {
    "tip_id": "0b7c6d2e-5f4a-4c1b-9a8e-3d2f1e0c9b8a",
    "disclosure_id": "6f1c2b1e-1d0c-4f0e-9d35-0d8a4c2f7a10",
    "audit_index": 41,
    "recipient": {
        "code": "polismyndigheten",
        "org_number": "202100-0076",
        "name": "Polismyndigheten",
    },
    "legal_basis": ["OSL 10:24"],
    "data_categories": ["supplier_business"],
    "released_at": "2026-12-07T09:30:00Z",
}


class DisclosureReport(RequestBody):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [_REPORT_EXAMPLE]}
    )

    tip_id: uuid.UUID
    disclosure_id: Annotated[
        str, StringConstraints(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")
    ]
    audit_index: int = Field(strict=True, ge=0, le=2**63 - 1)
    recipient: DisclosureRecipient
    legal_basis: list[_Text] = Field(max_length=200)
    data_categories: list[_Code] = Field(max_length=100)
    released_at: AwareDatetime

    @field_validator("released_at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        """A release from this century, and not tomorrow (a day of clock skew)."""
        try:
            instant = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("the time lies outside the years 2000 to now") from None
        if not _EARLIEST <= instant <= datetime.now(UTC) + timedelta(days=1):
            raise ValueError("the time lies outside the years 2000 to now")
        return instant


class DisclosureReportBatch(RequestBody):
    """Reports of disclosures, each about one tip; stored together."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reports": [_REPORT_EXAMPLE]}]},
    )

    reports: list[DisclosureReport] = Field(min_length=1, max_length=MAX_REPORTS)


class ReportOutcome(StrEnum):
    RECORDED = "recorded"  # stored now, or before (a repeat changes nothing)
    UNKNOWN_TIP = "unknown_tip"  # tips has no such tip: nothing is stored


class ReportResult(BaseModel):
    tip_id: uuid.UUID
    disclosure_id: str
    audit_index: int
    outcome: ReportOutcome


class ReportResults(BaseModel):
    """One result per report, in the order of the request."""

    results: list[ReportResult]


class DisclosureRecipientView(BaseModel):
    code: str
    org_number: str
    name: str
