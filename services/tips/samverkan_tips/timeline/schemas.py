"""The timeline's wire contract: events typed by their ``kind``."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from samverkan_tips.disclosures.schemas import DisclosureRecipientView
from samverkan_tips.tips.schemas import Actor
from samverkan_tips.tips.workflow import TipStatus

__all__ = [
    "AcknowledgedEvent",
    "CallOffEvent",
    "DecidedEvent",
    "DisclosureEvent",
    "FiledEvent",
    "NoteEvent",
    "Timeline",
    "TimelineEvent",
    "TransitionEvent",
]


class FiledEvent(BaseModel):
    kind: Literal["filed"] = "filed"
    at: datetime
    filed_by: str
    acknowledge_by: date | None
    decide_by: date | None


class TransitionEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    kind: Literal["transition"] = "transition"
    at: datetime
    from_: TipStatus = Field(alias="from")
    to: TipStatus
    reason: str
    actor: Actor


class AcknowledgedEvent(BaseModel):
    """The first move out of received."""

    kind: Literal["acknowledged"] = "acknowledged"
    at: datetime
    due: date | None
    in_time: bool | None


class DecidedEvent(BaseModel):
    """The move to a verdict."""

    kind: Literal["decided"] = "decided"
    at: datetime
    outcome: TipStatus
    due: date | None
    in_time: bool | None


class NoteEvent(BaseModel):
    kind: Literal["note"] = "note"
    at: datetime
    note_id: uuid.UUID
    text: str
    author: Actor


class CallOffEvent(BaseModel):
    """A stop or lift of call-offs from the tip's supplier that named this tip."""

    kind: Literal["call_off_stopped", "call_off_lifted"]
    at: datetime
    supplier_org_number: str
    agreement_ids: list[str] = Field(description="the agreements stopped or lifted")
    reason: str
    actor: Actor


class DisclosureEvent(BaseModel):
    """A disclosure about the tip, as sharing reported it (never the payload)."""

    kind: Literal["disclosure"] = "disclosure"
    at: datetime = Field(description="when it was released")
    disclosure_id: str
    audit_index: int
    recipient: DisclosureRecipientView
    legal_basis: list[str]
    data_categories: list[str]


TimelineEvent = Annotated[
    FiledEvent
    | TransitionEvent
    | AcknowledgedEvent
    | DecidedEvent
    | NoteEvent
    | CallOffEvent
    | DisclosureEvent,
    Field(discriminator="kind"),
]


class Timeline(BaseModel):
    tip_id: uuid.UUID
    view: Literal["owner", "filer"] = Field(
        description="owner: every event; filer: without the owner's case notes and "
        "the disclosures"
    )
    events: list[TimelineEvent]
