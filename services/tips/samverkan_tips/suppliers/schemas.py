"""The suppliers feature's wire contract: a supplier's record, call-off stop and lift."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from samverkan_tips.tips.schemas import Reason, RequestBody

__all__ = [
    "AgreementCallOffStop",
    "CallOffLift",
    "CallOffStop",
    "CallOffStopCreate",
    "CallOffStopState",
    "Supplier",
]

# The agreements a stop or lift is about; left out: the caller's own agreements the
# supplier is on (those not yet stopped, for a stop; those stopped, for a lift).
AgreementIds = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] | None,
    Field(default=None, min_length=1, max_length=100),
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
    agreement_ids: AgreementIds = None


class CallOffLift(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Bemanningen åtgärdad"}]},
    )

    reason: Reason
    tip_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    agreement_ids: AgreementIds = None


class CallOffStopState(BaseModel):
    active: bool
    since: datetime | None
    reason: str | None


class AgreementCallOffStop(CallOffStopState):
    """Whether call-offs from the supplier are stopped on one of its agreements."""

    agreement_id: str


class CallOffStop(BaseModel):
    """One entry of a supplier's stop/lift history."""

    action: str
    agreement_ids: list[str]
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
    # Active if call-offs are stopped on any of its agreements (since the earliest
    # such stop, with its reason); each agreement's own state is in call_off_stops.
    call_off_stop: CallOffStopState
    call_off_stops: list[AgreementCallOffStop]
    history: list[CallOffStop]
