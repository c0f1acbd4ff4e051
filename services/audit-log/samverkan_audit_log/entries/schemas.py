"""The entries' wire contract: entries, receipts, pages, look-ups (docs/architecture.md)."""

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
)
from pydantic.config import JsonDict

from samverkan_shared.canonical_json import MAX_SAFE_INTEGER
from samverkan_shared.identifiers import InvalidIdentifier, parse_org_number
from samverkan_shared.pseudonyms import PSEUDONYM_PREFIX
from samverkan_shared.rfc3339 import Rfc3339DateTime

__all__ = [
    "LEGAL_BASIS",
    "MAX_DETAILS_DEPTH",
    "MAX_INDEX",
    "PSEUDONYM",
    "RECIPIENT_CODE",
    "TIP_ID",
    "Entry",
    "EntryItem",
    "EntryPage",
    "Receipt",
    "Recipient",
    "SubjectLookup",
]

MAX_DETAILS_DEPTH = 16
MAX_INDEX = 2**63 - 1  # BIGINT: larger numbers would fail in PostgreSQL, not 404
RECIPIENT_CODE = r"^[a-z][a-z0-9_]{0,39}$"
PSEUDONYM = rf"^{PSEUDONYM_PREFIX}[0-9a-f]{{64}}$"
LEGAL_BASIS = r"^[^\x00-\x1f]{1,100}$"
TIP_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 except tab, LF, CR


def _printable(text: str) -> str:
    # PostgreSQL cannot store NUL; other C0 controls have no place in an audit record.
    if _CONTROL.search(text):
        raise ValueError("must not contain NUL or other control characters")
    return text


def _org_number(text: str) -> str:
    try:
        return parse_org_number(text)
    except InvalidIdentifier as error:
        raise ValueError(str(error)) from None


def _utc(moment: datetime) -> datetime:
    # One instant, one spelling: the leaf bytes must not depend on the sender's offset.
    return moment.astimezone(UTC)


Text = Annotated[str, AfterValidator(_printable)]
Code = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9_.:-]*$", min_length=1, max_length=64)
]
Pseudonym = Annotated[str, Field(pattern=PSEUDONYM, max_length=80)]
Moment = Annotated[Rfc3339DateTime, AfterValidator(_utc)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Recipient(_Strict):
    """The authority (or body) the data was disclosed to."""

    code: Annotated[str, Field(pattern=RECIPIENT_CODE)]
    # Optional (a private recipient may have none), but when given a legal entity's
    # number: a sole trader's personnummer must never enter the log in clear.
    org_number: (
        Annotated[str, Field(max_length=13), AfterValidator(_org_number)] | None
    ) = None
    name: Annotated[Text, Field(min_length=1, max_length=200)] | None = None


_ENTRY_EXAMPLE: JsonDict = {
    "event": "disclosure.released",
    "decision_id": "3f1c2a9e-6b7d-4e21-9c0a-5d8e7f6a1b2c",
    "occurred_at": "2026-11-23T10:00:00Z",
    "actor": "sharing-service",
    "recipient": {
        "code": "polismyndigheten",
        "org_number": "202100-0076",
        "name": "Polismyndigheten",
    },
    "legal_basis": ["osl-10-24"],
    "data_categories": ["supplier_company"],
    "subjects": ["hmac-sha256:" + "5e" * 32],
    "payload_sha256": "9f" * 32,
    "partner_reference": "AM-2026-1234",
}


class Entry(_Strict):
    """One disclosure as logged; its RFC 8785 canonical JSON is the Merkle leaf."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [_ENTRY_EXAMPLE]}
    )

    event: Code
    decision_id: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$", max_length=128)
    ]
    occurred_at: Moment
    actor: Annotated[Text, Field(min_length=1, max_length=200)]
    recipient: Recipient
    legal_basis: Annotated[
        list[Annotated[Text, Field(min_length=1, max_length=100)]], Field(max_length=50)
    ]
    data_categories: Annotated[list[Code], Field(max_length=100)]
    subjects: Annotated[list[Pseudonym], Field(max_length=1000)]
    payload_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    tip_ids: (
        Annotated[
            list[Annotated[str, Field(pattern=TIP_ID)]],
            Field(
                max_length=1000,
                description="the tips the disclosure was about (lower-case UUIDs); "
                "what GET /v1/entries?tip_id= finds",
            ),
        ]
        | None
    ) = None
    partner_reference: Annotated[Text, Field(max_length=200)] | None = None
    catalogue_version: Annotated[Text, Field(max_length=64)] | None = None
    details: dict[str, JsonValue] | None = Field(
        default=None,
        description="Further facts of the decision (purpose, fields, assessors...).",
    )

    @field_validator("details")
    @classmethod
    def _details_are_storable(
        cls, value: dict[str, JsonValue] | None
    ) -> dict[str, JsonValue] | None:
        _check_json(value, depth=0)
        return value

    def document(self) -> dict[str, Any]:
        """The entry as the JSON object that is canonicalised into the leaf."""
        return self.model_dump(mode="json", exclude_none=True)


def _check_json(value: object, *, depth: int) -> None:
    if depth > MAX_DETAILS_DEPTH:
        raise ValueError(f"is nested deeper than {MAX_DETAILS_DEPTH} levels")
    if isinstance(value, str):
        _printable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _printable(key)
            _check_json(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth=depth + 1)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value)


def _check_number(value: int | float) -> None:
    # RFC 8785 §3.2.2.3: only IEEE 754 doubles have one canonical form.
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        raise ValueError("integers must lie within ±2**53 (RFC 8785)")


class Receipt(_Strict):
    """Proof of logging handed to partners: the leaf's place and the signed tree head."""

    index: int
    leaf_hash: str = Field(description="base64 of SHA-256(0x00 || leaf), RFC 9162")
    tree_size: int
    checkpoint: str = Field(description="C2SP signed note of the tree with this entry")


class EntryItem(_Strict):
    index: int
    entry: dict[str, Any]
    leaf: str = Field(description="base64 of the exact leaf bytes (RFC 8785 JSON)")
    leaf_hash: str = Field(description="base64 of SHA-256(0x00 || leaf)")


class EntryPage(_Strict):
    items: list[EntryItem]
    next_cursor: str | None


class SubjectLookup(_Strict):
    """A personal, coordination or organisation number, in the body (never a URL)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"identifier": "556677-8899"}]}
    )

    identifier: Annotated[Text, Field(min_length=1, max_length=20)]
