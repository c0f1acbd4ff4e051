"""Client authentication at the token endpoint: client_secret_basic, private_key_jwt
and mutual TLS (RFC 8705 §2: tls_client_auth, self_signed_tls_client_auth)."""

import base64
import binascii
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError

from samverkan_shared.auth import ALLOWED_ALGORITHMS
from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.oauth_client import ASSERTION_TYPE
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import TLS_AUTH_METHODS, ClientRecord
from samverkan_sharing.oauth.repository import ClientRepository, RevocationRepository
from samverkan_sharing.oauth.secrets import verify_secret

__all__ = ["MAX_ASSERTION_LIFETIME", "authenticate_client"]

MAX_ASSERTION_LIFETIME = 300  # seconds; RFC 7523 asks for a short expiry
_LEEWAY = 30


def authenticate_client(
    authorization: str | None,
    form: Mapping[str, str],
    *,
    clients: ClientRepository,
    revocations: RevocationRepository,
    audiences: set[str],
    algorithms: Sequence[str] = ALLOWED_ALGORITHMS,
    secrets_allowed: bool = True,
    certificate: ClientCertificate | None = None,
) -> ClientRecord:
    """The authenticated, active client, or `OAuthError('invalid_client')`.

    ``secrets_allowed=False`` (the FAPI 2.0 profile): only private_key_jwt, signed
    with one of ``algorithms``, or mutual TLS. ``certificate``: the TLS client
    certificate the ingress forwarded, if it is trusted to.
    """
    basic = authorization is not None and authorization.lower().startswith("basic ")
    assertion = form.get("client_assertion")
    if basic and assertion:
        raise OAuthError(
            "invalid_request", "Use one client authentication method, not two."
        )
    if basic and not secrets_allowed:
        raise OAuthError(
            "invalid_client",
            "The FAPI 2.0 profile accepts no client secrets: authenticate with "
            "private_key_jwt (a client_assertion signed with PS256, ES256 or EdDSA) "
            "or mutual TLS (tls_client_auth, self_signed_tls_client_auth).",
        )
    if basic:
        return _by_secret(authorization or "", clients)
    if assertion is not None:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthError(
                "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}."
            )
        return _by_assertion(assertion, clients, revocations, audiences, algorithms)
    if "client_id" in form:  # RFC 8705 §2: the certificate, the client in the body
        return _by_certificate(form["client_id"], certificate, clients)
    raise OAuthError(
        "invalid_client",
        "Authenticate the client with HTTP Basic (client_secret_basic), a signed "
        f"client_assertion (private_key_jwt) or {_BY_CERTIFICATE}."
        if secrets_allowed
        else "Authenticate the client with a signed client_assertion "
        f"(private_key_jwt) or {_BY_CERTIFICATE}.",
    )


_BY_CERTIFICATE = (
    "its TLS client certificate and client_id (tls_client_auth, "
    "self_signed_tls_client_auth)"
)


def _by_certificate(
    client_id: str, certificate: ClientCertificate | None, clients: ClientRepository
) -> ClientRecord:
    """RFC 8705 §2.1 (the subject DN, or a subject alternative name, of a
    certificate the ingress verified against the certificate authorities it trusts)
    and §2.2 (a certificate registered itself, by its SHA-256 thumbprint)."""
    client = clients.get(client_id)
    if client is None or client.auth_method not in TLS_AUTH_METHODS:
        raise OAuthError(
            "invalid_client",
            "Unknown client, or not one that authenticates with its TLS client "
            "certificate.",
        )
    if certificate is None:
        raise OAuthError(
            "invalid_client",
            "This client authenticates with its TLS client certificate (RFC 8705) "
            "and none was presented: connect over mutual TLS.",
        )
    if client.auth_method == "tls_client_auth" and client.tls_san is not None:
        fits = certificate.has_alternative_name(client.tls_san)
        why = (
            "The certificate has no subject alternative name "
            f"{client.tls_san!r}, the one registered for this client."
        )
    elif client.auth_method == "tls_client_auth":
        fits = client.tls_subject_dn is not None and certificate.has_subject(
            client.tls_subject_dn
        )
        why = "The certificate's subject is not the one registered for this client."
    else:
        fits = any(
            hmac.compare_digest(certificate.thumbprint, registered)
            for registered in client.tls_thumbprints or []
        )
        why = "The certificate is not one registered for this client."
    if not fits:
        raise OAuthError("invalid_client", why)
    return _active(client)


