"""HTTP face of the authorization server: RFC 8414 metadata, JWKS, token, introspection,
revocation, and the revocation list the resource servers poll."""

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from samverkan_shared.auth import ALLOWED_ALGORITHMS, SCOPE_DESCRIPTIONS
from samverkan_shared.client_certificates import (
    CLIENT_CERT_HEADER,
    ClientCertificate,
    InvalidClientCertificate,
    forwarded_certificate,
)
from samverkan_shared.dpop import PROOF_ALGORITHMS
from samverkan_shared.sessions import ReadingSession, WritingSession
from samverkan_sharing.dependencies import sharing_app
from samverkan_sharing.oauth.binding import TokenRequestProof
from samverkan_sharing.oauth.errors import OAuthError, oauth_error_responses
from samverkan_sharing.oauth.models import TLS_AUTH_METHODS
from samverkan_sharing.oauth.repository import RevocationRepository
from samverkan_sharing.oauth.schemas import (
    IntrospectionResponse,
    PushedAuthorizationResponse,
    TokenResponse,
    form_body,
)
from samverkan_sharing.oauth.service import FAPI2_ALGORITHMS, TokenIssuer
from samverkan_sharing.signin.service import PAR_PATH, push_for_request

__all__ = ["JWKS_PATH", "REVOCATIONS_PATH", "router"]

JWKS_PATH = "/.well-known/jwks.json"
REVOCATIONS_PATH = "/oauth/revocations"
router = APIRouter(tags=["oauth"])
# Token issuance may record an assertion id after reading the client: a writing session,
# so SQLite never has to upgrade a read transaction (see samverkan_shared.sessions).


def _authorization(request: Request) -> str | None:
    # Read directly: HTTP Basic credentials are client authentication, not a parameter.
    return request.headers.get("authorization")


AuthorizationHeader = Annotated[str | None, Depends(_authorization)]


def _certificate(request: Request) -> ClientCertificate | None:
    """The TLS client certificate the ingress forwarded (RFC 9440), where it is
    trusted to; elsewhere the header is ignored, as any header a caller may send."""
    if not _issuer(request).mutual_tls:
        return None
    try:
        return forwarded_certificate(request.headers.getlist(CLIENT_CERT_HEADER))
    except InvalidClientCertificate as error:
        raise OAuthError(
            "invalid_request",
            f"The forwarded client certificate is malformed: {error}.",
        ) from None


ForwardedCertificate = Annotated[ClientCertificate | None, Depends(_certificate)]
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# What a person's ID token and userinfo say (OpenID Connect Core §5.1, and ours).
_CLAIMS = [
    "sub",
    "name",
    "preferred_username",
    "org_number",
    "roles",
    "auth_time",
    "amr",
    "nonce",
]
_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]
_CLIENT_CERT_HEADER = {
    "name": "Client-Cert",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "Set by the ingress only, never by a client (RFC 9440): the TLS "
    "client certificate it verified, as :base64 of the DER:. Authenticates "
    "tls_client_auth and self_signed_tls_client_auth clients with their client_id "
    "in the form, and binds their tokens to it (cnf.x5t#S256, RFC 8705). Read only "
    "where SAMVERKAN_TRUST_CLIENT_CERT_HEADER is set.",
}
_DPOP_HEADER = {
    "name": "DPoP",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "A DPoP proof (RFC 9449 §4): the token is bound to its key "
    "(token_type DPoP). Required for clients registered --dpop required and under "
    "the FAPI 2.0 profile; the first proof gets use_dpop_nonce and a DPoP-Nonce "
    "header to sign in the next one.",
}
# The largest form these endpoints take has six parameters; no request needs more.
_MAX_FORM_FIELDS = 16


# Introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) take the same form.
_TOKEN_FORM = form_body(
    {
        "token": {
            "type": "string",
            "description": "The token asked about: an access token, or (revocation "
            "only) a refresh token",
        },
        "token_type_hint": {
            "type": "string",
            "description": "Not needed: each kind is recognised by its form",
        },
    },
    ["token"],
)


