"""The witnessing's wire contract."""

from datetime import datetime

from pydantic import BaseModel, Field

__all__ = ["WitnessState", "WitnessingStatus"]


class WitnessState(BaseModel):
    name: str
    url: str
    key: str = Field(description="the cosigner verifier key the log pins")
    acknowledged_size: int = Field(description="the largest tree size it cosigned")
    last_error: str | None = None
    checked_at: datetime | None = None


class WitnessingStatus(BaseModel):
    policy: int = Field(description="cosignatures a checkpoint needs to be witnessed")
    witnesses: list[WitnessState]
    tree_size: int = Field(description="the size of the newest checkpoint")
    witnessed_size: int | None = Field(
        description="the newest checkpoint's size that the policy's witnesses cosigned"
    )