def _by_secret(authorization: str, clients: ClientRepository) -> ClientRecord:
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        raw_id, _, raw_secret = decoded.partition(":")
        # RFC 6749 §2.3.1: id and secret are form-urlencoded (application/
        # x-www-form-urlencoded, so '+' is a space) before base64.
        client_id = unquote_plus(raw_id, errors="strict")
        secret = unquote_plus(raw_secret, errors="strict")
    except ValueError:  # binascii.Error, UnicodeDecodeError, a non-ASCII header
        raise OAuthError(
            "invalid_client",
            "The Basic credentials are not form-urlencoded UTF-8 in base64.",
        ) from None
    client = clients.get(client_id)
    failed = (
        client is None
        or client.auth_method != "client_secret_basic"
        or client.secret_hash is None
        or not verify_secret(secret, client.secret_hash)
    )
    if failed or client is None:
        raise OAuthError("invalid_client", "Unknown client or wrong secret.")
    return _active(client)


def _by_assertion(
    assertion: str,
    clients: ClientRepository,
    revocations: RevocationRepository,
    audiences: set[str],
    algorithms: Sequence[str],
) -> ClientRecord:
    client_id = _unverified_issuer(assertion)
    client = clients.get(client_id) if client_id else None
    if client is None or client.auth_method != "private_key_jwt" or not client.jwks:
        raise OAuthError("invalid_client", "Unknown client or no registered key.")
    claims = _verified_claims(assertion, client, algorithms)
    _check_assertion_claims(claims, client, audiences)
    expires = datetime.fromtimestamp(float(claims["exp"]), UTC)
    if not revocations.use_assertion(client.client_id, str(claims["jti"]), expires):
        raise OAuthError(
            "invalid_client", "This client assertion was already used (jti)."
        )
    return _active(client)


def _unverified_issuer(assertion: str) -> str | None:
    """The claimed client id, read before verification only to find the client's key."""
    try:
        payload = assertion.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded)).get("iss")
    except (IndexError, ValueError, AttributeError, binascii.Error):
        return None
    return value if isinstance(value, str) else None


def _verified_claims(
    assertion: str, client: ClientRecord, algorithms: Sequence[str]
) -> Mapping[str, Any]:
    try:
        keyset = JsonWebKey.import_key_set(client.jwks or {"keys": []})
        claims = JsonWebToken(list(algorithms)).decode(assertion, keyset)
    except (JoseError, ValueError, KeyError, TypeError):
        raise OAuthError(
            "invalid_client", "The client assertion's signature does not verify."
        ) from None
    return dict(claims)


def _check_assertion_claims(
    claims: Mapping[str, Any], client: ClientRecord, audiences: set[str]
) -> None:
    now = time.time()
    audience = claims.get("aud")
    given = set(audience) if isinstance(audience, list) else {audience}
    problems = [
        (claims.get("iss") != client.client_id, "iss must be the client id"),
        (claims.get("sub") != client.client_id, "sub must be the client id"),
        (not given & audiences, "aud must be the token endpoint or the issuer"),
        (not isinstance(claims.get("jti"), str), "jti is required"),
        (not isinstance(claims.get("exp"), int | float), "exp is required"),
    ]
    for failed, reason in problems:
        if failed:
            raise OAuthError("invalid_client", f"Client assertion rejected: {reason}.")
    expires = float(claims["exp"])
    if expires + _LEEWAY < now:
        raise OAuthError("invalid_client", "Client assertion rejected: it has expired.")
    if expires - now > MAX_ASSERTION_LIFETIME + _LEEWAY:
        raise OAuthError(
            "invalid_client",
            f"Client assertion rejected: exp may lie at most {MAX_ASSERTION_LIFETIME} "
            "seconds ahead.",
        )


def _active(client: ClientRecord) -> ClientRecord:
    if not client.active:
        raise OAuthError("invalid_client", "This client has been revoked.")
    return client
