"""A relying party's check of the ID token it was given (OpenID Connect Core §3.1.3.7):
signed by the issuer with an asymmetric key from its JWKS, issued by it, for this
client, current, and answering this sign-in's nonce."""

import base64
import json
import time
from collections.abc import Mapping
from typing import Any

from authlib.jose import JsonWebKey, JsonWebToken, KeySet
from authlib.jose.errors import JoseError

__all__ = ["ID_TOKEN_ALGORITHMS", "InvalidIdToken", "verify_id_token"]

# Asymmetric only: an HS256 token would be "signed" with the client's own secret,
# and "none" with nothing.
ID_TOKEN_ALGORITHMS = ("ES256", "EdDSA", "RS256", "PS256")
LEEWAY_SECONDS = 30


class InvalidIdToken(Exception):
    """The ID token is not the issuer's answer to this sign-in; the message says why."""


def verify_id_token(
    token: str,
    jwks: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float | None = None,
) -> dict[str, Any]:
    """The ID token's claims, once its signature, ``iss``, ``aud`` (and ``azp``),
    ``exp``, ``iat`` and ``nonce`` are checked; `InvalidIdToken` otherwise."""
    claims = _signed_claims(token, jwks)
    moment = time.time() if now is None else now
    if claims.get("iss") != issuer.rstrip("/"):
        raise InvalidIdToken(f"it was issued by {claims.get('iss')!r}, not {issuer!r}")
    _check_audience(claims, client_id)
    _check_times(claims, moment)
    if claims.get("nonce") != nonce:
        raise InvalidIdToken("its nonce is not the one sent (a replayed token?)")
    if not claims.get("sub"):
        raise InvalidIdToken("it names no subject (sub)")
    return claims


def _signed_claims(token: str, jwks: Mapping[str, Any]) -> dict[str, Any]:
    algorithm = _header(token).get("alg")
    if algorithm not in ID_TOKEN_ALGORITHMS:
        raise InvalidIdToken(
            f"its algorithm {algorithm!r} is not one of {', '.join(ID_TOKEN_ALGORITHMS)}"
        )
    try:
        keys: KeySet = JsonWebKey.import_key_set(dict(jwks))
        decoded = JsonWebToken(list(ID_TOKEN_ALGORITHMS)).decode(token, keys)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise InvalidIdToken(
            f"its signature does not verify with the issuer's keys ({error})"
        ) from None
    except Exception:
        # Fail closed: a token the JOSE library chokes on (a key of another type
        # than the algorithm's, say) is a bad token.
        raise InvalidIdToken(
            "its signature does not verify with the issuer's keys"
        ) from None
    return dict(decoded)


def _header(token: str) -> dict[str, Any]:
    try:
        encoded = token.split(".")[0]
        header = json.loads(
            base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        )
    except (ValueError, IndexError):
        raise InvalidIdToken("it is not a JWT") from None
    if not isinstance(header, dict):
        raise InvalidIdToken("it is not a JWT")
    return header


def _check_audience(claims: Mapping[str, Any], client_id: str) -> None:
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise InvalidIdToken(f"it is meant for {audience!r}, not for {client_id!r}")
    # §3.1.3.7 (4, 5): with several audiences, azp must name this client.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise InvalidIdToken(f"it was issued to {claims.get('azp')!r} (azp)")


def _check_times(claims: Mapping[str, Any], now: float) -> None:
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        raise InvalidIdToken("it lacks a numeric exp or iat")
    if expires + LEEWAY_SECONDS < now:
        raise InvalidIdToken("it has expired")
    if issued - LEEWAY_SECONDS > now:
        raise InvalidIdToken("it was issued in the future (iat)")
