"""An authorization request for a person's sign-in, checked (RFC 6749 §4.1, PKCE
RFC 7636, OpenID Connect Core 1.0 §3.1) as RFC 9700 asks: PKCE with S256 only,
redirect URIs compared exactly.

A client may push its request first (RFC 9126, required under the FAPI 2.0 profile):
the request is checked then, with the client authenticated, and the browser carries
only a ``request_uri``. That is the request sealed with the keyring (so every
replica reads it, and no table is needed) for 90 seconds, bound to the client. A
code may be bound to a DPoP key (RFC 9449 §10): the key of a proof sent with the
pushed request, or the ``dpop_jkt`` parameter.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from samverkan_shared.crypto import CryptoError, Keyring
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.repository import ClientRepository

__all__ = [
    "PUSHED_LIFETIME",
    "AuthorizationRequest",
    "PushedRequest",
    "RedirectedError",
    "UnsafeRequest",
    "authorization_request",
    "push_request",
]

_CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.2
_MAX_PARAMETER = 500
# RFC 9126 §2.2: the pushed request's lifetime; FAPI 2.0 §5.3.2.2 wants under 600 s.
PUSHED_LIFETIME = timedelta(seconds=90)
REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
# What an authorization request is made of; anything else a client sends is ignored.
_PARAMETERS = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "dpop_jkt",
)
_THUMBPRINT = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url SHA-256 (RFC 7638)


class UnsafeRequest(Exception):
    """The client or redirect URI cannot be trusted: shown to the person, never
    redirected (RFC 6749 §4.1.2.1)."""


class RedirectedError(Exception):
    """An error sent back to the client at its redirect URI (RFC 6749 §4.1.2.1)."""

    def __init__(self, request: "AuthorizationRequest", error: str, why: str) -> None:
        super().__init__(why)
        self.request = request
        self.error = error


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorization request; the sign-in form carries its fields."""

    client_id: str
    client_name: str
    redirect_uri: str
    scope: str
    code_challenge: str
    state: str = ""
    nonce: str = ""
    dpop_jkt: str = ""  # the key that alone may redeem the code (RFC 9449 §10)
    request_uri: str = ""  # set when the client pushed the request (RFC 9126)

    def form_fields(self) -> dict[str, str]:
        """What the sign-in form sends back: the pushed request's reference, or
        the request itself (checked again on every answer)."""
        if self.request_uri:
            return {"client_id": self.client_id, "request_uri": self.request_uri}
        fields = asdict(self)
        del fields["client_name"], fields["request_uri"]
        if not fields["dpop_jkt"]:
            del fields["dpop_jkt"]
        fields["response_type"] = "code"
        fields["code_challenge_method"] = "S256"
        return fields


@dataclass(frozen=True)
class PushedRequest:
    """RFC 9126 §2.2: the reference the browser carries, and how long it lasts."""

    request_uri: str
    expires_in: int


