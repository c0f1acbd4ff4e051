"""Keyed pseudonyms of identity numbers: a log names a subject without the number."""

import hashlib
import hmac

from samverkan_shared.identifiers import (
    InvalidIdentifier,
    parse_org_number,
    parse_personal_number,
)

__all__ = ["PSEUDONYM_PREFIX", "pseudonymise"]

PSEUDONYM_PREFIX = "hmac-sha256:"
_MINIMUM_KEY_BYTES = 32
# Domain separation: the same key used for another purpose never yields these values.
_DOMAIN = b"samverkan subject pseudonym v1\x00"


def pseudonymise(identifier: str, key: bytes) -> str:
    """The stable pseudonym of a personal, coordination or organisation number.

    The identifier is normalised first, so every accepted spelling of one identity
    (``121212-1212``, ``191212121212``, ``19121212-1212``) gives the same pseudonym:
    personnummer and samordningsnummer as ``YYYYMMDD-NNNN``, organisation numbers as
    ``NNNNNN-NNNN``. The result is ``"hmac-sha256:"`` followed by 64 lowercase hex
    digits of HMAC-SHA-256(key, ``b"samverkan subject pseudonym v1\\x00"`` + the
    normalised identifier in ASCII). Without the key the pseudonym cannot be
    reversed by trying all ten-digit numbers. Raises ``InvalidIdentifier`` for
    anything that is not one of the three, and ``ValueError`` for a key shorter
    than 32 bytes.
    """
    if len(key) < _MINIMUM_KEY_BYTES:
        raise ValueError(
            f"a pseudonym key must be at least {_MINIMUM_KEY_BYTES} bytes, "
            f"got {len(key)}"
        )
    message = _DOMAIN + _normalise(identifier).encode("ascii")
    return PSEUDONYM_PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()


def _normalise(identifier: str) -> str:
    if _looks_like_org_number(identifier):
        return parse_org_number(identifier)
    try:
        return parse_personal_number(identifier).normalised
    except InvalidIdentifier as error:
        raise InvalidIdentifier(
            "expected a personnummer or samordningsnummer (YYYYMMDD-NNNN) or an "
            f"organisation number (NNNNNN-NNNN): {error}"
        ) from error


def _looks_like_org_number(identifier: str) -> bool:
    # The spaces never overlap: an organisation number's third digit is 2 or more
    # (a month of 20+ in a personal number) and its 12-digit form starts with 16.
    digits = identifier.strip().replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        return False
    return (len(digits) == 10 and digits[2] >= "2") or (
        len(digits) == 12 and digits.startswith("16")
    )
