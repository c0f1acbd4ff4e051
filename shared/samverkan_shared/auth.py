"""Access-token protection for every service: RFC 9068 JWTs checked against the issuer's
JWKS, presented as Bearer (RFC 6750) or, bound to the caller's key, as DPoP (RFC 9449),
or as Bearer bound to the caller's TLS client certificate (RFC 8705 §3).

This module is the FastAPI side (the OAuth2 scheme, the `access_token` dependency,
scope checks, DPoP proofs of requests, the forwarded certificate of a certificate-bound
token) and the scope tables; the token validator
itself, its key and revocation sources live in `samverkan_shared.token_validation`
and are re-exported here, the one place the services import them from.
"""

import asyncio
import hmac
import time
import weakref
from collections.abc import Mapping, Sequence
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from samverkan_shared.access_token import CERTIFICATE_CONFIRMATION, AccessToken
from samverkan_shared.client_certificates import (
    CLIENT_CERT_HEADER,
    InvalidClientCertificate,
    forwarded_certificate,
)
from samverkan_shared.dpop import PROOF_ALGORITHMS, InvalidProof, check_proof
from samverkan_shared.problems import Forbidden, Problem, Unauthenticated
from samverkan_shared.proof_replay import ReplayCache
from samverkan_shared.revocation_cache import Revocations
from samverkan_shared.token_validation import (
    ALLOWED_ALGORITHMS,
    LEEWAY_SECONDS,
    HttpKeySource,
    HttpRevocationSource,
    KeyFetchNeeded,
    NeedsIO,
    TokenValidator,
    make_token_validator,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
    "CERTIFICATE_CONFIRMATION",
    "LEEWAY_SECONDS",
    "SCOPE_AUDIENCES",
    "SCOPE_DESCRIPTIONS",
    "AccessToken",
    "HttpKeySource",
    "HttpRevocationSource",
    "KeyFetchNeeded",
    "NeedsIO",
    "Revocations",
    "TokenValidator",
    "access_token",
    "audiences_for",
    "authorize",
    "bearer_scheme",
    "dpop_challenge",
    "make_token_validator",
]

SCOPE_AUDIENCES: Mapping[str, str] = {
    # OpenID Connect: a signed-in person's identity, read at sharing's userinfo.
    "openid": "sharing",
    "profile": "sharing",
    "tips:write": "tips",
    "tips:read": "tips",
    "tips:manage": "tips",
    "tips:internal": "tips",
    "disclosures:request": "sharing",
    "disclosures:assess": "sharing",
    "disclosures:approve": "sharing",
    "audit:append": "audit-log",
    "audit:read": "audit-log",
}
SCOPE_DESCRIPTIONS: Mapping[str, str] = {
    "openid": "sign a person in (OpenID Connect)",
    "profile": "the signed-in person's name, organisation and roles",
    "tips:write": "file tips",
    "tips:read": "read tips and suppliers",
    "tips:manage": "move tips through the workflow, call-off stops",
    "tips:internal": "read tips field by field with their data categories (sharing)",
    "disclosures:request": "ask for data (partner agencies)",
    "disclosures:assess": "assess disclosure requests, send notices",
    "disclosures:approve": "approve or deny an assessed request",
    "audit:append": "append audit entries (the sharing service)",
    "audit:read": "read, export and verify the audit log",
}


def audiences_for(scopes: list[str]) -> list[str]:
    """The services a token with these scopes is meant for (RFC 9068 `aud`)."""
    return sorted({SCOPE_AUDIENCES[s] for s in scopes if s in SCOPE_AUDIENCES})


bearer_scheme = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="/oauth/token", scopes=dict(SCOPE_DESCRIPTIONS)
        )
    ),
    scheme_name="oauth2",
    description="Access tokens from the Samverkan authorization server "
    "(client credentials; see the sharing service), as 'Authorization: Bearer "
    "<token>', or, for a token bound to the client's key (cnf.jkt), as "
    "'Authorization: DPoP <token>' with a DPoP proof of that key for the request "
    "(RFC 9449: typ dpop+jwt, ES256, PS256 or EdDSA, htm, htu, iat, jti, ath). "
    "A token bound to a TLS client certificate (cnf.x5t#S256, RFC 8705) is Bearer, "
    "accepted only over mutual TLS with that certificate.",
    auto_error=False,
)


async def access_token(
    security_scopes: SecurityScopes,
    request: Request,
    authorization: Annotated[str | None, Depends(bearer_scheme)],
) -> AccessToken:
    """The validated caller; 401 without a valid token, 403 without the scopes asked for."""
    return await authorize(request, authorization, security_scopes.scopes)


_ALGS = " ".join(PROOF_ALGORITHMS)
_REFUSAL_PREFIX = "A valid access token is required: "  # token_validation's words
# The proofs each service accepted, in its own database (one cache per engine).
_REPLAYS: "weakref.WeakKeyDictionary[object, ReplayCache]" = weakref.WeakKeyDictionary()


def _quoted(description: str) -> str:
    # RFC 6750 §3: error_description is printable ASCII without '"' and '\\'.
    return "".join(
        c if " " <= c <= "~" and c not in '"\\' else " " for c in description
    )


def dpop_challenge(error: str, description: str) -> Unauthenticated:
    """401 with RFC 9449 §7.1's challenge: the error, and the algorithms accepted."""
    quoted = _quoted(description)
    return Unauthenticated(
        f"A valid DPoP-bound access token and proof are required: {description}.",
        headers={
            "WWW-Authenticate": f'DPoP error="{error}", '
            f'error_description="{quoted}", algs="{_ALGS}"'
        },
    )


