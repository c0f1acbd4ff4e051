"""Prometheus metrics per app: request counts and latencies by route template and status."""

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

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


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get(
        "/metrics",
        summary="Prometheus metrics (aggregate counts only; no personal data)",
        response_class=Response,
    )
    def metrics(request: Request) -> Response:
        registry: CollectorRegistry = request.app.state.metrics.registry
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
