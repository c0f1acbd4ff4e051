"""All SQL of tip reports: the outbox rows, claimed with a lease; no commits."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_sharing.tip_reports.models import TipReportRecord
from samverkan_sharing.tip_reports.report import DUE_STATES, ReportState, TipReport

__all__ = ["TipReportRepository"]

_DUE = [state.value for state in DUE_STATES]


class TipReportRepository(Repository):
    def add_all(
        self, disclosure_id: str, reports: Sequence[TipReport], now: datetime
    ) -> None:
        """New rows in the caller's transaction; a (disclosure, tip) already there is
        left as it is, so a release completed twice reports once."""
        if not reports:
            return
        rows = [
            {
                "id": str(uuid.uuid4()),
                "disclosure_id": disclosure_id,
                "tip_id": report.tip_id,
                "report": report.body,
                "state": ReportState.PENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for report in reports
        ]
        self._session.connection().execute(self._insert_new(), rows)

    def _insert_new(self) -> Insert:
        table = table_of(TipReportRecord)
        keys = ["disclosure_id", "tip_id"]
        if self._session.get_bind().dialect.name == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)

    def _due(self, now: datetime) -> Any:
        lease = col(TipReportRecord.lease_until)
        return (
            select(TipReportRecord)
            .where(col(TipReportRecord.state).in_(_DUE))
            .where(col(TipReportRecord.next_attempt_at) <= now)
            .where(or_(lease.is_(None), lease < now))
            .order_by(col(TipReportRecord.next_attempt_at))
        )

    def any_due(self, now: datetime) -> bool:
        return self._session.exec(self._due(now).limit(1)).first() is not None

    def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[TipReportRecord]:
        """Due rows, leased to the caller until ``lease_until``: rows another worker
        is claiming are skipped (PostgreSQL), and a leased row is not due."""
        statement = self._due(now).limit(limit).with_for_update(skip_locked=True)
        claimed = list(self._session.exec(statement).all())
        for row in claimed:
            row.lease_until = lease_until
            self._session.add(row)
        return claimed

    def settle(self, report_id: str, lease_until: datetime, **values: Any) -> bool:
        """Store an attempt's outcome if the lease is still ours; whether it was."""
        table = table_of(TipReportRecord)
        result = self._session.connection().execute(
            update(table)
            .where(table.c.id == report_id)
            .where(table.c.lease_until == lease_until)
            .values(lease_until=None, **values)
        )
        return bool(result.rowcount)

    def of_disclosure(self, disclosure_id: str) -> list[TipReportRecord]:
        statement = (
            select(TipReportRecord)
            .where(TipReportRecord.disclosure_id == disclosure_id)
            .order_by(col(TipReportRecord.tip_id))
        )
        return list(self._session.exec(statement).all())

    def count_waiting(self) -> int:
        """Rows tips has not taken yet (the state index answers it)."""
        statement = select(func.count()).where(col(TipReportRecord.state).in_(_DUE))
        return int(self._session.exec(statement).one())
