"""The stored disclosure: its query, decision, audit entry and history."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Dialect, Index, String, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_sharing.disclosures.workflow import DisclosureStatus
from samverkan_sharing.oauth.models import SharingTable

__all__ = ["DisclosureRecord"]


class _StatusColumn(TypeDecorator[DisclosureStatus]):
    """The status as its plain string in the database, as the enum in Python."""

    impl = String(30)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else DisclosureStatus(value).value

    def process_result_value(
        self, value: Any, dialect: Dialect
    ) -> DisclosureStatus | None:
        return None if value is None else DisclosureStatus(value)


class DisclosureRecord(SharingTable, table=True):
    """One request or notice. The released data is kept only encrypted (`payload_ciphertext`).

    `query` and `decision` are the rule engine's contract JSON, so a replay against a
    proposed catalogue can re-run every decision ever taken. `audit_entry` is written
    before the append and never changed, so a retry appends byte-identical JSON.
    """

    __tablename__ = "disclosures"
    __table_args__ = (
        UniqueConstraint("requester", "idempotency_key"),
        # The lists (migration 0004): pages by creation, filters on the due date.
        Index("ix_disclosures_created_at_id", "created_at", "id"),
        Index("ix_disclosures_assessment_due", "assessment_due"),
    )

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=20)  # request | notification
    status: DisclosureStatus = Field(
        sa_column=Column(_StatusColumn(), nullable=False, index=True)
    )
    outcome: str = Field(max_length=30)
    requester: str = Field(max_length=64, index=True)
    recipient_code: str = Field(max_length=40, index=True)
    recipient_org_number: str | None = Field(default=None, max_length=11)
    recipient_name: str | None = Field(default=None, max_length=200)
    partner_reference: str | None = Field(default=None, max_length=200)
    tip_id: str | None = Field(default=None, max_length=36)
    supplier_org_number: str | None = Field(default=None, max_length=11)
    idempotency_key: str | None = Field(default=None, max_length=200)
    fingerprint: str = Field(max_length=64)
    query: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    decision: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    withheld: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    payload_ciphertext: str | None = Field(default=None, sa_column=Column(Text))
    payload_sha256: str | None = Field(default=None, max_length=64)
    audit_entry: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    receipt: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    assessment: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    approval: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    message: str | None = Field(default=None, sa_column=Column(Text))
    history: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    assessment_due: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime())
    )
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
