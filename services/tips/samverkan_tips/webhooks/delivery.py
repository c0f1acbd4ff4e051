"""The deliverer: a thread that fans outbox events out and sends due deliveries.

Each round (every ``poll_interval`` seconds) it
1. fans out events that have no deliveries yet (rows locked with SKIP LOCKED on
   PostgreSQL, SQLite's write lock otherwise, so no event is fanned out twice);
2. claims due deliveries by setting their ``lease_until``, in one short transaction,
   so another process's deliverer skips them until the lease ends;
3. sends each, signed per Standard Webhooks, with a 5 s timeout, after checking the
   URL again (DNS may have changed) and connecting only to the addresses that check
   vetted (`webhooks.transport`), and stores the outcome if the lease is still
   its own: delivered on a 2xx, else a retry after an exponential backoff with
   jitter, or dead after ``max_attempts``.
Everything it needs to resume is in the database, so a restart picks up where the
last process stopped. Requests never wait for it.
"""

import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.http import make_client
from samverkan_shared.sessions import reading_session, writing_session
from samverkan_tips.webhooks.destinations import DestinationGuard, UnsafeDestination
from samverkan_tips.webhooks.events import DeliveryState
from samverkan_tips.webhooks.fanout import delivery_rows
from samverkan_tips.webhooks.presenter import secret_associated_data
from samverkan_tips.webhooks.repository import DeliveryRepository, OutboxRepository
from samverkan_tips.webhooks.signing import signed_headers
from samverkan_tips.webhooks.transport import guarded_transport

__all__ = ["Deliverer", "DeliveryPolicy"]

_log = structlog.get_logger("samverkan.tips.webhooks")
_TIMEOUT = httpx.Timeout(5.0)
_FAN_OUT_BATCH = 100
_SEND_BATCH = 8
_ERROR_LENGTH = 500


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff_base: float = 30.0  # seconds before the first retry, doubling after
    backoff_cap: float = 6 * 3600.0
    # Longer than a round of sends takes (_SEND_BATCH x the timeout).
    lease: timedelta = timedelta(minutes=2)

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: half to all of base x 2^(attempts-1)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1))
        jitter = 0.5 + secrets.randbelow(1001) / 2000
        return timedelta(seconds=ceiling * jitter)


@dataclass(frozen=True)
class _Attempt:
    """A claimed delivery with what sending it takes."""

    delivery_id: uuid.UUID
    lease_until: datetime
    attempts: int
    url: str
    secret: str
    message_id: str
    body: bytes


@dataclass(frozen=True)
class _Outcome:
    status: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Deliverer:
    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        guard: DestinationGuard,
        policy: DeliveryPolicy,
        *,
        poll_interval: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._engine = engine
        self._keyring = keyring
        self._guard = guard
        self._policy = policy
        self._poll_interval = poll_interval
        self._clock = clock
        # No retries inside an attempt: a failed attempt is retried later, stored.
        self._client = make_client(
            transport=transport or guarded_transport(guard),
            timeout=_TIMEOUT,
            attempts=1,
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="tips-webhook-deliverer", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop after the send in progress (at most its timeout); unsent ones wait
        in the database for the next start."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database may be away for a while; try again
                _log.exception("webhook_deliverer_failed")
            self._stop.wait(self._poll_interval)

    def run_once(self) -> int:
        """One round: fan out, claim, send; how many deliveries were attempted."""
        self._fan_out()
        attempts = self._claim()
        for attempt in attempts:
            if self._stop.is_set():
                break  # its lease runs out and the next start sends it
            self._settle(attempt, self._send(attempt))
        return len(attempts)

    def _fan_out(self) -> None:
        with reading_session(self._engine) as session:
            if not OutboxRepository(session).any_to_fan_out():
                return
        with writing_session(self._engine) as session:
            outbox, now = OutboxRepository(session), self._clock()
            events = outbox.claim_to_fan_out(_FAN_OUT_BATCH)
            DeliveryRepository(session).insert_all(delivery_rows(session, events, now))
            outbox.mark_fanned_out([event.id for event in events], now)
            session.commit()

    def _claim(self) -> list[_Attempt]:
        now = self._clock()
        with reading_session(self._engine) as session:
            if not DeliveryRepository(session).any_due(now):
                return []
        lease_until = now + self._policy.lease
        with writing_session(self._engine, expire_on_commit=False) as session:
            deliveries = DeliveryRepository(session)
            claimed = deliveries.claim_due(now, lease_until, _SEND_BATCH)
            events = deliveries.events(d.event_id for d in claimed)
            subscriptions = deliveries.subscriptions(d.subscription_id for d in claimed)
            session.commit()
        attempts = []
        for delivery in claimed:
            event = events[delivery.event_id]
            subscription = subscriptions[delivery.subscription_id]
            secret = self._keyring.decrypt(
                subscription.secret_sealed,
                associated_data=secret_associated_data(subscription.id),
            ).decode()
            body = {
                "type": event.type,
                "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
                "data": event.data,
            }
            attempts.append(
                _Attempt(
                    delivery.id,
                    lease_until,
                    delivery.attempts,
                    subscription.url,
                    secret,
                    f"msg_{event.id.hex}",
                    json.dumps(body, separators=(",", ":")).encode(),
                )
            )
        return attempts

    def _send(self, attempt: _Attempt) -> _Outcome:
        try:
            self._guard.check(attempt.url)
        except UnsafeDestination as error:
            return _Outcome(error=f"refused: {error}")
        timestamp = int(self._clock().timestamp())
        headers = signed_headers(
            attempt.secret, attempt.message_id, timestamp, attempt.body
        )
        try:
            response = self._client.post(
                attempt.url, content=attempt.body, headers=headers
            )
        except httpx.HTTPError as error:
            return _Outcome(error=f"{type(error).__name__}: {error}")
        response.close()
        return _Outcome(status=response.status_code)

    def _settle(self, attempt: _Attempt, outcome: _Outcome) -> None:
        now, attempts = self._clock(), attempt.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "last_status": outcome.status,
            "last_error": outcome.error[:_ERROR_LENGTH] if outcome.error else None,
        }
        if outcome.delivered:
            values |= {"state": DeliveryState.DELIVERED.value, "delivered_at": now}
        elif attempts >= self._policy.max_attempts:
            values |= {"state": DeliveryState.DEAD.value}
        else:
            delay = self._policy.retry_delay(attempts)
            values |= {
                "state": DeliveryState.RETRYING.value,
                "next_attempt_at": now + delay,
            }
        with writing_session(self._engine) as session:
            kept = DeliveryRepository(session).settle(
                attempt.delivery_id, attempt.lease_until, **values
            )
            session.commit()
        _log.info(
            "webhook_attempted",
            delivery_id=str(attempt.delivery_id),
            state=values.get("state", "lease-lost") if kept else "lease-lost",
            status=outcome.status,
            attempt=attempts,
        )
