"""The filing queue: concurrent filings of this process, committed together.

Filing is serialised (SQLite's write lock, PostgreSQL's filing advisory lock) so
that ``received_at`` grows in commit order. One writer thread files what has
queued in one transaction (`samverkan_shared.group_commit`), so the lock is taken
and the commit paid once per batch, and never held by a request thread that waits
for the GIL.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.group_commit import GroupCommit, Pending
from samverkan_shared.sessions import writing_session
from samverkan_tips.deadlines.policy import DEFAULT_POLICY, DeadlinePolicy
from samverkan_tips.tips.filing import Filing
from samverkan_tips.tips.schemas import Tip
from samverkan_tips.tips.service import file_tips

__all__ = ["MAX_BATCH", "FilingQueue"]

# Filings per transaction: every request a busy process has waiting, while one
# transaction stays short.
MAX_BATCH = 8


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FilingQueue:
    """``file``/``file_async`` return the tip, or raise the filing's problem."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        *,
        max_batch: int = MAX_BATCH,
        clock: Callable[[], datetime] = _utc_now,
        deadlines: DeadlinePolicy = DEFAULT_POLICY,
    ) -> None:
        self._engine = engine
        self._deadlines = deadlines
        self._keyring = keyring
        self._clock = clock
        self._queue: GroupCommit[Filing, Tip] = GroupCommit(
            self._write, max_batch=max_batch, name="tips-filing-writer"
        )

    def file(self, filing: Filing) -> Tip:
        return self._queue.run(filing)

    async def file_async(self, filing: Filing) -> Tip:
        return await self._queue.run_async(filing)

    def close(self) -> None:
        self._queue.close()

    def _write(self, batch: list[Pending[Filing, Tip]]) -> None:
        with writing_session(self._engine, expire_on_commit=False) as session:
            outcomes = file_tips(
                session,
                [pending.item for pending in batch],
                keyring=self._keyring,
                now=self._clock(),
                deadlines=self._deadlines,
            )
        for pending, outcome in zip(batch, outcomes, strict=True):
            pending.settle(outcome)