async def authorize(
    request: Request, authorization: str | None, scopes: Sequence[str]
) -> AccessToken:
    """``access_token`` for a handler that reads the Authorization header itself."""
    scheme, _, token = (authorization or "").partition(" ")
    scheme, token = scheme.lower(), token.strip()
    if scheme not in ("bearer", "dpop") or not token:
        raise Unauthenticated(
            "This endpoint needs an access token: send 'Authorization: Bearer <token>' "
            "or, for a token bound to your key, 'Authorization: DPoP <token>' with a "
            "DPoP proof (get one from the authorization server's /oauth/token).",
            headers={
                "WWW-Authenticate": f'Bearer realm="samverkan", DPoP algs="{_ALGS}"'
            },
        )
    # The serving app's (samverkan_shared.service_app.Running), opened by its lifespan.
    validator: TokenValidator = request.app.running.token_validator
    try:
        caller = await _validated(validator, token)
    except Unauthenticated as refused:
        if scheme == "dpop":
            reason = refused.detail.removeprefix(_REFUSAL_PREFIX).rstrip(".")
            raise dpop_challenge("invalid_token", reason) from None
        raise
    if scheme == "dpop":
        await _check_proof(request, token, caller)
    elif caller.jkt is not None:
        # RFC 9449 §7.2: a bound token is useless without its key, as Bearer too.
        raise dpop_challenge(
            "invalid_token",
            "the token is bound to a DPoP key: present it as 'Authorization: DPoP "
            "<token>' with a proof signed by that key",
        )
    if caller.x5t_s256 is not None:
        _check_certificate(request, caller.x5t_s256)
    request.state.client_id = caller.client_id
    missing = sorted(set(scopes) - caller.scopes)
    if missing:
        needed = " ".join(scopes)
        raise Forbidden(
            f"The token lacks the scope {', '.join(missing)} this endpoint needs.",
            headers={
                "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'
            },
        )
    return caller


async def _check_proof(request: Request, token: str, caller: AccessToken) -> None:
    """RFC 9449 §4.3 and §7.1: one proof, for this request, with the token's hash,
    signed by the key the token is bound to, and never seen before."""
    if caller.jkt is None:
        raise dpop_challenge(
            "invalid_token", "the token is not bound to a key: present it as Bearer"
        )
    proofs = request.headers.getlist("dpop")
    if len(proofs) != 1:
        raise dpop_challenge("invalid_dpop_proof", "send exactly one DPoP header")
    try:
        proof = check_proof(
            proofs[0],
            method=request.method,
            uri=str(request.url),
            now=time.time(),
            access_token=token,
            # Behind an ingress that ends TLS the client's https URL arrives as http.
            behind_tls_proxy=True,
        )
    except InvalidProof as error:
        raise dpop_challenge("invalid_dpop_proof", str(error)) from None
    if proof.jkt != caller.jkt:
        raise dpop_challenge(
            "invalid_dpop_proof",
            "the proof is signed by another key than the one the token is bound to",
        )
    replays = _replays(request)
    if not await run_in_threadpool(
        replays.first_use, proof.jkt, proof.jti, proof.remember_until
    ):
        raise dpop_challenge("invalid_dpop_proof", "the proof was used before (jti)")


def _check_certificate(request: Request, thumbprint: str) -> None:
    """RFC 8705 §3: a certificate-bound token only with that certificate, as the
    ingress forwarded it (RFC 9440); without a trusted ingress, never."""
    trusted = request.app.platform.settings.trust_client_cert_header
    lines = request.headers.getlist(CLIENT_CERT_HEADER) if trusted else []
    try:
        certificate = forwarded_certificate(lines)
    except InvalidClientCertificate as error:
        # RFC 6750 §3.1: a malformed request is invalid_request, 400.
        raise Problem(
            f"The forwarded client certificate cannot be read: {error}.",
            status=400,
            headers={
                "WWW-Authenticate": 'Bearer error="invalid_request", '
                f'error_description="{_quoted(str(error))}"'
            },
        ) from None
    if certificate is None:
        raise _certificate_refusal(
            "the token is bound to a TLS client certificate and none was presented: "
            "call over mutual TLS with that certificate"
        )
    if not hmac.compare_digest(certificate.thumbprint, thumbprint):
        raise _certificate_refusal(
            "the token is bound to another TLS client certificate than the one "
            "presented"
        )


def _certificate_refusal(description: str) -> Unauthenticated:
    """401 ``invalid_token`` (RFC 8705 §3) with a Bearer challenge (RFC 6750 §3)."""
    return Unauthenticated(
        f"{_REFUSAL_PREFIX}{description}.",
        headers={
            "WWW-Authenticate": 'Bearer error="invalid_token", '
            f'error_description="{_quoted(description)}"'
        },
    )


def _replays(request: Request) -> ReplayCache:
    engine = request.app.platform.engine
    cache = _REPLAYS.get(engine)
    if cache is None:
        cache = _REPLAYS.setdefault(engine, ReplayCache(engine))
    return cache


async def _validated(validator: TokenValidator, token: str) -> AccessToken:
    """Validate in place when no I/O is needed (the common case, no thread hop).

    A token whose key must be fetched waits here, holding no worker thread, for the
    one fetch of the key set (which runs on its own thread): a flood of tokens with
    unknown kids cannot take the worker threads that requests with a known key need.
    """
    try:
        return validator.validate(token, io=False)
    except KeyFetchNeeded as needed:
        with anyio.move_on_after(needed.wait_timeout):
            await asyncio.wrap_future(needed.fetch)
    except NeedsIO:
        return await run_in_threadpool(validator.validate, token)
    try:  # the key set is as fresh as it gets: found now, or refused in place
        return validator.validate(token, io=False)
    except NeedsIO:
        return await run_in_threadpool(validator.validate, token)
