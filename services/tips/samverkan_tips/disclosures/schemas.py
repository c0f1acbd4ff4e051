"""The disclosures feature's wire contract: sharing's report of a disclosure about a
tip (``POST /internal/v1/tips/{tip_id}/disclosures``), and how the timeline shows it.

The report names who received what kind of data, on which legal basis and when, and
the audit entry that proves it; never the released payload.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from samverkan_shared.identifiers import parse_org_number
from samverkan_tips.tips.schemas import RequestBody, no_nul

__all__ = ["DisclosureRecipient", "DisclosureRecipientView", "DisclosureReport"]

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


class DisclosureReport(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
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
            ]
        },
    )

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


class DisclosureRecipientView(BaseModel):
    code: str
    org_number: str
    name: str
