"""The notes feature's SQL: a tip's notes in order, a note by its Idempotency-Key."""

import uuid
from collections.abc import Sequence

from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.notes.models import TipNoteRecord

__all__ = ["NoteRepository"]


class NoteRepository(Repository):
    def add(self, record: TipNoteRecord) -> None:
        self._session.add(record)
        self._session.flush()

    def by_key(self, client_id: str, key: str) -> TipNoteRecord | None:
        statement = select(TipNoteRecord).where(
            TipNoteRecord.author_client_id == client_id,
            TipNoteRecord.idempotency_key == key,
        )
        return self._session.exec(statement).first()

    def for_tip(self, tip_id: uuid.UUID) -> Sequence[TipNoteRecord]:
        statement = (
            select(TipNoteRecord)
            .where(TipNoteRecord.tip_id == tip_id)
            .order_by(col(TipNoteRecord.created_at), col(TipNoteRecord.id))
        )
        return self._session.exec(statement).all()
