"""Evidence that a log misbehaved: two checkpoints its key signed that cannot both hold."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Text
from sqlmodel import Field

from samverkan_witness.models import WitnessTable

__all__ = ["ForkEvidence"]


class ForkEvidence(WitnessTable, table=True):
    """The cosigned checkpoint, the conflicting one, and the proof that came with it."""

    __tablename__ = "fork_evidence"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    origin: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    cosigned_checkpoint: str = Field(sa_column=Column(Text, nullable=False))
    submitted_checkpoint: str = Field(sa_column=Column(Text, nullable=False))
    old_size: int = Field(sa_column=Column(BigInteger, nullable=False))
    proof: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )
