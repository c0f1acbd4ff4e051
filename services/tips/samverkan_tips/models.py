"""The tips service's tables, on a registry of their own.

Sensitive parts of a tip (``description``, ``persons``, the reporter's contact) are
stored only as AES-GCM tokens (``*_sealed`` columns, see `sealing`); everything a search
needs (supplier, agreement, status, dates) stays in clear so no query decrypts.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from samverkan_shared.db import NAMING_CONVENTION
from samverkan_shared.db_types import UTCDateTime

__all__ = [
    "AgreementRecord",
    "AgreementSupplierRecord",
    "CallOffStopRecord",
    "IdempotencyKeyRecord",
    "SupplierRecord",
    "TipRecord",
    "TipTransitionRecord",
    "TipsTable",
    "UTCDateTime",
]


class TipsTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every tips table; its own metadata keeps other services out of its migrations."""


def _timestamp(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False, **kwargs))


def _json(**kwargs: Any) -> Any:
    return Field(sa_column=Column(JSON(), nullable=False, **kwargs))


class AgreementRecord(TipsTable, table=True):
    """A framework agreement; ``terms`` is ``[{"number": 1, "text": "..."}, ...]``."""

    __tablename__ = "agreements"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    area: str = Field(max_length=200)
    valid_from: date
    valid_to: date | None = None
    terms: list[dict[str, Any]] = _json()


class SupplierRecord(TipsTable, table=True):
    """A supplier and its current call-off stop (the history is in ``call_off_stops``).

    The current state sits on the supplier so the selection list can hide stopped
    suppliers in one indexed query, and so stop and lift can lock this one row.
    """

    __tablename__ = "suppliers"

    org_number: str = Field(primary_key=True, max_length=11)  # NNNNNN-NNNN
    name: str = Field(max_length=200)
    stopped_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    stop_reason: str | None = Field(default=None, sa_type=Text)


class AgreementSupplierRecord(TipsTable, table=True):
    """The selection list: which suppliers an agreement's call-offs may go to."""

    __tablename__ = "agreement_suppliers"

    agreement_id: str = Field(foreign_key="agreements.id", primary_key=True)
    supplier_org_number: str = Field(
        foreign_key="suppliers.org_number", primary_key=True, index=True
    )


class TipRecord(TipsTable, table=True):
    __tablename__ = "tips"
    # Keyset pagination walks (received_at, id), overall and per supplier.
    __table_args__ = (
        Index("ix_tips_received_at_id", "received_at", "id"),
        Index("ix_tips_supplier_received_at", "supplier_org_number", "received_at"),
        # An organisation's tips in listing order (migration 0003).
        Index("ix_tips_filed_by_org_received_at", "filed_by_org", "received_at", "id"),
    )

    id: uuid.UUID = Field(primary_key=True)
    supplier_org_number: str = Field(foreign_key="suppliers.org_number", index=True)
    supplier_name: str = Field(max_length=200)  # as the reporter named it
    agreement_id: str = Field(foreign_key="agreements.id", index=True)
    categories: list[str] = _json()
    occurred_on: date
    received_at: datetime = _timestamp()
    status: str = Field(max_length=32, index=True)
    holder_activity: str = Field(max_length=32)
    description_category: str = Field(max_length=32)
    reporter_municipality_code: str = Field(max_length=4)
    reporter_unit: str = Field(max_length=200)
    filed_by: str = Field(max_length=200)
    filed_by_org: str | None = Field(default=None, max_length=11)
    description_sealed: str = Field(sa_type=Text)
    persons_sealed: str = Field(sa_type=Text)
    contact_email_sealed: str | None = Field(default=None, sa_type=Text)
    breached_terms: list[int] = _json()


class TipTransitionRecord(TipsTable, table=True):
    """One move of a tip through the workflow, with who moved it and why."""

    __tablename__ = "tip_transitions"

    id: int | None = Field(default=None, primary_key=True)
    tip_id: uuid.UUID = Field(foreign_key="tips.id", index=True)
    from_status: str = Field(max_length=32)
    to_status: str = Field(max_length=32)
    reason: str = Field(sa_type=Text)
    actor: str = Field(max_length=200)
    at: datetime = _timestamp()


class CallOffStopRecord(TipsTable, table=True):
    """One stop or lift of call-offs from a supplier; the latest row is the state."""

    __tablename__ = "call_off_stops"

    id: int | None = Field(default=None, primary_key=True)
    supplier_org_number: str = Field(foreign_key="suppliers.org_number", index=True)
    action: str = Field(max_length=8)  # "stop" | "lift"
    reason: str = Field(sa_type=Text)
    tip_ids: list[str] = _json()
    actor: str = Field(max_length=200)
    at: datetime = _timestamp()


class IdempotencyKeyRecord(TipsTable, table=True):
    """A filed tip's Idempotency-Key, per client.

    No foreign key to ``tips``: this row is inserted first, so that a concurrent retry
    stops at the primary key before doing any other work, and a foreign key would
    force the tip in first.
    """

    __tablename__ = "idempotency_keys"

    client_id: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    fingerprint: str = Field(max_length=64)
    tip_id: uuid.UUID
    created_at: datetime = _timestamp()
