"""Validating RFC 9068 access tokens: signature against the issuer's JWKS, claims, revocation.

The HTTP side (reading the Authorization header, checking scopes) is in
`samverkan_shared.auth`, which also re-exports this module's names.
"""

import base64
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog
from authlib.jose import JsonWebToken, Key
from authlib.jose.errors import JoseError

from samverkan_shared.access_token import CERTIFICATE_CONFIRMATION, AccessToken
from samverkan_shared.key_set import KeyFetch, KeySetCache
from samverkan_shared.problems import ServiceUnavailable, Unauthenticated
from samverkan_shared.revocation_cache import (
    RevocationCache,
    Revocations,
    RevocationSource,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
    "LEEWAY_SECONDS",
    "HttpKeySource",
    "HttpRevocationSource",
    "KeyFetchNeeded",
    "KeySource",
    "NeedsIO",
    "TokenValidator",
    "make_token_validator",
]

# Token checking logs as "samverkan.auth", as the revocation cache does.
_log = structlog.get_logger("samverkan.auth")

# Asymmetric only: never "none", never HMAC (a public key must not become a shared secret).
ALLOWED_ALGORITHMS = ("ES256", "EdDSA", "RS256", "PS256")
LEEWAY_SECONDS = 30
_JWKS_MIN_REFRESH_SECONDS = 1.0
# Tokens whose signature was checked; a token lives minutes, so this bounds memory
# for thousands of active clients, not for the log of all tokens ever seen.
_MAX_VERIFIED_TOKENS = 10_000


KeySource = Callable[[], Mapping[str, Any]]


class HttpKeySource:
    """Fetches the issuer's JWKS over HTTP."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self._url = url
        self._client = client

    def __call__(self) -> Mapping[str, Any]:
        response = self._client.get(self._url)
        response.raise_for_status()
        document: Mapping[str, Any] = response.json()
        return document


class HttpRevocationSource:
    """Polls the issuer's revocation list (revoked token ids and clients)."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self._url = url
        self._client = client

    def __call__(self) -> Revocations:
        response = self._client.get(self._url)
        response.raise_for_status()
        body = response.json()
        return Revocations(
            token_ids=frozenset(body.get("token_ids", [])),
            client_ids=frozenset(body.get("client_ids", [])),
        )


class _Invalid(Exception):
    pass


class NeedsIO(Exception):
    """Validation would have to fetch keys or revocations (``validate(io=False)``)."""


class KeyFetchNeeded(NeedsIO):
    """Validation waits for the fetch of the issuer's key set (``validate(io=False)``):
    wait for ``fetch`` to end (at most ``wait_timeout`` seconds), then validate again."""

    def __init__(self, fetch: KeyFetch, wait_timeout: float) -> None:
        super().__init__()
        self.fetch = fetch
        self.wait_timeout = wait_timeout


