"""The outbox of tip reports: one row per released disclosure and tip.

A row is written in the transaction that marks its disclosure released, so a report
exists exactly when the release committed; the reporter (``reporter.py``) claims due
rows by setting ``lease_until`` and stores each attempt's outcome.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_sharing.oauth.models import SharingTable

__all__ = ["TipReportRecord"]


class TipReportRecord(SharingTable, table=True):
    __tablename__ = "tip_reports"
    __table_args__ = (
        # A release completed twice (a retry racing the first) reports once.
        UniqueConstraint("disclosure_id", "tip_id"),
        Index("ix_tip_reports_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    disclosure_id: str = Field(foreign_key="disclosures.id", max_length=36)
    tip_id: str = Field(max_length=36)
    # The body tips receives: recipient, legal basis, categories, time, audit index.
    report: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When tips took it (delivered) or refused it for good (unknown_tip).
    settled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
