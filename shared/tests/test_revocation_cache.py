"""The revocation list a resource server keeps: fresh, fetched once at a time, patient
with a struggling issuer, closed when too old."""

import threading

import pytest

from samverkan_shared.problems import ServiceUnavailable
from samverkan_shared.revocation_cache import RevocationCache, Revocations

REVOKED = Revocations(token_ids=frozenset({"jti-1"}))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Issuer:
    """A revocation source that counts its calls and can fail or hold."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False
        self.answer = REVOKED
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> Revocations:
        self.calls += 1
        self.entered.set()
        self.release.wait(10)
        if self.failing:
            raise ConnectionError("issuer busy")
        return self.answer


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def cache(clock: Clock, issuer: Issuer) -> RevocationCache:
    return RevocationCache(issuer, clock=clock, ttl=2, retry_after=1, max_stale=60)


def test_fetched_once_then_fresh_for_the_ttl(
    cache: RevocationCache, clock: Clock, issuer: Issuer
) -> None:
    assert cache.without_io() is None  # nothing fetched yet
    assert cache.current() == REVOKED
    clock.now += 1.9
    assert cache.without_io() == REVOKED
    assert cache.current() == REVOKED
    assert issuer.calls == 1
    clock.now += 0.2  # past the two seconds
    assert cache.without_io() is None
    issuer.answer = Revocations()
    assert cache.current() == Revocations()
    assert issuer.calls == 2


def test_a_failed_refresh_keeps_the_list_and_waits_before_trying_again(
    cache: RevocationCache, clock: Clock, issuer: Issuer
) -> None:
    cache.current()
    clock.now += 3
    issuer.failing = True
    # Many token checks while the issuer struggles: one request to it, not one each.
    for _ in range(50):
        assert cache.current() == REVOKED
    assert issuer.calls == 2
    assert cache.without_io() == REVOKED  # no fetch due for a second: checked in place
    clock.now += 1.0
    assert cache.current() == REVOKED
    assert issuer.calls == 3
    issuer.failing = False
    clock.now += 1.0
    cache.current()
    assert issuer.calls == 4
    clock.now += 1.9
    cache.current()
    assert issuer.calls == 4  # fresh again for its two seconds


def test_older_than_max_stale_nothing_is_accepted(
    cache: RevocationCache, clock: Clock, issuer: Issuer
) -> None:
    cache.current()
    issuer.failing = True
    clock.now += 59
    assert cache.current() == REVOKED  # stale but usable
    clock.now += 2
    with pytest.raises(ServiceUnavailable, match="revocation"):
        cache.current()
    with pytest.raises(ServiceUnavailable):
        cache.without_io()  # no fetch due yet, and the list is too old


def test_never_fetched_and_unreachable_is_refused(
    cache: RevocationCache, issuer: Issuer
) -> None:
    issuer.failing = True
    with pytest.raises(ServiceUnavailable):
        cache.current()


def test_while_one_thread_refreshes_the_others_go_on_with_the_list(
    cache: RevocationCache, clock: Clock, issuer: Issuer
) -> None:
    cache.current()
    clock.now += 3
    issuer.answer = Revocations(token_ids=frozenset({"jti-1", "jti-2"}))
    issuer.entered.clear()
    issuer.release.clear()
    refresher = threading.Thread(target=cache.current)
    refresher.start()
    try:
        assert issuer.entered.wait(5)
        # The refresh is under way and held: another check does not wait for it.
        done = threading.Event()
        seen: list[Revocations] = []

        def check() -> None:
            seen.append(cache.current())
            done.set()

        other = threading.Thread(target=check)
        other.start()
        assert done.wait(2)
        assert seen == [REVOKED]
        assert issuer.calls == 2
    finally:
        issuer.release.set()
        refresher.join(5)
    assert cache.current().token_ids == {"jti-1", "jti-2"}
    assert issuer.calls == 2


def test_a_first_fetch_is_waited_for_by_every_thread(
    cache: RevocationCache, issuer: Issuer
) -> None:
    # With no list at all there is nothing to go on with: the others wait.
    issuer.release.clear()
    results: list[Revocations] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.current()))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    assert issuer.entered.wait(5)
    issuer.release.set()
    for thread in threads:
        thread.join(5)
    assert results == [REVOKED] * 3
    assert issuer.calls == 1