def authorization_request(
    session: Session,
    params: Mapping[str, str],
    *,
    keyring: Keyring,
    now: datetime,
    pushed_only: bool = False,
) -> AuthorizationRequest:
    """Check an authorization request, or resolve the pushed one its ``request_uri``
    names (the only kind accepted when ``pushed_only``); raises UnsafeRequest or
    RedirectedError."""
    request_uri = params.get("request_uri", "")
    if request_uri:
        params = _pushed(keyring, params.get("client_id", ""), request_uri, now)
    elif pushed_only:
        raise UnsafeRequest(
            "Inloggningen måste börja med en begäran som klienten skickat i förväg "
            "(pushed authorization request, RFC 9126)."
        )
    client = _client(session, params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in (client.redirect_uris or []):
        raise UnsafeRequest(
            "Adressen att skicka tillbaka till (redirect_uri) är inte registrerad för "
            "klienten."
        )
    request = AuthorizationRequest(
        client_id=client.client_id,
        client_name=client.name,
        redirect_uri=redirect_uri,
        scope=params.get("scope", ""),
        code_challenge=params.get("code_challenge", ""),
        state=params.get("state", ""),
        nonce=params.get("nonce", ""),
        dpop_jkt=params.get("dpop_jkt", ""),
        request_uri=request_uri,
    )
    _check(request, params, client)
    return request


def push_request(
    session: Session,
    keyring: Keyring,
    client: ClientRecord,
    params: Mapping[str, str],
    *,
    proof_key: str | None,
    now: datetime,
) -> PushedRequest:
    """RFC 9126 §2: check the request the authenticated ``client`` pushed and seal
    it into a ``request_uri``; errors as the token endpoint's (§2.3). ``proof_key``:
    the thumbprint of the DPoP proof sent with it, which binds the code."""
    if "request_uri" in params:
        raise OAuthError("invalid_request", "request_uri cannot be pushed (§2.1).")
    if params.get("client_id", client.client_id) != client.client_id:
        raise OAuthError(
            "invalid_request", "client_id is not the authenticated client's."
        )
    asked = {name: params[name] for name in _PARAMETERS if name in params}
    asked["client_id"] = client.client_id
    named = asked.get("dpop_jkt")
    if named is not None and not _THUMBPRINT.match(named):
        raise OAuthError("invalid_request", "dpop_jkt is not a JWK SHA-256 thumbprint.")
    if proof_key is not None:
        if named is not None and named != proof_key:
            raise OAuthError(
                "invalid_dpop_proof", "dpop_jkt is not the key of the DPoP proof."
            )
        asked["dpop_jkt"] = proof_key
    try:
        authorization_request(session, asked, keyring=keyring, now=now)
    except UnsafeRequest as error:
        raise OAuthError("invalid_request", str(error)) from None
    except RedirectedError as error:
        raise OAuthError(error.error, str(error)) from None
    expires = int((now + PUSHED_LIFETIME).timestamp())
    sealed = keyring.encrypt(
        json.dumps({"params": asked, "expires": expires}),
        associated_data=_pushed_context(client.client_id),
    )
    return PushedRequest(
        REQUEST_URI_PREFIX + sealed, int(PUSHED_LIFETIME.total_seconds())
    )


def _pushed(
    keyring: Keyring, client_id: str, request_uri: str, now: datetime
) -> dict[str, str]:
    """The parameters of a pushed request, if this client pushed it and it lasts."""
    sealed = request_uri.removeprefix(REQUEST_URI_PREFIX)
    try:
        opened = json.loads(
            keyring.decrypt(sealed, associated_data=_pushed_context(client_id))
        )
        params, expires = dict(opened["params"]), int(opened["expires"])
    except (CryptoError, ValueError, KeyError, TypeError):
        params, expires = {}, 0
    if sealed == request_uri or now.timestamp() >= expires:
        raise UnsafeRequest(
            "Inloggningsbegäran är okänd eller för gammal; börja om från tjänsten du "
            "kom ifrån."
        )
    return {str(name): str(value) for name, value in params.items()}


def _pushed_context(client_id: str) -> bytes:
    return ("pushed-authorization-request\n" + client_id).encode()


def _client(session: Session, client_id: str) -> ClientRecord:
    client = ClientRepository(session).get(client_id) if client_id else None
    if client is None or not client.active or not client.redirect_uris:
        raise UnsafeRequest("Klienten är okänd eller får inte logga in personer.")
    return client


def _check(
    request: AuthorizationRequest, params: Mapping[str, str], client: ClientRecord
) -> None:
    if params.get("response_type") != "code":
        raise RedirectedError(
            request, "unsupported_response_type", "response_type must be code."
        )
    if any(len(value) > _MAX_PARAMETER for value in params.values()):
        raise RedirectedError(request, "invalid_request", "A parameter is too long.")
    if params.get("code_challenge_method") != "S256":
        raise RedirectedError(
            request, "invalid_request", "PKCE is required: code_challenge_method=S256."
        )
    if request.dpop_jkt and not _THUMBPRINT.match(request.dpop_jkt):
        raise RedirectedError(
            request, "invalid_request", "dpop_jkt is not a JWK SHA-256 thumbprint."
        )
    if not _CHALLENGE.match(request.code_challenge):
        raise RedirectedError(
            request, "invalid_request", "code_challenge must be 43-128 characters."
        )
    scopes = set(request.scope.split())
    if "openid" not in scopes:
        raise RedirectedError(request, "invalid_scope", "scope must include openid.")
    if unknown := sorted(scopes - set(client.scopes)):
        raise RedirectedError(
            request,
            "invalid_scope",
            f"The client may not ask for {', '.join(unknown)}.",
        )
