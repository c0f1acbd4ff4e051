"""Busy with disclosures, sharing still answers what tips and the audit log need of it."""

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from samverkan_sharing.outbound_pool import OutboundPool
from samverkan_sharing.settings import SharingSettings
from tests.support.fakes import FakeTips
from tests.support.payloads import GROVT_BEDRAGERI, TIP_ID
from tests.support.sharing import Sharing
from tests.support.waiting import wait_until


class HeldTips(FakeTips):
    """Tips that answers a tip read only when released, counting who waits inside."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.inside = 0
        self.most_inside = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.startswith("/internal/v1/tips/"):
            return super().__call__(request)
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        try:
            if not self.release.wait(30):
                return httpx.Response(504)
            return super().__call__(request)
        finally:
            with self._lock:
                self.inside -= 1


def _asker(
    sharing: Sharing, number: int, answers: list[httpx.Response]
) -> threading.Thread:
    """A thread asking for a disclosure as the police; its answer joins ``answers``."""
    headers = {**sharing.headers("police"), "Idempotency-Key": f"load-{number}"}

    def ask() -> None:
        answers.append(
            sharing.client.post(
                "/v1/disclosure-requests",
                json={
                    "tip_id": TIP_ID,
                    "purpose": GROVT_BEDRAGERI,
                    "partner_reference": f"5000-K{number}-26",
                },
                headers=headers,
            )
        )

    return threading.Thread(target=ask)


def test_waiting_disclosures_hold_at_most_the_pool_and_leave_the_rest_free(
    sharing_factory: Callable[..., Sharing],
) -> None:
    tips = HeldTips()
    sharing = sharing_factory(tips=tips, outbound_threads=2)
    answers: list[httpx.Response] = []
    askers = [_asker(sharing, number, answers) for number in range(3)]
    for asker in askers:
        asker.start()
    try:
        wait_until(lambda: tips.inside == 2)
        # The third asker has reached the pool and waits there for a thread.
        wait_until(
            lambda: "samverkan_sharing_outbound_waiting 1.0"
            in sharing.client.get("/metrics").text
        )
        assert tips.inside == 2
        metrics = sharing.client.get("/metrics").text
        assert "samverkan_sharing_outbound_threads 2.0" in metrics
        assert "samverkan_sharing_outbound_busy 2.0" in metrics
        assert "samverkan_sharing_outbound_waiting 1.0" in metrics
        # What tips and the audit log ask of this service meanwhile is answered at
        # once: it does not need a thread of the outbound pool.
        assert sharing.client.get("/.well-known/jwks.json").status_code == 200
        assert sharing.client.get("/oauth/revocations").status_code == 200
    finally:
        tips.release.set()
        for asker in askers:
            asker.join(30)
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert tips.most_inside == 2  # the third waited its turn, then was served


def test_at_the_in_flight_limit_the_key_set_and_revocations_are_still_answered(
    sharing_factory: Callable[..., Sharing],
) -> None:
    # Refused, they would make tips and the audit log refuse sharing's own calls,
    # which would keep sharing at its limit.
    tips = HeldTips()
    sharing = sharing_factory(tips=tips, max_in_flight=1)
    headers = sharing.headers("police")
    answers: list[httpx.Response] = []
    asker = _asker(sharing, 1, answers)
    asker.start()
    try:
        wait_until(lambda: tips.inside == 1)
        refused = sharing.client.get("/v1/rules", headers=headers)
        assert refused.status_code == 503
        assert sharing.client.get("/.well-known/jwks.json").status_code == 200
        assert sharing.client.get("/oauth/revocations").status_code == 200
    finally:
        tips.release.set()
        asker.join(30)
    assert [answer.status_code for answer in answers] == [201]


def test_a_retry_racing_the_first_request_gets_the_same_disclosure(
    sharing_factory: Callable[..., Sharing],
) -> None:
    # Both pass the Idempotency-Key lookup before either has stored its decision; the
    # database's unique key lets one store it, the other answers as the first does.
    tips = HeldTips()
    sharing = sharing_factory(tips=tips, outbound_threads=2)
    answers: list[httpx.Response] = []
    askers = [_asker(sharing, 7, answers) for _ in range(2)]
    for asker in askers:
        asker.start()
    try:
        wait_until(lambda: tips.inside == 2)
    finally:
        tips.release.set()
        for asker in askers:
            asker.join(30)
    assert [answer.status_code for answer in answers] == [201, 201]
    first, second = (answer.json() for answer in answers)
    assert first["id"] == second["id"]
    assert first["status"] == second["status"] == "released"
    assert len(sharing.audit.entries) == 1


def test_the_pool_needs_a_thread() -> None:
    with pytest.raises(ValueError, match="at least 1 thread"):
        OutboundPool(0)


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_an_unusable_thread_count_is_refused_at_start(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("SHARING_OUTBOUND_THREADS", value)
    with pytest.raises(ValidationError, match=r"outbound_threads|SHARING_OUTBOUND"):
        SharingSettings(data_dir=tmp_path)
