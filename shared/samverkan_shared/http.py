"""make_client(): outbound HTTP with timeouts, trace propagation and safe retries."""

import time
from collections.abc import Callable, Mapping

import httpx

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.tracing import outgoing_traceparent

__all__ = ["DEFAULT_TIMEOUT", "RetryingTransport", "make_client", "send_bound"]

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES = frozenset({502, 503, 504})
# A request's way to a fresh DPoP proof: a retry must not send the one the server may
# have recorded already (a gateway's 502 after the service took it), or the
# retry is refused as a replay.
_FRESH_PROOF = "samverkan.fresh_dpop_proof"


def send_bound(request: httpx.Request, signer: ProofSigner, access_token: str) -> None:
    """``Authorization: DPoP`` with a proof by ``signer`` for exactly this request
    (RFC 9449 §7), and a fresh one for each retry of it."""

    def proof() -> str:
        return signer.proof(request.method, str(request.url), access_token=access_token)

    request.headers["Authorization"] = f"DPoP {access_token}"
    request.headers["DPoP"] = proof()
    request.extensions[_FRESH_PROOF] = proof


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
        fresh_proof: Callable[[], str] | None = request.extensions.get(_FRESH_PROOF)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            if attempt > 1 and fresh_proof is not None:
                request.headers["DPoP"] = fresh_proof()
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
