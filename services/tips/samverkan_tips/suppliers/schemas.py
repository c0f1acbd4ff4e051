"""The suppliers feature's wire contract: a supplier's record, call-off stop and lift."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from samverkan_tips.tips.schemas import Reason, RequestBody

__all__ = [
    "CallOffLift",
    "CallOffStop",
    "CallOffStopCreate",
    "CallOffStopState",
    "Supplier",
]

_STOP_EXAMPLE: JsonDict = {
    "reason": "Brister i bemanning enligt ramavtalets villkor 2",
    "tip_ids": ["0b7c6d2e-5f4a-4c1b-9a8e-3d2f1e0c9b8a"],
}


class CallOffStopCreate(RequestBody):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [_STOP_EXAMPLE]}
    )

    reason: Reason
    tip_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class CallOffLift(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Bemanningen åtgärdad"}]},
    )

    reason: Reason
    tip_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class CallOffStopState(BaseModel):
    active: bool
    since: datetime | None
    reason: str | None


class CallOffStop(BaseModel):
    """One entry of a supplier's stop/lift history."""

    action: str
    reason: str
    tip_ids: list[uuid.UUID]
    actor: str
    at: datetime


class Supplier(BaseModel):
    org_number: str
    name: str
    agreements: list[str]
    tips_total: int
    tips_by_category: dict[str, int]
    tips_by_status: dict[str, int]
    call_off_stop: CallOffStopState
    history: list[CallOffStop]
