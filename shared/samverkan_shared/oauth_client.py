"""What an OAuth client sends about itself: a PKCE challenge (RFC 7636) and a signed
client assertion (private_key_jwt, RFC 7523), the way the FAPI 2.0 profile asks.

Used by the console and by `samverkan people sign-in` as clients, and by the
authorization server to check a verifier against its challenge.
"""

import base64
import hashlib
import secrets
import time
from typing import Any

from authlib.jose import JsonWebToken

__all__ = [
    "ASSERTION_LIFETIME",
    "ASSERTION_TYPE",
    "client_assertion",
    "pkce_challenge",
]

# RFC 7523 §2.2: client_assertion_type of a JWT assertion.
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 60  # seconds: an assertion is made for one request, at once
# The algorithm a key of each type signs with: all allowed by FAPI 2.0 (§5.4).
_SIGNING = {"EC": "ES256", "OKP": "EdDSA", "RSA": "PS256"}


def client_assertion(key: Any, client_id: str, audience: str) -> str:
    """RFC 7523 §3: iss and sub the client, aud the issuer identifier (FAPI 2.0
    §5.3.2.1; the suite's token, pushed-request and revocation endpoints all take
    it), short-lived, used once (jti). ``key`` is the client's authlib private key."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
        "jti": secrets.token_hex(16),
    }
    algorithm = _SIGNING[key.kty]
    header = {"alg": algorithm, "typ": "JWT"}
    if key.kid:
        header["kid"] = key.kid
    signed: bytes = JsonWebToken([algorithm]).encode(header, claims, key)
    return signed.decode()


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(verifier)))."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