class TokenValidator:
    """Validates access tokens for one audience; fails closed on every doubt."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource,
        revocations: RevocationSource | None = None,
        clock: Callable[[], float] = time.time,
        key_refetch_interval: float = _JWKS_MIN_REFRESH_SECONDS,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self._revocations = (
            None if revocations is None else RevocationCache(revocations, clock=clock)
        )
        self._clock = clock
        self._jwt = JsonWebToken(list(ALLOWED_ALGORITHMS))
        self._keys = KeySetCache(
            keys,
            min_interval=key_refetch_interval,
            clock=clock,
            on_failure=lambda error: _log.warning(
                "jwks_fetch_failed", error=type(error).__name__
            ),
        )
        # token -> (its kid, its verified claims)
        self._verified: dict[str, tuple[str | None, Mapping[str, Any]]] = {}

    def validate(self, token: str, *, io: bool = True) -> AccessToken:
        """The caller behind `token`, or `Unauthenticated` saying what is wrong.

        With ``io=False`` it never blocks: where it would fetch keys or revocations
        (or wait for another thread doing so) it raises `NeedsIO` instead, so an
        event loop can validate the common case in place and hand the rest to a thread.
        """
        try:
            claims = self._decode(token, io)
            self._check_claims(claims)
        except _Invalid as error:
            raise _unauthenticated("invalid_token", str(error)) from None
        access = AccessToken.from_claims(claims)
        self._check_not_revoked(access, io)
        return access

    def _decode(self, token: str, io: bool) -> Mapping[str, Any]:
        # A signature checked once stays checked: the same token string carries the
        # same claims. Expiry, audience and revocation are still checked on every use.
        # A key withdrawn from the JWKS takes its remembered tokens with it.
        known = self._verified.get(token)
        if known is not None and self._keys.find(known[0]) is not None:
            return known[1]
        header = _unverified_header(token)
        kid = _kid_of(header)
        key = self._key_for(kid, io)
        _check_algorithm_fits(header.get("alg"), key)
        try:
            claims = self._jwt.decode(token, key)
        except (JoseError, ValueError) as error:
            raise _Invalid(
                f"the token's signature or format is invalid ({error})"
            ) from None
        except Exception as error:
            # Fail closed: a token the JOSE library chokes on is a bad token, not a 500.
            _log.warning("token_decode_failed", error=type(error).__name__)
            raise _Invalid("the token's signature or format is invalid") from None
        typ = str(claims.header.get("typ", "")).lower()
        if typ not in {"at+jwt", "application/at+jwt"}:
            raise _Invalid("the token is not an RFC 9068 access token (typ at+jwt)")
        verified = dict(claims)
        self._remember(token, kid, verified)
        return verified

    def _remember(self, token: str, kid: str | None, claims: Mapping[str, Any]) -> None:
        if len(self._verified) >= _MAX_VERIFIED_TOKENS:
            now = self._clock()
            kept = {
                known: held
                for known, held in list(self._verified.items())
                if isinstance(held[1].get("exp"), int | float)
                and held[1]["exp"] + LEEWAY_SECONDS >= now
            }
            # Still full of live tokens: forget the older half (insertion order).
            if len(kept) >= _MAX_VERIFIED_TOKENS:
                kept = dict(list(kept.items())[len(kept) // 2 :])
            self._verified = kept
        self._verified[token] = (kid, claims)

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        missing = [
            name
            for name in ("iss", "sub", "aud", "exp", "iat", "jti", "client_id")
            if name not in claims
        ]
        if missing:
            raise _Invalid(f"the token lacks the claims {', '.join(missing)}")
        if claims["iss"] != self.issuer:
            raise _Invalid(
                f"the token was issued by {claims['iss']!r}, not {self.issuer!r}"
            )
        audience = claims["aud"]
        audiences = audience if isinstance(audience, list) else [audience]
        if self.audience not in audiences:
            raise _Invalid(f"the token is not meant for the {self.audience} service")
        now = self._clock()
        if (
            not isinstance(claims["exp"], int | float)
            or claims["exp"] + LEEWAY_SECONDS < now
        ):
            raise _Invalid("the token has expired")
        not_before = claims.get("nbf", claims["iat"])
        if not isinstance(not_before, int | float) or not_before - LEEWAY_SECONDS > now:
            raise _Invalid("the token is not valid yet")
        _check_confirmation(claims.get("cnf"))

    def _key_for(self, kid: str | None, io: bool) -> Key:
        """The issuer's key named `kid`. A key the cache holds is found without
        waiting; a miss refetches the key set only when a fetch is due (see
        `KeySetCache`), so a flood of unknown kids costs one fetch per interval."""
        key = self._keys.find(kid)
        if key is not None:
            return key
        if self._keys.fetch_due():
            if not io:
                self._claim_fetch()
            self._keys.refresh()
            key = self._keys.find(kid)
            if key is not None:
                return key
        if not self._keys.loaded or self._keys.unavailable:
            # Not the token's fault: the keys that could vouch for it are out of
            # reach (also within the refetch interval after a failed fetch).
            raise ServiceUnavailable(
                "The token issuer's keys cannot be fetched; try again shortly.",
                headers={"Retry-After": "5"},
            )
        raise _unauthenticated("invalid_token", "the token's signing key is unknown")

    def _claim_fetch(self) -> None:
        """`KeyFetchNeeded` for the fetch this miss waits for (started if due)."""
        fetch = self._keys.start()
        if fetch is not None:
            raise KeyFetchNeeded(fetch, self._keys.wait_timeout)

    def _check_not_revoked(self, token: AccessToken, io: bool) -> None:
        if self._revocations is None:
            return
        if io:
            revocations = self._revocations.current()
        else:
            known = self._revocations.without_io()
            if known is None:
                raise NeedsIO
            revocations = known
        if token.jti in revocations.token_ids:
            raise _unauthenticated("invalid_token", "the token has been revoked")
        if token.client_id in revocations.client_ids:
            raise _unauthenticated("invalid_token", "the client has been revoked")


def _check_confirmation(confirmation: object) -> None:
    """Fail closed on a binding this service cannot check: a token bound otherwise
    than to one DPoP key (``jkt``) or one TLS client certificate (``x5t#S256``)
    would pass as unbound, and a token bound to both would pass with either."""
    if confirmation is None:
        return
    if (
        not isinstance(confirmation, Mapping)
        or len(confirmation) != 1
        or not set(confirmation) <= {"jkt", CERTIFICATE_CONFIRMATION}
        or not all(isinstance(value, str) for value in confirmation.values())
    ):
        raise _Invalid(
            "the token is bound by a method other than one DPoP key (cnf.jkt) or "
            "one TLS client certificate (cnf.x5t#S256)"
        )


# RFC 7518 §3.1 and RFC 8037 §3.1: the key type (and curve) each accepted algorithm
# signs with. A token naming a real kid with an algorithm its key cannot do is refused
# here, before the JOSE library is asked to coerce the key into another type.
_KEY_TYPES: Mapping[str, tuple[str, frozenset[str] | None]] = {
    "ES256": ("EC", frozenset({"P-256"})),
    "EdDSA": ("OKP", frozenset({"Ed25519", "Ed448"})),
    "RS256": ("RSA", None),
    "PS256": ("RSA", None),
}


def _check_algorithm_fits(algorithm: object, key: Key) -> None:
    """`_Invalid` unless `algorithm` is accepted and is one the key can verify."""
    if not isinstance(algorithm, str) or algorithm not in _KEY_TYPES:
        accepted = ", ".join(ALLOWED_ALGORITHMS)
        raise _Invalid(f"the token's algorithm is not one of {accepted}")
    kty, curves = _KEY_TYPES[algorithm]
    fields = key.tokens
    declared = fields.get("alg")
    if (
        key.kty != kty
        or (curves is not None and fields.get("crv") not in curves)
        or (declared is not None and declared != algorithm)
        or fields.get("use", "sig") != "sig"
    ):
        raise _Invalid(
            f"the token's algorithm {algorithm} does not fit its signing key"
        )


def _unverified_header(token: str) -> Mapping[str, Any]:
    """The JOSE header, not yet trusted: only to pick the key and check the algorithm."""
    try:
        header_b64 = token.split(".")[0]
        padded = header_b64 + "=" * (-len(header_b64) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, IndexError, RecursionError):
        # RecursionError: JSON nested deeper than the parser goes is not a JWT either.
        raise _unauthenticated("invalid_token", "the token is not a JWT") from None
    if not isinstance(header, dict):
        raise _unauthenticated("invalid_token", "the token is not a JWT")
    return header


def _kid_of(header: Mapping[str, Any]) -> str | None:
    kid = header.get("kid")
    return str(kid) if kid is not None else None


def _unauthenticated(error: str, description: str) -> Unauthenticated:
    # RFC 6750 §3: error_description is printable ASCII without '"' and '\\'.
    quoted = "".join(
        c if " " <= c <= "~" and c not in '"\\' else "'" if c == '"' else " "
        for c in description
    )
    challenge = f'Bearer error="{error}", error_description="{quoted}"'
    return Unauthenticated(
        f"A valid access token is required: {description}.",
        headers={"WWW-Authenticate": challenge},
    )


def make_token_validator(
    *, issuer: str, audience: str, jwks_url: str, revocation_url: str | None
) -> tuple[TokenValidator, httpx.Client]:
    """The production validator: keys and revocations fetched from the issuer over HTTP."""
    from samverkan_shared.http import make_client

    client = make_client(timeout=httpx.Timeout(3.0, connect=1.0), attempts=2)
    validator = TokenValidator(
        issuer=issuer,
        audience=audience,
        keys=HttpKeySource(jwks_url, client),
        revocations=HttpRevocationSource(revocation_url, client)
        if revocation_url
        else None,
    )
    return validator, client
