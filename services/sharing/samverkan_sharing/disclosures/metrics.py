"""Disclosure counters for Prometheus: by kind, outcome and legal basis."""

from prometheus_client import CollectorRegistry, Counter

from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.workflow import DisclosureStatus

__all__ = ["DisclosureMetrics"]


class DisclosureMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self._decided = Counter(
            "samverkan_disclosures_total",
            "Disclosures and notices by final status and engine outcome.",
            ["kind", "status", "outcome"],
            registry=registry,
        )
        self._basis = Counter(
            "samverkan_disclosures_by_legal_basis_total",
            "Released disclosures by each legal basis they relied on.",
            ["legal_basis"],
            registry=registry,
        )

    def unregister(self) -> None:
        """Take the counters out of the registry (the lifespan that made them ends)."""
        self._registry.unregister(self._decided)
        self._registry.unregister(self._basis)

    def observe(self, record: DisclosureRecord) -> None:
        self._decided.labels(record.kind, record.status.value, record.outcome).inc()
        if record.status is DisclosureStatus.RELEASED:
            for basis in (record.audit_entry or {}).get("legal_basis", []):
                self._basis.labels(basis).inc()
