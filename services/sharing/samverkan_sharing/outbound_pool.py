"""Threads of their own for the use cases that call tips and the audit log.

FastAPI runs a blocking endpoint on one shared pool (anyio's default limiter, 40
threads). The use cases that wait on other services get a smaller pool of their own:

- While a disclosure waits on tips or the audit log, those services may need this one:
  their token validators fetch the signing keys and the revocation list from here.
  Had waiting disclosures taken every shared thread, those answers would wait for a
  free thread and the disclosures for them, a stall until the HTTP timeout.
- Fewer threads contend for the GIL. A disclosure spends about half its time on this
  process's CPU and half waiting, so a handful of threads keep the process busy; more
  only take turns at the GIL. With 16 partners in a closed loop (PostgreSQL), a
  thread per request made the p99 1.8× the median, 8 threads 1.6×, 4 threads 1.35×,
  at the same throughput. A request beyond the bound waits its turn in arrival
  order (the limiter is FIFO) instead of every request advancing slowly at once.
"""

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

__all__ = ["DEFAULT_OUTBOUND_THREADS", "OutboundPool"]

DEFAULT_OUTBOUND_THREADS = 4

T = TypeVar("T")


class OutboundPool:
    def __init__(self, threads: int = DEFAULT_OUTBOUND_THREADS) -> None:
        if threads < 1:
            raise ValueError(
                f"the outbound pool needs at least 1 thread, not {threads}"
            )
        self.threads = threads
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on one of the pool's threads, once one is free."""
        if self._limiter is None:  # made in the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self.threads)
        return await anyio.to_thread.run_sync(work, limiter=self._limiter)

    @property
    def busy(self) -> int:
        """Threads working now (for metrics and tests)."""
        return 0 if self._limiter is None else int(self._limiter.borrowed_tokens)
