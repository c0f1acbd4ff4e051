"""The newest checkpoint the witness cosigned, one row per log it follows."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, String, Text
from sqlmodel import Field

from samverkan_witness.models import WitnessTable

__all__ = ["WitnessedLog"]


class WitnessedLog(WitnessTable, table=True):
    """A log's latest cosigned tree head: its size and root, and the note served back."""

    __tablename__ = "witnessed_logs"

    origin: str = Field(sa_column=Column(String(200), primary_key=True))
    # tlog-witness serves a log's checkpoint at /<hex SHA-256 of the origin>/checkpoint.
    origin_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    tree_size: int = Field(sa_column=Column(BigInteger, nullable=False))
    root_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    checkpoint: str = Field(sa_column=Column(Text, nullable=False))
    cosigned_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )
