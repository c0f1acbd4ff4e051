"""The log's entries and the look-up rows the database derives from each leaf.

The database itself keeps the log append-only (migrations 0002, 0004, 0006, 0007):
entries and their side tables refuse UPDATE, DELETE, (PostgreSQL) TRUNCATE and
(SQLite) an INSERT that would REPLACE a row; an entry is only accepted right after
the last one; and the side tables are derived from each entry's leaf by the
database, which refuses any other row in them.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlmodel import Field

from samverkan_audit_log.models import AuditLogTable

__all__ = [
    "EntryLegalBasisRecord",
    "EntryRecord",
    "EntrySubjectRecord",
    "EntryTipRecord",
]


class EntryRecord(AuditLogTable, table=True):
    """One leaf of the log: its exact bytes, its hash and the columns filters need."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("decision_id", "event"),
        Index(
            "ix_audit_entries_recipient_code_entry_index",
            "recipient_code",
            "entry_index",
        ),
        Index("ix_audit_entries_occurred_at", "occurred_at"),
    )

    entry_index: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )
    leaf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    leaf_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    event: str = Field(sa_column=Column(String(64), nullable=False))
    decision_id: str = Field(sa_column=Column(String(128), nullable=False))
    occurred_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    recipient_code: str = Field(sa_column=Column(String(40), nullable=False))
    legal_basis: list[str] = Field(sa_column=Column(JSON, nullable=False))
    partner_reference: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True)
    )
    appended_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )


def _entry_index() -> Any:
    """The entry an index row belongs to (each table needs a Column of its own)."""
    return Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("audit_entries.entry_index"),
            primary_key=True,
            autoincrement=False,
        )
    )


class EntryLegalBasisRecord(AuditLogTable, table=True):
    """Which entries cite which legal basis (rule id), for the legal_basis filter.

    Written by the database from each entry's leaf (migration 0006), never by the code.
    """

    __tablename__ = "audit_entry_legal_basis"
    __table_args__ = (Index("ix_audit_entry_legal_basis_entry_index", "entry_index"),)

    basis: str = Field(sa_column=Column(String(100), primary_key=True))
    entry_index: int = _entry_index()


class EntrySubjectRecord(AuditLogTable, table=True):
    """Which entries name which subject pseudonym, for access requests.

    Written by the database from each entry's leaf (migration 0006), never by the code.
    """

    __tablename__ = "audit_entry_subjects"
    __table_args__ = (Index("ix_audit_entry_subjects_entry_index", "entry_index"),)

    subject: str = Field(sa_column=Column(String(80), primary_key=True))
    entry_index: int = _entry_index()


class EntryTipRecord(AuditLogTable, table=True):
    """Which entries disclose which tips, for the tip_id filter.

    Written by the database from each entry's leaf (migration 0007), never by the code.
    """

    __tablename__ = "audit_entry_tips"
    __table_args__ = (Index("ix_audit_entry_tips_entry_index", "entry_index"),)

    tip_id: str = Field(sa_column=Column(String(36), primary_key=True))
    entry_index: int = _entry_index()