async def _read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError(
            "invalid_request",
            "Send the parameters as application/x-www-form-urlencoded.",
        )
    try:
        text = (await request.body()).decode()
    except UnicodeDecodeError:
        raise OAuthError(
            "invalid_request", "The form body is not valid UTF-8."
        ) from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FORM_FIELDS)
    except ValueError:
        raise OAuthError(
            "invalid_request",
            f"The form has more than {_MAX_FORM_FIELDS} parameters.",
        ) from None
    names = [name for name, _ in pairs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:  # RFC 6749 §3.2
        raise OAuthError(
            "invalid_request", f"Parameters repeated: {', '.join(repeated)}."
        )
    if any("\x00" in value for _, value in pairs):
        raise OAuthError(
            "invalid_request", "Parameters must not contain NUL characters."
        )
    return dict(pairs)


def _issuer(request: Request) -> TokenIssuer:
    return sharing_app(request).running.state.token_issuer


@router.get("/.well-known/oauth-authorization-server", summary="RFC 8414 metadata")
@router.get(
    "/.well-known/openid-configuration",
    summary="OpenID Connect Discovery 1.0 (the same document)",
)
def metadata(request: Request) -> dict[str, Any]:
    issuer = _issuer(request)
    base = issuer.issuer
    methods = ["private_key_jwt"] if issuer.fapi2 else list(_AUTH_METHODS)
    if issuer.mutual_tls:
        methods += TLS_AUTH_METHODS
    algorithms = list(FAPI2_ALGORITHMS if issuer.fapi2 else ALLOWED_ALGORITHMS)
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        # RFC 9126 §5: under the FAPI 2.0 profile, the only way to start a sign-in.
        "pushed_authorization_request_endpoint": f"{base}{PAR_PATH}",
        "require_pushed_authorization_requests": issuer.fapi2,
        "token_endpoint": f"{base}/oauth/token",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "jwks_uri": f"{base}{JWKS_PATH}",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "grant_types_supported": [
            "client_credentials",
            "authorization_code",
            "refresh_token",
        ],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,  # RFC 9207
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [issuer.keys.algorithm],
        "claims_supported": _CLAIMS,
        "token_endpoint_auth_methods_supported": methods,
        "token_endpoint_auth_signing_alg_values_supported": algorithms,
        # RFC 8414 §2: each endpoint that takes private_key_jwt names its algorithms.
        "introspection_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_signing_alg_values_supported": algorithms,
        "revocation_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_signing_alg_values_supported": algorithms,
        "scopes_supported": sorted(SCOPE_DESCRIPTIONS),
        "dpop_signing_alg_values_supported": list(PROOF_ALGORITHMS),  # RFC 9449 §5.1
        # RFC 8705 §3.3: only behind an ingress that forwards the certificate.
        "tls_client_certificate_bound_access_tokens": issuer.mutual_tls,
    }


@router.get(JWKS_PATH, summary="The token signing keys (RFC 7517)")
def jwks(request: Request) -> dict[str, Any]:
    return _issuer(request).keys.jwks()


@router.post(
    "/oauth/token",
    summary="Client credentials (RFC 6749 §4.4), authorization code (§4.1.3) and "
    "refresh token (§6) grants",
    responses={
        200: {"model": TokenResponse, "description": "RFC 6749 §5.1"},
        **oauth_error_responses(),
    },
    openapi_extra=form_body(
        {
            "grant_type": {
                "type": "string",
                "enum": ["client_credentials", "authorization_code", "refresh_token"],
            },
            "scope": {
                "type": "string",
                "description": "Space-separated; default: every scope the client has "
                "(refresh_token: every scope the sign-in granted)",
            },
            "code": {"type": "string", "description": "authorization_code: the code"},
            "redirect_uri": {
                "type": "string",
                "description": "authorization_code: as in the authorization request",
            },
            "code_verifier": {
                "type": "string",
                "description": "authorization_code: the PKCE verifier (RFC 7636)",
            },
            "refresh_token": {
                "type": "string",
                "description": "refresh_token: the latest refresh token; each is "
                "used once",
            },
        },
        ["grant_type"],
    )
    | {"parameters": [_DPOP_HEADER, _CLIENT_CERT_HEADER]},
)
async def token(
    request: Request,
    session: WritingSession,
    authorization: AuthorizationHeader,
    certificate: ForwardedCertificate,
) -> JSONResponse:
    form = await _read_form(request)
    issuer = _issuer(request)
    proofs = tuple(request.headers.getlist("dpop"))
    issued = await run_in_threadpool(
        issuer.token_for_request,
        session,
        authorization,
        form,
        TokenRequestProof(proofs, certificate),
    )
    headers = dict(_NO_STORE)
    nonces = issuer.binding.nonces if issuer.binding is not None else None
    if proofs and nonces is not None:  # the next request's nonce (RFC 9449 §8.2)
        headers["DPoP-Nonce"] = nonces.issue()
    return JSONResponse(issued.response(), headers=headers)


