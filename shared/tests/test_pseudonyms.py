"""Pseudonyms: one value per identity whatever the spelling, and only with the key."""

import hashlib
import hmac
import re

import pytest

from samverkan_shared.identifiers import InvalidIdentifier
from samverkan_shared.pseudonyms import PSEUDONYM_PREFIX, pseudonymise

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

SPELLINGS = {
    "personnummer born 1912": [
        "19121212-1212",
        "191212121212",
        "121212+1212",
        " 19121212-1212 ",
    ],
    "personnummer born 2012": [
        "20121212-1212",
        "201212121212",
        "121212-1212",
        "1212121212",
    ],
    "samordningsnummer": ["701063-2391", "7010632391", "19701063-2391"],
    "organisation number": [
        "556677-8899",
        "5566778899",
        "165566778899",
        "16556677-8899",
    ],
}


@pytest.mark.parametrize("identity", SPELLINGS)
def test_every_spelling_of_one_identity_has_one_pseudonym(identity: str) -> None:
    pseudonyms = {pseudonymise(spelling, KEY) for spelling in SPELLINGS[identity]}
    assert len(pseudonyms) == 1


def test_different_identities_have_different_pseudonyms() -> None:
    firsts = [pseudonymise(spellings[0], KEY) for spellings in SPELLINGS.values()]
    assert len(set(firsts)) == len(firsts)


def test_different_keys_give_different_pseudonyms() -> None:
    assert pseudonymise("19121212-1212", KEY) != pseudonymise(
        "19121212-1212", OTHER_KEY
    )


@pytest.mark.parametrize(
    ("identifier", "normalised"),
    [
        pytest.param("121212+1212", "19121212-1212", id="personnummer"),
        pytest.param("5566778899", "556677-8899", id="organisation number"),
    ],
)
def test_format_is_the_documented_hmac_of_the_normalised_form(
    identifier: str, normalised: str
) -> None:
    """Pins the format: sharing writes and audit-log looks up with this function."""
    message = b"samverkan subject pseudonym v1\x00" + normalised.encode("ascii")
    expected = hmac.new(KEY, message, hashlib.sha256).hexdigest()
    pseudonym = pseudonymise(identifier, KEY)
    assert pseudonym == f"hmac-sha256:{expected}"
    assert re.fullmatch(rf"{PSEUDONYM_PREFIX}[0-9a-f]{{64}}", pseudonym)


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        pytest.param("", "is required", id="empty"),
        pytest.param("abc", "characters other than digits", id="letters"),
        pytest.param(
            "19121212-1213", "check digit is 3 but should be 2", id="bad check"
        ),
        pytest.param("20121232-1212", "day 32", id="bad day"),
        pytest.param("556677-8898", "check digit is 8 but should be 9", id="bad org"),
        pytest.param("1280", "has 4 digits", id="municipality code"),
    ],
)
def test_anything_else_is_rejected_without_echoing_it(
    identifier: str, message: str
) -> None:
    with pytest.raises(InvalidIdentifier, match=re.escape(message)) as caught:
        pseudonymise(identifier, KEY)
    if identifier:
        assert identifier not in str(caught.value)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes, got 16"):
        pseudonymise("19121212-1212", bytes(16))
