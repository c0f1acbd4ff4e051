"""What the OpenAPI document says about the authorization server's endpoints: their
client authentication, form bodies and answers (RFC 6749, 7009, 7521/7523, 7662).

Documentation only: the endpoints read their forms themselves (`routes._read_form`)
and answer with the dictionaries the service builds; these models say their shape.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from samverkan_shared.oauth_client import ASSERTION_TYPE

__all__ = [
    "CLIENT_AUTHENTICATION",
    "CLIENT_SECURITY",
    "IntrospectionResponse",
    "OAuthErrorBody",
    "PushedAuthorizationResponse",
    "TokenResponse",
    "form_body",
]


# components.securitySchemes: the two ways a client authenticates (RFC 8414
# token_endpoint_auth_methods_supported: client_secret_basic, private_key_jwt).
CLIENT_AUTHENTICATION: dict[str, dict[str, Any]] = {
    "clientSecretBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "client_secret_basic (RFC 6749 §2.3.1): the client id and "
        "secret, each application/x-www-form-urlencoded before they are joined by "
        "':' and base64-encoded. A failed Basic authentication is a 401 with a Basic "
        "challenge.",
    },
    "privateKeyJwt": {
        "type": "oauth2",
        "description": "private_key_jwt (RFC 7523 §2.2, RFC 7521 §4.2): no "
        "Authorization header; the form carries client_assertion_type "
        f"{ASSERTION_TYPE} and client_assertion, a JWT the client signs with its "
        "registered key (iss and sub the client id, aud this token endpoint, a "
        "unique jti, a short exp). A failed assertion is a 400 invalid_client.",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth/token",
                "scopes": {},
                "x-assertionType": ASSERTION_TYPE,
            }
        },
    },
}
CLIENT_SECURITY: list[dict[str, list[str]]] = [
    {"clientSecretBasic": []},
    {"privateKeyJwt": []},
]

_ASSERTION_FIELDS: dict[str, dict[str, Any]] = {
    "client_assertion_type": {
        "type": "string",
        "enum": [ASSERTION_TYPE],
        "description": "With client_assertion, instead of HTTP Basic (RFC 7521 §4.2).",
    },
    "client_assertion": {
        "type": "string",
        "description": "The client's signed JWT (RFC 7523 §2.2).",
    },
}


def form_body(
    properties: dict[str, dict[str, Any]], required: list[str]
) -> dict[str, Any]:
    """`openapi_extra` for an endpoint taking an application/x-www-form-urlencoded
    form, with the client assertion fields and the client authentication it needs."""
    return {
        "security": CLIENT_SECURITY,
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {**properties, **_ASSERTION_FIELDS},
                        "required": required,
                    }
                }
            },
        },
    }


class PushedAuthorizationResponse(BaseModel):
    """RFC 9126 §2.2: the reference the browser carries to the authorization
    endpoint, with ``client_id``, instead of the request."""

    model_config = ConfigDict(extra="forbid")

    request_uri: str = Field(description="urn:ietf:params:oauth:request_uri:…")
    expires_in: int = Field(description="Seconds the reference can be used")


class TokenResponse(BaseModel):
    """RFC 6749 §5.1: the access token, an RFC 9068 JWT."""

    model_config = ConfigDict(extra="forbid")

    access_token: str = Field(description="An RFC 9068 JWT (typ at+jwt), ES256-signed")
    token_type: str = Field(
        description="DPoP for a token bound to the proof's key (RFC 9449, its "
        "cnf.jkt), else Bearer (RFC 6750)"
    )
    expires_in: int = Field(description="Seconds until the token expires")
    scope: str = Field(description="The scopes granted, space-separated")
    id_token: str | None = Field(
        default=None,
        description="authorization_code: the person's OpenID Connect ID token",
    )
    refresh_token: str | None = Field(
        default=None,
        description="A person's grants: opaque, single use; the next refresh token",
    )


class IntrospectionResponse(BaseModel):
    """RFC 7662 §2.2: ``{"active": false}`` for a token that is not active or not the
    asking client's to know about; the token's claims (RFC 9068) when it is."""

    model_config = ConfigDict(extra="allow")

    active: bool
    token_type: str | None = None
    scope: str | None = None
    client_id: str | None = None
    sub: str | None = None
    aud: str | list[str] | None = None
    iss: str | None = None
    exp: int | None = None
    iat: int | None = None
    jti: str | None = None


class OAuthErrorBody(BaseModel):
    """RFC 6749 §5.2: the error of the token, introspection and revocation endpoints
    (application/json, not problem+json: OAuth clients read this format)."""

    error: str = Field(
        description="invalid_request, invalid_client, invalid_grant, "
        "unauthorized_client, unsupported_grant_type, invalid_scope, or (RFC 9449) "
        "invalid_dpop_proof and use_dpop_nonce (with a DPoP-Nonce header)"
    )
    error_description: str | None = None
