"""The issuer's revocation list as a resource server keeps it: fresh within seconds,
fetched by one thread at a time, and never at the cost of a struggling issuer.

- Fresh for ``ttl`` seconds (2): a revoked token is refused within seconds.
- One thread refreshes; the others go on with the list they have while it is younger
  than ``max_stale`` (60 s), instead of queueing behind the fetch: every token check
  in the two seconds' turn would otherwise wait for one HTTP round trip.
- A failed refresh is tried again after ``retry_after`` seconds, not at the next
  token check. Tried at every check, a busy issuer got a request per token checked
  (each with the HTTP client's retry pause) just when it could least answer, and the
  token checks waiting on it stalled this service, whose callers (the issuer's own
  disclosures) then kept the issuer busy: a loop that held up a load test for 6 s.
- Older than ``max_stale``, nothing is accepted: the check fails closed (503).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from samverkan_shared.problems import ServiceUnavailable

__all__ = ["RevocationCache", "RevocationSource", "Revocations"]

_log = structlog.get_logger("samverkan.auth")


@dataclass(frozen=True)
class Revocations:
    """Token ids and client ids that must no longer be honoured."""

    token_ids: frozenset[str] = frozenset()
    client_ids: frozenset[str] = frozenset()


RevocationSource = Callable[[], Revocations]


class RevocationCache:
    def __init__(
        self,
        source: RevocationSource,
        *,
        clock: Callable[[], float] = time.time,
        ttl: float = 2.0,
        retry_after: float = 1.0,
        max_stale: float = 60.0,
    ) -> None:
        self._source = source
        self._clock = clock
        self._ttl = ttl
        self._retry_after = retry_after
        self._max_stale = max_stale
        self._lock = threading.Lock()
        self._revocations = Revocations()
        self._fetched_at = float("-inf")
        self._next_fetch = float("-inf")

    def without_io(self) -> Revocations | None:
        """The list if no fetch is due (None: call ``current`` on a thread that may block)."""
        now = self._clock()
        return self._usable(now) if now < self._next_fetch else None

    def current(self) -> Revocations:
        """The list, refreshed first if due and no other thread is refreshing it."""
        now = self._clock()
        if now < self._next_fetch:
            return self._usable(now)
        # Only a list too old to use makes this thread wait for another's fetch.
        if not self._lock.acquire(blocking=now - self._fetched_at > self._max_stale):
            return self._usable(now)
        try:
            now = self._clock()
            if now >= self._next_fetch:  # not refreshed meanwhile
                self._refresh(now)
            return self._usable(now)
        finally:
            self._lock.release()

    def _refresh(self, now: float) -> None:
        try:
            self._revocations = self._source()
        except Exception as error:  # any failure: keep the list, try again shortly
            self._next_fetch = now + self._retry_after
            _log.warning("revocations_fetch_failed", error=type(error).__name__)
        else:
            self._fetched_at = now
            self._next_fetch = now + self._ttl

    def _usable(self, now: float) -> Revocations:
        if now - self._fetched_at > self._max_stale:
            raise ServiceUnavailable(
                "Token revocation cannot be checked right now; try again shortly.",
                headers={"Retry-After": "5"},
            )
        return self._revocations
