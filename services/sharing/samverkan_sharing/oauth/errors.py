"""OAuth 2.0 error responses (RFC 6749 §5.2): ``application/json`` with ``error`` and
``error_description``.

The authorization server's endpoints (token, introspection, revocation) answer in
OAuth's own error format, which every OAuth client library parses; the rest of the
suite answers RFC 9457 problems. This module is the one place that renders it.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from samverkan_sharing.oauth.schemas import OAuthErrorBody

__all__ = ["OAuthError", "install_oauth_error_handler", "oauth_error_responses"]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# RFC 7617: the realm, and that credentials are UTF-8 (then form-urlencoded, RFC 6749).
_BASIC_CHALLENGE = 'Basic realm="samverkan", charset="UTF-8"'


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: `error` is the registered code, `description` says why."""

    def __init__(
        self, error: str, description: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.headers = dict(headers or {})  # e.g. RFC 9449 §8's DPoP-Nonce

    def response(self, *, used_basic: bool) -> JSONResponse:
        """400, or 401 with a Basic challenge for failed HTTP Basic client credentials.

        RFC 6749 §5.2: a client that authenticated in the Authorization header gets
        401 with the challenge of the scheme it used. Any other failed client
        authentication (no credentials, a bad client assertion) is a 400: a 401
        would need a challenge (RFC 9110 §15.5.2) for a scheme the client did not use.
        """
        headers = {**_NO_STORE, **self.headers}
        status = 400
        if self.error == "invalid_client" and used_basic:
            status = 401
            headers["WWW-Authenticate"] = _BASIC_CHALLENGE
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=status, headers=headers)


def _used_basic(request: Request) -> bool:
    scheme, _, _ = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "basic"


def install_oauth_error_handler(app: FastAPI) -> None:
    """Render `OAuthError` as RFC 6749 §5.2 JSON wherever it is raised."""

    @app.exception_handler(OAuthError)
    async def _oauth_error(request: Request, exc: OAuthError) -> JSONResponse:
        return exc.response(used_basic=_used_basic(request))


def oauth_error_responses() -> dict[int | str, dict[str, Any]]:
    """`responses=` for an OAuth endpoint: 400 and 401 as RFC 6749 §5.2 JSON."""
    descriptions = {
        400: "OAuth error (RFC 6749 §5.2), also a failed client assertion or a "
        "body that is not the form",
        401: "invalid_client after HTTP Basic client authentication",
    }
    return {
        status: {"description": description, "model": OAuthErrorBody}
        for status, description in descriptions.items()
    }
