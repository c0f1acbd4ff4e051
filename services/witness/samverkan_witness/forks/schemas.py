"""The fork evidence's wire contract."""

from datetime import datetime

from pydantic import BaseModel, Field

__all__ = ["ForkItem", "ForkList"]


class ForkItem(BaseModel):
    id: int
    origin: str
    kind: str = Field(
        description="conflicting_root: two checkpoints of one size, different roots; "
        "inconsistent_proof: a checkpoint the log could not prove extends the "
        "cosigned one"
    )
    cosigned_checkpoint: str = Field(
        description="the signed note this witness cosigned"
    )
    submitted_checkpoint: str = Field(description="the conflicting signed note")
    old_size: int
    proof: list[str] = Field(description="the consistency proof sent, base64")
    recorded_at: datetime


class ForkList(BaseModel):
    items: list[ForkItem]
