"""The notes feature's table: case notes, their text sealed (`tips.sealing`)."""

import uuid
from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field

from samverkan_tips.tips.models import TipsTable, timestamp_field

__all__ = ["TipNoteRecord"]


class TipNoteRecord(TipsTable, table=True):
    """A note on a tip by its agreement owner's officer; only the author's identity
    and the time are in clear."""

    __tablename__ = "tip_notes"
    __table_args__ = (
        Index("ix_tip_notes_tip_id_created_at", "tip_id", "created_at"),
        # A retry with the client's Idempotency-Key finds the note it stored.
        UniqueConstraint("author_client_id", "idempotency_key"),
    )

    id: uuid.UUID = Field(primary_key=True)
    tip_id: uuid.UUID = Field(foreign_key="tips.id")
    text_sealed: str = Field(sa_type=Text)
    author_client_id: str = Field(max_length=200)
    author_person_id: str | None = Field(default=None, max_length=200)
    author_person_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    idempotency_key: str | None = Field(default=None, max_length=200)
    fingerprint: str | None = Field(default=None, max_length=64)
