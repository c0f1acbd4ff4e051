"""Standard Webhooks signatures as a receiver checks them (standardwebhooks.com, 1.0.0).

A delivery carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature``: space-separated ``v1,<base64 HMAC-SHA256>`` entries over
``{id}.{timestamp}.{body}``, keyed by the secret's bytes (``whsec_`` + base64). It is
authentic when one ``v1`` entry matches in constant time and the timestamp is within
the tolerance of now (replays are refused). No framework imports.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "InvalidSecret",
    "InvalidWebhook",
    "secret_key",
    "verify_webhook",
]

# The window of the specification's reference libraries, either side of now.
DEFAULT_TOLERANCE_SECONDS = 300
_PREFIX = "whsec_"


class InvalidSecret(ValueError):
    """A signing secret that is not ``whsec_`` + base64."""


class InvalidWebhook(Exception):
    """A delivery that is not authentic; the message says why, never the secret."""


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_...`` secret: its base64 part, decoded."""
    text = secret.strip()
    if not text.startswith(_PREFIX):
        raise InvalidSecret("a webhook secret begins with whsec_")
    try:
        key = base64.b64decode(text.removeprefix(_PREFIX), validate=True)
    except binascii.Error:
        raise InvalidSecret("the part after whsec_ is not base64") from None
    if not key:
        raise InvalidSecret("the secret is empty after whsec_")
    return key


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise InvalidWebhook(f"the {name} header is missing")
    return value


def _check_timestamp(text: str, now: float, tolerance: int) -> None:
    if not text.isascii() or not text.isdigit():
        raise InvalidWebhook("webhook-timestamp is not a whole number of seconds")
    if abs(now - int(text)) > tolerance:
        raise InvalidWebhook(
            f"webhook-timestamp is more than {tolerance} s away from now"
        )


def verify_webhook(
    key: bytes,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """The ``webhook-id`` of an authentic delivery; raises `InvalidWebhook` otherwise.

    ``headers`` are looked up by lower-case name; ``body`` is the raw bytes received
    (parsing and serialising JSON again would change them).
    """
    message_id = _header(headers, "webhook-id")
    if "." in message_id:  # the id is part of the signed "{id}.{timestamp}." prefix
        raise InvalidWebhook("webhook-id may not contain a full stop")
    timestamp = _header(headers, "webhook-timestamp")
    _check_timestamp(timestamp, now, tolerance)
    signed = f"{message_id}.{timestamp}.".encode() + body  # the header as sent
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    for entry in _header(headers, "webhook-signature").split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue  # another scheme (v1a: asymmetric) this receiver has no key for
        try:
            candidate = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if hmac.compare_digest(candidate, expected):
            return message_id
    raise InvalidWebhook("no v1 signature matches this secret")
