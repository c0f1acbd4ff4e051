"""The disclosures feature's SQL: a tip's reported disclosures; no commits."""

import uuid
from collections.abc import Sequence

from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.disclosures.models import TipDisclosureRecord

__all__ = ["DisclosureRepository"]


class DisclosureRepository(Repository):
    def get(
        self, tip_id: uuid.UUID, disclosure_id: str, audit_index: int
    ) -> TipDisclosureRecord | None:
        key = (tip_id, disclosure_id, audit_index)
        return self._session.get(TipDisclosureRecord, key)

    def add(self, record: TipDisclosureRecord) -> None:
        self._session.add(record)
        self._session.flush()

    def for_tip(self, tip_id: uuid.UUID) -> Sequence[TipDisclosureRecord]:
        statement = (
            select(TipDisclosureRecord)
            .where(TipDisclosureRecord.tip_id == tip_id)
            .order_by(
                col(TipDisclosureRecord.released_at),
                col(TipDisclosureRecord.audit_index),
            )
        )
        return self._session.exec(statement).all()
