"""The disclosures feature's SQL: a tip's reported disclosures; no commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import tuple_
from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.disclosures.models import TipDisclosureRecord

__all__ = ["DisclosureKey", "DisclosureRepository"]

# (tip, sharing's disclosure id, audit index): the table's key.
DisclosureKey = tuple[uuid.UUID, str, int]


class DisclosureRepository(Repository):
    def existing_keys(self, keys: Sequence[DisclosureKey]) -> set[DisclosureKey]:
        """Which of these are stored, in one query."""
        if not keys:
            return set()
        columns = (
            col(TipDisclosureRecord.tip_id),
            col(TipDisclosureRecord.disclosure_id),
            col(TipDisclosureRecord.audit_index),
        )
        statement = select(*columns).where(tuple_(*columns).in_(keys))
        return {(row[0], row[1], row[2]) for row in self._session.exec(statement)}

    def add_all(self, records: Sequence[TipDisclosureRecord]) -> None:
        self._session.add_all(records)
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
