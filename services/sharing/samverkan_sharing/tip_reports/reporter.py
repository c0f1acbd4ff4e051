"""The reporter: a thread that tells tips of every release, from the outbox.

Each round (every ``poll_interval`` seconds, or at once after a full round) it claims
due rows by setting their
``lease_until`` in one short transaction (PostgreSQL's SKIP LOCKED, SQLite's write
lock), so another process's reporter skips them until the lease ends; posts each to
tips; and stores the outcome if the lease is still its own: delivered on a 2xx,
ended as ``unknown_tip`` on a 404, else retried after an exponential backoff with
jitter, for as long as it takes (the partner has the data: tips must learn of it).
Everything it needs to resume is in the database, so a restart, or another process,
picks up where the last one stopped. No disclosure ever waits for it.
"""

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Engine

from samverkan_shared.sessions import reading_session, writing_session
from samverkan_sharing.tip_reports.metrics import TipReportMetrics
from samverkan_sharing.tip_reports.models import TipReportRecord
from samverkan_sharing.tip_reports.report import ReportState
from samverkan_sharing.tip_reports.repository import TipReportRepository
from samverkan_sharing.tip_reports.sender import Outcome, TipReportSender

__all__ = ["BATCH", "ReportPolicy", "TipReporter"]

_log = structlog.get_logger("samverkan.sharing.tip_reports")
BATCH = 8  # reports claimed and sent in one round
_ERROR_LENGTH = 500


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportPolicy:
    backoff_base: float = 5.0  # seconds before the first retry, doubling after
    backoff_cap: float = 3600.0
    # Longer than a round of sends takes (BATCH x the client's timeout).
    lease: timedelta = timedelta(minutes=2)

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: half to all of base x 2^(attempts-1)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts - 1, 30))
        jitter = 0.5 + secrets.randbelow(1001) / 2000
        return timedelta(seconds=ceiling * jitter)


class TipReporter:
    def __init__(
        self,
        engine: Engine,
        sender: TipReportSender,
        policy: ReportPolicy,
        *,
        metrics: TipReportMetrics | None = None,
        poll_interval: float = 1.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._engine = engine
        self._sender = sender
        self._policy = policy
        self._metrics = metrics
        self._poll_interval = poll_interval
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="sharing-tip-reporter", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop after the post in progress; unsent reports wait in the database."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                # A full round may have left more due: go on at once, so the reports
                # keep up with the releases however many there are a second.
                more = self.run_once() == BATCH
            except Exception:  # the database may be away for a while; try again
                _log.exception("tip_reporter_failed")
                more = False
            if not more:
                self._stop.wait(self._poll_interval)

    def run_once(self) -> int:
        """One round: claim due reports and post them; how many were attempted."""
        lease_until = self._clock() + self._policy.lease
        claimed = self._claim(lease_until)
        for row in claimed:
            if self._stop.is_set():
                break  # its lease runs out and the next start sends it
            self._settle(row, lease_until, self._sender.send(row.tip_id, row.report))
        return len(claimed)

    def _claim(self, lease_until: datetime) -> list[TipReportRecord]:
        now = self._clock()
        with reading_session(self._engine) as session:
            if not TipReportRepository(session).any_due(now):
                return []
        with writing_session(self._engine, expire_on_commit=False) as session:
            claimed = TipReportRepository(session).claim_due(now, lease_until, BATCH)
            session.commit()
        return claimed

    def _settle(
        self, row: TipReportRecord, lease_until: datetime, outcome: Outcome
    ) -> None:
        now, attempts = self._clock(), row.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_status": outcome.status,
            "last_error": outcome.error[:_ERROR_LENGTH] if outcome.error else None,
        }
        if outcome.delivered:
            values |= {"state": ReportState.DELIVERED.value, "settled_at": now}
        elif outcome.unknown_tip:
            values |= {"state": ReportState.UNKNOWN_TIP.value, "settled_at": now}
        else:
            values |= {
                "state": ReportState.RETRYING.value,
                "next_attempt_at": now + self._policy.retry_delay(attempts),
            }
        with writing_session(self._engine) as session:
            kept = TipReportRepository(session).settle(row.id, lease_until, **values)
            session.commit()
        self._record(row, values["state"] if kept else "lease_lost", outcome, attempts)

    def _record(
        self, row: TipReportRecord, state: str, outcome: Outcome, attempts: int
    ) -> None:
        if self._metrics is not None:
            self._metrics.attempted(state)
        log = _log.warning if state != ReportState.DELIVERED else _log.info
        log(
            "tip_report_attempted",
            report_id=row.id,
            disclosure_id=row.disclosure_id,
            tip_id=row.tip_id,
            state=state,
            status=outcome.status,
            error=outcome.error,
            attempt=attempts,
        )
