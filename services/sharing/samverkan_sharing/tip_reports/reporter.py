"""The reporter: a thread that tells tips of every release, from the outbox.

Each round (every ``poll_interval`` seconds, or at once after a full round) it claims
due rows by setting their ``lease_until`` in one short transaction (PostgreSQL's SKIP
LOCKED, SQLite's write lock), so another process's reporter skips them until the
lease ends; posts them to tips in one request, which answers each; and stores each
outcome, in one transaction, if the lease is still its own: delivered when tips
recorded it, ended as ``unknown_tip`` when tips does not know the tip, else retried
after an exponential backoff with jitter, for as long as it takes (the partner has
the data: tips must learn of it). Everything it needs to resume is in the database,
so a restart, or another process, picks up where the last one stopped. No
disclosure ever waits for it.
"""

import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Engine

from samverkan_shared.sessions import reading_session, writing_session
from samverkan_sharing.tip_reports.metrics import TipReportMetrics
from samverkan_sharing.tip_reports.models import TipReportRecord
from samverkan_sharing.tip_reports.report import ReportState, TipReport
from samverkan_sharing.tip_reports.repository import TipReportRepository
from samverkan_sharing.tip_reports.sender import Outcome, TipReportSender

__all__ = ["BATCH", "ReportPolicy", "TipReporter"]

_log = structlog.get_logger("samverkan.sharing.tip_reports")
BATCH = 32  # reports claimed and sent in one request, one round
# Tips' answers to a whole request that one report in it may have caused.
_REFUSED_AS_A_WHOLE = frozenset({413, 422})
_ERROR_LENGTH = 500


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportPolicy:
    backoff_base: float = 5.0  # seconds before the first retry, doubling after
    backoff_cap: float = 3600.0
    # Longer than a round of sends takes (at worst BATCH + 1 requests, each within
    # the client's timeout).
    lease: timedelta = timedelta(minutes=2)

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: half to all of base x 2^(attempts-1)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts - 1, 30))
        jitter = 0.5 + secrets.randbelow(1001) / 2000
        return timedelta(seconds=ceiling * jitter)


def _settled(
    row: TipReportRecord, outcome: Outcome, now: datetime, policy: ReportPolicy
) -> dict[str, Any]:
    """The row's new values after an attempt with this outcome."""
    attempts = row.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error[:_ERROR_LENGTH] if outcome.error else None,
    }
    if outcome.delivered:
        return values | {"state": ReportState.DELIVERED.value, "settled_at": now}
    if outcome.unknown_tip:
        return values | {"state": ReportState.UNKNOWN_TIP.value, "settled_at": now}
    return values | {
        "state": ReportState.RETRYING.value,
        "next_attempt_at": now + policy.retry_delay(attempts),
    }


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
        """One round: claim due reports, post them in one request and store each
        outcome in one transaction; how many were attempted."""
        lease_until = self._clock() + self._policy.lease
        claimed = self._claim(lease_until)
        if not claimed:
            return 0
        reports = [TipReport(row.tip_id, row.report) for row in claimed]
        outcomes = self._sender.send(reports)
        if len(reports) > 1 and outcomes[0].status in _REFUSED_AS_A_WHOLE:
            # Tips refused the request for one report in it: each on its own, so
            # that one cannot hold back the others.
            outcomes = [self._sender.send([report])[0] for report in reports]
        self._settle(claimed, lease_until, outcomes)
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
        self,
        rows: Sequence[TipReportRecord],
        lease_until: datetime,
        outcomes: Sequence[Outcome],
    ) -> None:
        now = self._clock()
        settled = [
            (row, _settled(row, outcome, now, self._policy))
            for row, outcome in zip(rows, outcomes, strict=True)
        ]
        with writing_session(self._engine) as session:
            repository = TipReportRepository(session)
            kept = [
                repository.settle(row.id, lease_until, **values)
                for row, values in settled
            ]
            session.commit()
        for (row, values), outcome, still_ours in zip(
            settled, outcomes, kept, strict=True
        ):
            state = values["state"] if still_ours else "lease_lost"
            self._record(row, state, outcome, values["attempts"])

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
