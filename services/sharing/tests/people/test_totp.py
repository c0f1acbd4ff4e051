"""TOTP against the RFCs' own test vectors, and its replay and drift rules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_sharing.people.totp import (
    STEP_SECONDS,
    accepted_step,
    hotp,
    new_secret,
    uri,
)

RFC_SECRET = b"12345678901234567890"


# RFC 4226 Appendix D: HOTP values for counters 0..9 of the test secret.
@pytest.mark.parametrize(
    ("counter", "code"),
    enumerate(
        [
            "755224",
            "287082",
            "359152",
            "969429",
            "338314",
            "254676",
            "287922",
            "162583",
            "399871",
            "520489",
        ]
    ),
)
def test_hotp_matches_rfc_4226_appendix_d(counter: int, code: str) -> None:
    assert hotp(RFC_SECRET, counter) == code


# RFC 6238 Appendix B, SHA-1 rows (eight digits): T = floor(time / 30).
@pytest.mark.parametrize(
    ("time", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_rfc_6238_appendix_b(time: int, code: str) -> None:
    assert hotp(RFC_SECRET, time // STEP_SECONDS, digits=8) == code


@given(now=st.integers(min_value=2 * STEP_SECONDS, max_value=2**33))
def test_a_code_is_accepted_once_within_one_step_of_now(now: int) -> None:
    secret = RFC_SECRET
    step = now // STEP_SECONDS
    for drift in (-1, 0, 1):
        code = hotp(secret, step + drift)
        assert accepted_step(secret, code, now=now, last_step=None) == step + drift
        # Used once: that step and every earlier one are refused from now on.
        assert accepted_step(secret, code, now=now, last_step=step + drift) is None
    assert (
        accepted_step(secret, hotp(secret, step + 2), now=now, last_step=None) is None
    )
    assert (
        accepted_step(secret, hotp(secret, step - 2), now=now, last_step=None) is None
    )


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", " 123456"])
def test_a_code_of_another_shape_is_refused(code: str) -> None:
    assert accepted_step(new_secret(), code, now=1_800_000_000, last_step=None) is None


def test_the_enrolment_uri_names_the_account_and_the_issuer() -> None:
    link = uri(RFC_SECRET, account="anna.assessor", issuer="Samverkan Malmö")
    assert link.startswith("otpauth://totp/Samverkan%20Malm%C3%B6%3Aanna.assessor?")
    assert "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in link  # RFC 4648 base32
    assert "digits=6" in link
    assert "period=30" in link
