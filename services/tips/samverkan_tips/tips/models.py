"""The tips feature's tables, and `TipsTable`: the base of every tips service table.

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
from samverkan_shared.proof_replay import replay_table

__all__ = [
    "IdempotencyKeyRecord",
    "TipRecord",
    "TipTransitionRecord",
    "TipsTable",
    "json_field",
    "timestamp_field",
]


class TipsTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every tips table (all features); its own metadata keeps other services
    out of its migrations."""


# The DPoP proof ids tips accepted (samverkan_shared.auth checks them).
replay_table(TipsTable.metadata)


def timestamp_field(**kwargs: Any) -> Any:
    """A required UTC timestamp column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=False, **kwargs))


def json_field(**kwargs: Any) -> Any:
    """A required JSON column."""
    return Field(sa_column=Column(JSON(), nullable=False, **kwargs))


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
    categories: list[str] = json_field()
    occurred_on: date
    received_at: datetime = timestamp_field()
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
    breached_terms: list[int] = json_field()
    # Due dates (Swedish calendar days), fixed at filing by the agreement owner's
    # policy; None for tips filed before deadlines were recorded (migration 0006).
    acknowledge_by: date | None = None
    decide_by: date | None = None


class TipTransitionRecord(TipsTable, table=True):
    """One move of a tip through the workflow, with who moved it and why."""

    __tablename__ = "tip_transitions"

    id: int | None = Field(default=None, primary_key=True)
    tip_id: uuid.UUID = Field(foreign_key="tips.id", index=True)
    from_status: str = Field(max_length=32)
    to_status: str = Field(max_length=32)
    reason: str = Field(sa_type=Text)
    actor: str = Field(max_length=200)  # the client
    # The person who signed in for the client's token, if one did.
    actor_person_id: str | None = Field(default=None, max_length=200)
    actor_person_name: str | None = Field(default=None, max_length=200)
    at: datetime = timestamp_field()


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
    created_at: datetime = timestamp_field()
