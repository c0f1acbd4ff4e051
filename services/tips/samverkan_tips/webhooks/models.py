"""The webhooks feature's tables: subscriptions, the outbox of events, deliveries.

An event row is written in the transaction of the change that causes it (the
transactional outbox); the deliverer later fans it out into one delivery per
matching subscription and sends those, so filing pays one INSERT per event.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_tips.tips.models import TipsTable, json_field, timestamp_field

__all__ = ["WebhookDeliveryRecord", "WebhookEventRecord", "WebhookSubscriptionRecord"]


class WebhookSubscriptionRecord(TipsTable, table=True):
    """An organisation's endpoint for the events it asked for."""

    __tablename__ = "webhook_subscriptions"

    id: uuid.UUID = Field(primary_key=True)
    org_number: str = Field(max_length=11, index=True)
    url: str = Field(sa_type=Text)
    events: list[str] = json_field()
    # Call-off events also for these suppliers, or suppliers on these agreements.
    supplier_org_numbers: list[str] = json_field()
    agreement_ids: list[str] = json_field()
    # The signing secret (whsec_...), sealed with the tips keyring.
    secret_sealed: str = Field(sa_type=Text)
    created_by: str = Field(max_length=200)
    created_at: datetime = timestamp_field()


class WebhookEventRecord(TipsTable, table=True):
    """One event in the outbox; ``fanned_out_at`` is set once its deliveries exist."""

    __tablename__ = "webhook_events"

    id: uuid.UUID = Field(primary_key=True)
    type: str = Field(max_length=64)
    occurred_at: datetime = timestamp_field()
    data: dict[str, Any] = json_field()
    # What decides the recipients: the tip, its supplier and agreement.
    tip_id: uuid.UUID | None = None
    supplier_org_number: str = Field(max_length=11)
    agreement_id: str | None = Field(default=None, max_length=64)
    fanned_out_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )


class WebhookDeliveryRecord(TipsTable, table=True):
    """One event sent to one subscription: its state, attempts and lease.

    A worker claims a due delivery by setting ``lease_until``; until then no other
    worker takes it, and one that crashed mid-send leaves it to be taken again.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(
            "ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"
        ),
        Index(
            "ix_webhook_deliveries_subscription_id_created_at",
            "subscription_id",
            "created_at",
        ),
    )

    id: uuid.UUID = Field(primary_key=True)
    event_id: uuid.UUID = Field(foreign_key="webhook_events.id", index=True)
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscriptions.id")
    state: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = timestamp_field()
    lease_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
