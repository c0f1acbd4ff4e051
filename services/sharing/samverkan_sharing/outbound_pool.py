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

from collections.abc import Callable, Iterator
from typing import TypeVar

import anyio
import anyio.to_thread
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["DEFAULT_OUTBOUND_THREADS", "OutboundPool", "OutboundPoolCollector"]

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
        """Threads working now."""
        return 0 if self._limiter is None else int(self._limiter.borrowed_tokens)

    @property
    def waiting(self) -> int:
        """Requests waiting for a thread."""
        if self._limiter is None:
            return 0
        return self._limiter.statistics().tasks_waiting


class OutboundPoolCollector(Collector):
    """The pool at scrape time: a full pool with a queue says add replicas (or threads,
    if tips and the audit log are far away)."""

    def __init__(self, pool: OutboundPool) -> None:
        self._pool = pool

    def collect(self) -> Iterator[Metric]:
        gauges = (
            (
                "threads",
                "Threads of the pool for calls to tips and audit-log.",
                self._pool.threads,
            ),
            ("busy", "Of those, working now.", self._pool.busy),
            ("waiting", "Requests waiting for one of them.", self._pool.waiting),
        )
        for name, text, value in gauges:
            gauge = GaugeMetricFamily(f"samverkan_sharing_outbound_{name}", text)
            gauge.add_metric([], value)
            yield gauge
