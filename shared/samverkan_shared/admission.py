"""Pure-ASGI middleware bounding the requests one process works on at once.

Offered more than it can serve, a service without a bound queues every request: each
waits longer than its client's timeout, the process keeps working for clients that
have given up, and a partner sees a hang instead of an answer. Past the bound a
request is answered at once with 503 problem+json and ``Retry-After``, which clients,
load balancers and the sharing service's own upstream calls know how to act on.

Health, readiness and metrics are never refused: an orchestrator that cannot probe an
overloaded replica would restart it, and an operator needs the metrics most then. A
service adds what other services cannot work without (the sharing service: its key
set and revocation list, which every token check elsewhere depends on).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from samverkan_shared.problems import problem_response

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "EXEMPT_PATHS",
    "RETRY_AFTER_SECONDS",
    "AdmissionGate",
    "AdmissionMiddleware",
]

DEFAULT_MAX_IN_FLIGHT = 64
RETRY_AFTER_SECONDS = 1
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


@dataclass
class AdmissionGate:
    """The bound and its counters, shared by the middleware and the metrics.

    Plain integers: an ASGI app runs its requests on one event loop, and the count
    changes only between awaits.
    """

    limit: int = DEFAULT_MAX_IN_FLIGHT
    in_flight: int = 0
    refused: int = 0
    exempt: frozenset[str] = field(default=EXEMPT_PATHS)

    @classmethod
    def with_exempt(cls, limit: int, paths: Iterable[str]) -> "AdmissionGate":
        """A gate that never refuses ``paths`` either (exact paths)."""
        return cls(limit, exempt=EXEMPT_PATHS | frozenset(paths))

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(
                f"the in-flight limit must be at least 1, not {self.limit}"
            )


class AdmissionMiddleware:
    """Admits at most ``gate.limit`` concurrent HTTP requests; refuses the rest with 503."""

    def __init__(self, app: ASGIApp, *, gate: AdmissionGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.gate.exempt:
            await self.app(scope, receive, send)
            return
        gate = self.gate
        if gate.in_flight >= gate.limit:
            gate.refused += 1
            response = problem_response(
                503,
                "The service is already working on as many requests as it takes at "
                f"once ({gate.limit}); try again in {RETRY_AFTER_SECONDS} s.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await response(scope, receive, send)
            return
        gate.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.in_flight -= 1
