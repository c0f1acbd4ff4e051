"""The audit log's size for Prometheus, read from the database when scraped.

The size is the database's, not this process's: with several replicas appending, no
one process knows it. One indexed read per scrape; /metrics runs off the event loop.
"""

from collections.abc import Iterator

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from samverkan_audit_log.tree.repository import TreeRepository

__all__ = ["LogSizeCollector"]

_log = structlog.get_logger("samverkan.audit_log.metrics")


class LogSizeCollector(Collector):
    """``samverkan_audit_log_entries``: the tree size of the committed log."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def describe(self) -> Iterator[Metric]:
        # Registration asks for the names only: no database read at start-up.
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        try:
            with Session(self._engine) as session:
                size = TreeRepository(session).tree_size()
        except SQLAlchemyError as error:
            # No sample rather than a wrong one; /readyz reports the database.
            _log.warning("audit_log_size_unavailable", error=type(error).__name__)
            return
        family = self._family()
        family.add_metric([], size)
        yield family

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "samverkan_audit_log_entries",
            "Entries in the audit log (its Merkle tree size), read when scraped.",
        )
