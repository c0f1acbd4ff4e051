"""OAuth 2.0 error responses (RFC 6749 §5.2), rendered as RFC 9457 problems."""

from samverkan_shared.problems import Problem

__all__ = ["OAuthError"]

_TITLES = {
    "invalid_request": "The token request is malformed",
    "invalid_client": "Client authentication failed",
    "invalid_grant": "The grant is invalid",
    "unauthorized_client": "The client may not use this grant",
    "unsupported_grant_type": "The grant type is not supported",
    "invalid_scope": "The requested scope is not allowed",
}


class OAuthError(Problem):
    """A problem body that also carries RFC 6749's `error` and `error_description`,
    so standard OAuth clients and problem+json readers both understand it."""

    def __init__(
        self, error: str, description: str, *, basic_auth: bool = False
    ) -> None:
        status = 401 if error == "invalid_client" else 400
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if error == "invalid_client":
            scheme = "Basic" if basic_auth else "Bearer"
            headers["WWW-Authenticate"] = f'{scheme} realm="samverkan", error="{error}"'
        super().__init__(
            description,
            status=status,
            title=_TITLES.get(error, "OAuth error"),
            headers=headers,
            error=error,
            error_description=description,
        )
