"""The signed checkpoints the log has issued; append-only like the entries."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, Text
from sqlmodel import Field

from samverkan_audit_log.models import AuditLogTable

__all__ = ["CheckpointRecord"]


class CheckpointRecord(AuditLogTable, table=True):
    """Every signed checkpoint ever issued (C2SP tlog-checkpoint in a signed note)."""

    __tablename__ = "audit_checkpoints"

    tree_size: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )
    root_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    issued_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )
