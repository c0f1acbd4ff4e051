"""All SQL of disclosures."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col, select

from samverkan_shared.sessions import Repository, insert_alone, update_alone
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.workflow import DisclosureStatus
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.tip_reports.report import TipReport
from samverkan_sharing.tip_reports.repository import TipReportRepository

__all__ = ["DisclosureFilter", "DisclosureRepository"]


@dataclass(frozen=True)
class DisclosureFilter:
    """Which disclosures a list shows; ``due_before`` is exclusive."""

    requester: str | None = None
    status: DisclosureStatus | None = None
    due_before: datetime | None = None
    # Notices sent to one recipient: released notifications to that recipient code.
    notices_to: str | None = None


class DisclosureRepository(Repository):
    def get(self, disclosure_id: str) -> DisclosureRecord | None:
        return self._session.get(DisclosureRecord, disclosure_id)

    def get_for_update(self, disclosure_id: str) -> DisclosureRecord | None:
        """The row locked until commit, so two approvers cannot both decide it."""
        statement = (
            select(DisclosureRecord)
            .where(DisclosureRecord.id == disclosure_id)
            .with_for_update()
            # The session keeps objects across commits: read the row afresh under the lock.
            .execution_options(populate_existing=True)
        )
        return self._session.exec(statement).first()

    def by_idempotency_key(self, requester: str, key: str) -> DisclosureRecord | None:
        statement = select(DisclosureRecord).where(
            DisclosureRecord.requester == requester,
            DisclosureRecord.idempotency_key == key,
        )
        return self._session.exec(statement).first()

    def insert(self, record: DisclosureRecord) -> None:
        """Store a new disclosure as a unit of its own: one INSERT, committed."""
        insert_alone(self._session, record)

    def update(self, record: DisclosureRecord, **values: Any) -> None:
        """Store ``values`` as a unit of their own: one UPDATE of this row, committed."""
        update_alone(self._session, record, updated_at=datetime.now(UTC), **values)

    def release(
        self, record: DisclosureRecord, reports: Sequence[TipReport], **values: Any
    ) -> None:
        """Store ``values`` (the receipt, status released) and the reports to tips as
        one unit, committed: a report exists exactly when its release does."""
        now = datetime.now(UTC)
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = now
        try:
            self._session.add(record)
            self._session.flush()
            TipReportRepository(self._session).add_all(record.id, reports, now)
            self._session.commit()
        except BaseException:
            self._session.rollback()
            raise

    def page(
        self,
        where: DisclosureFilter,
        after: tuple[datetime, str] | None,
        limit: int,
        *,
        newest_first: bool,
    ) -> list[DisclosureRecord]:
        """Disclosures by (created_at, id), strictly past the cursor's key."""
        created, key = col(DisclosureRecord.created_at), col(DisclosureRecord.id)
        statement = select(DisclosureRecord)
        if where.requester is not None:
            statement = statement.where(DisclosureRecord.requester == where.requester)
        if where.status is not None:
            statement = statement.where(DisclosureRecord.status == where.status)
        if where.due_before is not None:
            due = col(DisclosureRecord.assessment_due)
            statement = statement.where(due < where.due_before)
        if where.notices_to is not None:
            statement = statement.where(
                DisclosureRecord.kind == "notification",
                DisclosureRecord.status == DisclosureStatus.RELEASED,
                DisclosureRecord.recipient_code == where.notices_to,
            )
        if after is not None:
            at, last = after
            if newest_first:
                past = or_(created < at, and_(created == at, key < last))
            else:
                past = or_(created > at, and_(created == at, key > last))
            statement = statement.where(past)
        order = (created.desc(), key.desc()) if newest_first else (created, key)
        return list(self._session.exec(statement.order_by(*order).limit(limit)))

    def all_decided(self) -> list[DisclosureRecord]:
        statement = select(DisclosureRecord).order_by(col(DisclosureRecord.created_at))
        return list(self._session.exec(statement))

    def recipient_client(self, recipient: str) -> ClientRecord | None:
        """The registered, active partner client that receives notices for a recipient."""
        statement = (
            select(ClientRecord)
            .where(
                ClientRecord.recipient == recipient,
                ClientRecord.kind == "partner",
                col(ClientRecord.active).is_(True),
            )
            .order_by(col(ClientRecord.created_at))
        )
        return self._session.exec(statement).first()