@router.post(
    PAR_PATH,
    status_code=201,
    summary="Pushed authorization request (RFC 9126)",
    responses={
        201: {"model": PushedAuthorizationResponse, "description": "RFC 9126 §2.2"},
        **oauth_error_responses(),
    },
    openapi_extra=form_body(
        {
            "response_type": {"type": "string", "enum": ["code"]},
            "client_id": {"type": "string"},
            "redirect_uri": {"type": "string"},
            "scope": {"type": "string", "description": "must include openid"},
            "state": {"type": "string"},
            "nonce": {"type": "string"},
            "code_challenge": {"type": "string", "description": "PKCE (RFC 7636)"},
            "code_challenge_method": {"type": "string", "enum": ["S256"]},
            "dpop_jkt": {
                "type": "string",
                "description": "binds the code to this DPoP key (RFC 9449 §10); a "
                "DPoP header with the request does so too",
            },
        },
        ["response_type", "client_id", "redirect_uri", "code_challenge"],
    )
    | {"parameters": [_DPOP_HEADER, _CLIENT_CERT_HEADER]},
)
async def push_authorization_request(
    request: Request,
    session: WritingSession,
    authorization: AuthorizationHeader,
    certificate: ForwardedCertificate,
) -> JSONResponse:
    """A client that signs people in sends its authorization request here first,
    authenticated as at the token endpoint, and sends the browser to the
    authorization endpoint with only `client_id` and the `request_uri` it gets
    (required under the FAPI 2.0 profile)."""
    form = await _read_form(request)
    app = sharing_app(request)
    issuer = app.running.state.token_issuer
    proofs = tuple(request.headers.getlist("dpop"))
    pushed = await run_in_threadpool(
        push_for_request,
        session,
        issuer,
        app.running.state.keyring,
        authorization,
        form,
        proofs,
        certificate,
        now=datetime.now(UTC),
    )
    headers = dict(_NO_STORE)
    nonces = issuer.binding.nonces if issuer.binding is not None else None
    if proofs and nonces is not None:
        headers["DPoP-Nonce"] = nonces.issue()
    body = {"request_uri": pushed.request_uri, "expires_in": pushed.expires_in}
    return JSONResponse(body, status_code=201, headers=headers)


@router.post(
    "/oauth/introspect",
    summary="Token introspection (RFC 7662)",
    responses={
        200: {"model": IntrospectionResponse, "description": "RFC 7662 §2.2"},
        **oauth_error_responses(),
    },
    openapi_extra=_TOKEN_FORM | {"parameters": [_CLIENT_CERT_HEADER]},
)
async def introspect(
    request: Request,
    session: WritingSession,
    authorization: AuthorizationHeader,
    certificate: ForwardedCertificate,
) -> JSONResponse:
    form = await _read_form(request)
    answer = await run_in_threadpool(
        _issuer(request).introspect_for_request,
        session,
        authorization,
        form,
        certificate,
    )
    return JSONResponse(answer, headers=_NO_STORE)


@router.post(
    "/oauth/revoke",
    summary="Token revocation (RFC 7009)",
    responses={
        200: {
            "description": "RFC 7009 §2.2: revoked, or not a token of the suite",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **oauth_error_responses(),
    },
    openapi_extra=_TOKEN_FORM | {"parameters": [_CLIENT_CERT_HEADER]},
)
async def revoke(
    request: Request,
    session: WritingSession,
    authorization: AuthorizationHeader,
    certificate: ForwardedCertificate,
) -> JSONResponse:
    form = await _read_form(request)
    await run_in_threadpool(
        _issuer(request).revoke_for_request,
        session,
        authorization,
        form,
        certificate,
    )
    return JSONResponse({}, headers=_NO_STORE)


@router.get(
    REVOCATIONS_PATH,
    summary="Revoked token ids and clients (polled by the resource servers)",
)
def revocations(session: ReadingSession) -> dict[str, list[str]]:
    """Like a certificate revocation list: opaque ids only, public by design."""
    repository = RevocationRepository(session)
    return {
        "token_ids": repository.revoked_token_ids(datetime.now(UTC)),
        "client_ids": repository.revoked_client_ids(),
    }
