"""The webhooks feature's wire contract: a subscription, its secret once, deliveries."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from samverkan_shared.identifiers import parse_org_number
from samverkan_tips.tips.schemas import RequestBody
from samverkan_tips.webhooks.events import DeliveryState, EventType

__all__ = [
    "Delivery",
    "Webhook",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookDetail",
    "WebhookList",
]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_no_nul),
]
OrgNumber = Annotated[
    str, StringConstraints(max_length=20), AfterValidator(parse_org_number)
]
AgreementRef = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
]


class WebhookCreate(RequestBody):
    url: Url = Field(examples=["https://arende.malmo.se/hooks/samverkan"])
    events: Annotated[list[EventType], AfterValidator(_unique)] = Field(
        min_length=1, max_length=len(EventType)
    )
    # Call-off events also for these suppliers, and for suppliers on these agreements.
    supplier_org_numbers: Annotated[list[OrgNumber], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=100
    )
    agreement_ids: Annotated[list[AgreementRef], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=100
    )


class Webhook(BaseModel):
    id: uuid.UUID
    url: str
    events: list[EventType]
    supplier_org_numbers: list[str]
    agreement_ids: list[str]
    created_at: datetime


class WebhookCreated(Webhook):
    secret: str = Field(
        description="the signing secret (Standard Webhooks); shown only in this answer"
    )


class Delivery(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: EventType
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookDetail(Webhook):
    deliveries: list[Delivery] = Field(description="the most recent, newest first")


class WebhookList(BaseModel):
    items: list[Webhook]
