"""All SQL of tip reports: the outbox rows, claimed with a lease; no commits."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, bindparam, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_sharing.tip_reports.models import TipReportRecord
from samverkan_sharing.tip_reports.report import DUE_STATES, ReportState, TipReport

__all__ = ["ClaimedReport", "TipReportRepository"]

_DUE = [state.value for state in DUE_STATES]
_TABLE = table_of(TipReportRecord)


@dataclass(frozen=True)
class ClaimedReport:
    """An outbox row a round has leased: what it sends, and what its outcome needs."""

    id: str
    disclosure_id: str
    tip_id: str
    report: dict[str, Any]
    attempts: int
    next_attempt_at: datetime


_CLAIMED = [_TABLE.c[field.name] for field in fields(ClaimedReport)]


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
        table = _TABLE
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
    ) -> list[ClaimedReport]:
        """Up to ``limit`` due rows, leased to the caller until ``lease_until`` by one
        UPDATE, oldest due first: rows another worker is claiming are skipped
        (PostgreSQL's SKIP LOCKED; SQLite's writer holds the database), and a leased
        row is not due."""
        due = self._due(now).with_only_columns(_TABLE.c.id).limit(limit)
        claim = (
            update(_TABLE)
            .where(_TABLE.c.id.in_(due.with_for_update(skip_locked=True)))
            .values(lease_until=lease_until)
            .returning(*_CLAIMED)
        )
        rows = self._session.connection().execute(claim).mappings()
        claimed = [ClaimedReport(**row) for row in rows]
        return sorted(claimed, key=lambda row: (row.next_attempt_at, row.id))

    def settle(
        self, lease_until: datetime, outcomes: Mapping[str, Mapping[str, Any]]
    ) -> set[str]:
        """Store each attempt's outcome (report id → new values) on the rows still
        leased until ``lease_until``; which those were. One statement per set of
        columns changed (delivered, retried), whatever the number of rows."""
        ours = set(
            self._session.connection()
            .execute(
                select(_TABLE.c.id)
                .where(_TABLE.c.id.in_(list(outcomes)))
                .where(_TABLE.c.lease_until == lease_until)
                .with_for_update()
            )
            .scalars()
        )
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for report_id in sorted(ours):
            values = outcomes[report_id]
            rows = by_columns.setdefault(tuple(sorted(values)), [])
            rows.append(
                {"report_id": report_id} | {f"new_{k}": v for k, v in values.items()}
            )
        for columns, rows in by_columns.items():
            statement = (
                update(_TABLE)
                .where(_TABLE.c.id == bindparam("report_id"))
                .where(_TABLE.c.lease_until == lease_until)
                .values(
                    {name: bindparam(f"new_{name}") for name in columns}
                    | {"lease_until": None}
                )
            )
            self._session.connection().execute(statement, rows)
        return ours

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
