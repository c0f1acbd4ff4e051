"""The witnesses' cosignatures of the log's checkpoints; append-only like the log."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlmodel import Field

from samverkan_audit_log.models import AuditLogTable

__all__ = ["CosignatureRecord"]


class CosignatureRecord(AuditLogTable, table=True):
    """One witness's cosignature/v1 line on the checkpoint of one tree size."""

    __tablename__ = "audit_cosignatures"
    __table_args__ = (PrimaryKeyConstraint("tree_size", "witness", "key_id"),)

    tree_size: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("audit_checkpoints.tree_size"),
            nullable=False,
            autoincrement=False,
        )
    )
    witness: str = Field(sa_column=Column(String(200), nullable=False))
    key_id: str = Field(sa_column=Column(String(8), nullable=False))
    # The witness's own time of signing (POSIX seconds), from the signed bytes.
    signed_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    line: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False)
    )
