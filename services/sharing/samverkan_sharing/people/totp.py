"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), the second factor.

SHA-1, 30-second steps and six digits: what every authenticator app reads from an
``otpauth://`` URI. A code is accepted one step either side of now (clock drift), and
never for a step at or before the last one used, so a code cannot be replayed.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

__all__ = ["DIGITS", "STEP_SECONDS", "accepted_step", "hotp", "new_secret", "uri"]

STEP_SECONDS = 30
DIGITS = 6
_WINDOW = 1  # steps either side of now


def new_secret() -> bytes:
    """160 bits, the HMAC-SHA-1 key length RFC 4226 §4 recommends."""
    return secrets.token_bytes(20)


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 §5.3: HMAC-SHA-1 of the counter, dynamically truncated."""
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def accepted_step(
    secret: bytes, code: str, *, now: float, last_step: int | None
) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and not used before."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = int(now) // STEP_SECONDS
    for step in range(max(current - _WINDOW, 0), current + _WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def uri(secret: bytes, *, account: str, issuer: str) -> str:
    """The ``otpauth://totp/`` URI an authenticator app enrols from (as a QR code)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {
            "secret": base64.b32encode(secret).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"
