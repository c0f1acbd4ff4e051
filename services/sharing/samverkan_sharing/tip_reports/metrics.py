"""Tip report counters and the outbox's backlog, for Prometheus."""

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["TipReportMetrics"]


class _Backlog(Collector):
    """Reports tips has not taken yet, counted at scrape time: a growing number
    says tips is away or refuses them (the log says which)."""

    def __init__(self, waiting: Callable[[], int]) -> None:
        self._waiting = waiting

    def collect(self) -> Iterator[Metric]:
        try:
            value = self._waiting()
        except SQLAlchemyError:  # the database is away: /metrics still answers
            return
        gauge = GaugeMetricFamily(
            "samverkan_sharing_tip_reports_waiting",
            "Tip reports not yet taken by tips (pending or retrying).",
        )
        gauge.add_metric([], value)
        yield gauge


class TipReportMetrics:
    def __init__(self, registry: CollectorRegistry, waiting: Callable[[], int]) -> None:
        self._registry = registry
        self._attempts = Counter(
            "samverkan_sharing_tip_report_attempts_total",
            "Attempts to tell tips of a disclosure, by what became of the report.",
            ["outcome"],
            registry=registry,
        )
        self._backlog = _Backlog(waiting)
        registry.register(self._backlog)

    def attempted(self, outcome: str) -> None:
        """``delivered``, ``unknown_tip``, ``retrying`` or ``lease_lost``."""
        self._attempts.labels(outcome).inc()

    def unregister(self) -> None:
        """Take the metrics out of the registry (the lifespan that made them ends)."""
        self._registry.unregister(self._attempts)
        self._registry.unregister(self._backlog)
