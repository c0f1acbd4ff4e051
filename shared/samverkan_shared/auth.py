"""Bearer-token protection for every service: RFC 9068 JWTs checked against the issuer's JWKS.

This module is the FastAPI side (the OAuth2 scheme, the `access_token` dependency,
scope checks) and the scope tables; the token validator itself, its key and
revocation sources live in `samverkan_shared.token_validation` and are re-exported
here, the one place the services import them from.
"""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from samverkan_shared.problems import Forbidden, Unauthenticated
from samverkan_shared.revocation_cache import Revocations
from samverkan_shared.token_validation import (
    ALLOWED_ALGORITHMS,
    LEEWAY_SECONDS,
    AccessToken,
    HttpKeySource,
    HttpRevocationSource,
    KeyFetchNeeded,
    NeedsIO,
    TokenValidator,
    make_token_validator,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
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
    "(client credentials; see the sharing service).",
    auto_error=False,
)


async def access_token(
    security_scopes: SecurityScopes,
    request: Request,
    authorization: Annotated[str | None, Depends(bearer_scheme)],
) -> AccessToken:
    """The validated caller; 401 without a valid token, 403 without the scopes asked for."""
    return await authorize(request, authorization, security_scopes.scopes)


async def authorize(
    request: Request, authorization: str | None, scopes: Sequence[str]
) -> AccessToken:
    """``access_token`` for a handler that reads the Authorization header itself."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "This endpoint needs an access token: send 'Authorization: Bearer <token>' "
            "(get one from the authorization server's /oauth/token).",
            headers={"WWW-Authenticate": 'Bearer realm="samverkan"'},
        )
    # The serving app's (samverkan_shared.service_app.Running), opened by its lifespan.
    validator: TokenValidator = request.app.running.token_validator
    caller = await _validated(validator, token.strip())
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
