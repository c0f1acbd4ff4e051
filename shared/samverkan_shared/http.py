"""make_client(): outbound HTTP with timeouts, trace propagation and safe retries."""

import time
from collections.abc import Mapping

import httpx

from samverkan_shared.tracing import outgoing_traceparent

__all__ = ["DEFAULT_TIMEOUT", "RetryingTransport", "make_client"]

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES = frozenset({502, 503, 504})


class RetryingTransport(httpx.BaseTransport):
    """Retries what is safe to repeat: idempotent methods and requests carrying an
    Idempotency-Key, on connection failures and 502/503/504."""

    def __init__(
        self, inner: httpx.BaseTransport, *, attempts: int = 3, backoff: float = 0.1
    ) -> None:
        self._inner = inner
        self._attempts = attempts
        self._backoff = backoff

    def _may_retry(self, request: httpx.Request) -> bool:
        return request.method in _IDEMPOTENT or "idempotency-key" in request.headers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = self._attempts if self._may_retry(request) else 1
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._inner.handle_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if last:
                    raise
            else:
                if last or response.status_code not in _RETRY_STATUSES:
                    return response
                response.close()
            time.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._inner.close()


def _add_traceparent(request: httpx.Request) -> None:
    request.headers["traceparent"] = outgoing_traceparent()


def make_client(
    base_url: str = "",
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    headers: Mapping[str, str] | None = None,
    attempts: int = 3,
) -> httpx.Client:
    """A client that never waits forever and always carries the current trace."""
    inner = transport or httpx.HTTPTransport()
    return httpx.Client(
        base_url=base_url,
        transport=RetryingTransport(inner, attempts=attempts),
        timeout=timeout,
        headers=dict(headers or {}),
        event_hooks={"request": [_add_traceparent]},
    )
