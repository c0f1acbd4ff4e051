"""The token endpoint's DPoP nonces (RFC 9449 §8): any replica with the same keyring
takes another's, for two minutes, and nothing else passes for one."""

import pytest

from samverkan_sharing.oauth.binding import NonceSource

NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def test_a_nonce_from_another_replica_is_taken_for_two_minutes() -> None:
    clock = Clock()
    given = NonceSource(lambda: b"k" * 32, clock=clock).issue()
    other_replica = NonceSource(lambda: b"k" * 32, clock=clock)
    assert other_replica.valid(given)
    clock.now = NOW + 120
    assert other_replica.valid(given)
    clock.now = NOW + 121
    assert not other_replica.valid(given)


@pytest.mark.parametrize(
    "nonce",
    [
        pytest.param("not base64 !", id="not base64"),
        pytest.param("AAAA", id="too short"),
        pytest.param(
            NonceSource(lambda: b"other key" * 4, clock=lambda: NOW).issue(),
            id="another keyring",
        ),
        pytest.param(
            NonceSource(lambda: b"k" * 32, clock=lambda: NOW + 60).issue(),
            id="from the future",
        ),
    ],
)
def test_what_is_not_a_current_nonce_of_this_keyring(nonce: str) -> None:
    assert not NonceSource(lambda: b"k" * 32, clock=lambda: NOW).valid(nonce)
