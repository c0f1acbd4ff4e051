"""The deadlines feature's wire contract: an organisation's deadline policy."""

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from samverkan_tips.deadlines.policy import MAX_ACKNOWLEDGE_DAYS, MAX_DECIDE_DAYS
from samverkan_tips.tips.schemas import RequestBody

__all__ = ["DeadlinePolicyUpdate", "DeadlinePolicyView"]


class DeadlinePolicyUpdate(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"acknowledge_working_days": 2, "decide_working_days": 20}]
        },
    )

    acknowledge_working_days: int = Field(ge=1, le=MAX_ACKNOWLEDGE_DAYS)
    decide_working_days: int = Field(ge=1, le=MAX_DECIDE_DAYS)

    @model_validator(mode="after")
    def _decide_after_acknowledge(self) -> Self:
        if self.decide_working_days < self.acknowledge_working_days:
            raise ValueError(
                "decide_working_days may not be fewer than acknowledge_working_days"
            )
        return self


class DeadlinePolicyView(BaseModel):
    org_number: str
    acknowledge_working_days: int
    decide_working_days: int
    source: Literal["default", "organisation"] = Field(
        description="default: the service's (the organisation has set none)"
    )
    updated_by: str | None
    updated_at: datetime | None
