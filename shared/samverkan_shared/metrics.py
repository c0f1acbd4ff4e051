"""Prometheus metrics per app: request counts and latencies by route template and status."""

from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from samverkan_shared.admission import AdmissionGate

__all__ = ["RequestMetrics", "metrics_router"]


class RequestMetrics:
    """One registry per app, so several apps in one test process never collide."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "samverkan_http_requests_total",
            "HTTP requests by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "samverkan_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self._service = service

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.labels(self._service, method, route, str(status)).inc()
        self._latency.labels(self._service, method, route).observe(seconds)

    def track(self, gate: AdmissionGate) -> None:
        """Export the gate's counters; read at scrape time, nothing per request."""
        self.registry.register(_AdmissionCollector(self._service, gate))


class _AdmissionCollector(Collector):
    def __init__(self, service: str, gate: AdmissionGate) -> None:
        self._service = service
        self._gate = gate

    def collect(self) -> Iterator[Metric]:
        in_flight = GaugeMetricFamily(
            "samverkan_http_requests_in_flight",
            "HTTP requests being worked on now (health, readiness and metrics aside).",
            labels=["service"],
        )
        in_flight.add_metric([self._service], self._gate.in_flight)
        limit = GaugeMetricFamily(
            "samverkan_http_requests_in_flight_limit",
            "The most requests this process works on at once (MAX_IN_FLIGHT).",
            labels=["service"],
        )
        limit.add_metric([self._service], self._gate.limit)
        refused = CounterMetricFamily(
            "samverkan_http_requests_refused",
            "Requests answered 503 at once because the in-flight limit was reached.",
            labels=["service"],
        )
        refused.add_metric([self._service], self._gate.refused)
        yield from (in_flight, limit, refused)


def metrics_router(registry: CollectorRegistry) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get(
        "/metrics",
        summary="Prometheus metrics (aggregate counts only; no personal data)",
        response_class=Response,
    )
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
