"""The authorization code flow for people (RFC 6749 §4.1, PKCE RFC 7636, OpenID
Connect Core 1.0 §3.1), as RFC 9700 asks: PKCE with S256 only, redirect URIs
compared exactly, codes used once, the issuer named in the response (RFC 9207).

A client may push its request first (RFC 9126, required under the FAPI 2.0 profile):
the request is checked then, with the client authenticated, and the browser carries
only a ``request_uri``. That is the request sealed with the keyring (so every
replica reads it, and no table is needed) for 90 seconds, bound to the client. A
code may be bound to a DPoP key (RFC 9449 §10): the key of a proof sent with the
pushed request, or the ``dpop_jkt`` parameter.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlmodel import Session

from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.crypto import CryptoError, Keyring
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.service import ROLE_SCOPES, Role
from samverkan_sharing.signin.models import AuthorizationCodeRecord
from samverkan_sharing.signin.repository import AuthorizationCodeRepository

__all__ = [
    "CODE_LIFETIME",
    "IDENTITY_SCOPES",
    "PAR_PATH",
    "PUSHED_LIFETIME",
    "AuthorizationRequest",
    "Grant",
    "PushedRequest",
    "RedirectedError",
    "UnsafeRequest",
    "authorization_request",
    "error_redirect",
    "issue_code",
    "password_ticket",
    "push_for_request",
    "push_request",
    "redeem_code",
    "scopes_allowed",
    "ticket_holder",
]

CODE_LIFETIME = timedelta(seconds=60)
# Between the password and the one-time code: how long the proof of the first lasts.
TICKET_LIFETIME = timedelta(minutes=5)
# What every signed-in person may have besides their roles' scopes.
IDENTITY_SCOPES = frozenset({"openid", "profile"})
_CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.1-4.2
_MAX_PARAMETER = 500
# RFC 9126 §2.2: the pushed request's lifetime; FAPI 2.0 §5.3.2.2 wants under 600 s.
PUSHED_LIFETIME = timedelta(seconds=90)
PAR_PATH = "/oauth/par"
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


@dataclass(frozen=True)
class Grant:
    """What a redeemed code grants: the person, the scopes, the sign-in's facts."""

    person_id: str
    scopes: list[str]
    nonce: str | None
    auth_time: datetime
    amr: list[str]


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


def push_for_request(
    session: Session,
    issuer: TokenIssuer,
    keyring: Keyring,
    authorization: str | None,
    form: Mapping[str, str],
    proofs: tuple[str, ...],
    certificate: ClientCertificate | None,
    *,
    now: datetime,
) -> PushedRequest:
    """The pushed authorization request endpoint (RFC 9126 §2): the client
    authenticates as at the token endpoint; a DPoP proof with the request binds
    the code to its key (RFC 9449 §10). Commits the assertion id and proof jti."""
    client = issuer.authenticate(session, authorization, form, certificate)
    proof_key = None
    if len(proofs) > 1:
        raise OAuthError("invalid_dpop_proof", "Send one DPoP header, not several.")
    if proofs and issuer.binding is not None:
        uri = f"{issuer.issuer}{PAR_PATH}"
        proof_key = issuer.binding.proof_key(proofs[0], uri, session.connection())
    pushed = push_request(session, keyring, client, form, proof_key=proof_key, now=now)
    session.commit()
    return pushed


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


def issue_code(
    session: Session,
    request: AuthorizationRequest,
    person: PersonRecord,
    *,
    amr: list[str],
    now: datetime,
    issuer: str,
) -> str:
    """Store a code for the signed-in ``person``; the redirect URI that carries it."""
    code = secrets.token_urlsafe(32)
    AuthorizationCodeRepository(session).add(
        AuthorizationCodeRecord(
            code_hash=_hash(code),
            client_id=request.client_id,
            redirect_uri=request.redirect_uri,
            person_id=person.person_id,
            scopes=_granted(request.scope, person),
            nonce=request.nonce or None,
            code_challenge=request.code_challenge,
            dpop_jkt=request.dpop_jkt or None,
            auth_time=now,
            amr=amr,
            expires_at=now + CODE_LIFETIME,
        )
    )
    session.commit()
    return _redirect(request, issuer, code=code)


def error_redirect(error: RedirectedError, issuer: str) -> str:
    return _redirect(
        error.request, issuer, error=error.error, error_description=str(error)
    )


def redeem_code(
    session: Session,
    client: ClientRecord,
    form: Mapping[str, str],
    *,
    now: datetime,
    proof_key: str | None = None,
) -> Grant:
    """Exchange a code (the token endpoint's authorization_code grant); committed.
    ``proof_key``: the thumbprint of the token request's DPoP proof, if any."""
    codes = AuthorizationCodeRepository(session)
    stored = codes.for_redemption(_hash(form.get("code", "")))
    if stored is None or stored.client_id != client.client_id:
        raise OAuthError("invalid_grant", "The code is unknown or not this client's.")
    if stored.used_at is not None or stored.expires_at <= now:
        raise OAuthError("invalid_grant", "The code was used already or has expired.")
    if form.get("redirect_uri") != stored.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri differs from the request's.")
    if not _pkce_holds(form.get("code_verifier", ""), stored.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the challenge.")
    # RFC 9449 §10: a bound code is left unused by a request without its key, so
    # whoever stole it cannot spend it for the client either.
    if stored.dpop_jkt is not None and stored.dpop_jkt != proof_key:
        raise OAuthError(
            "invalid_grant",
            "The code is bound to a DPoP key: send a DPoP proof signed with it.",
        )
    stored.used_at = now
    session.commit()
    return Grant(
        person_id=stored.person_id,
        scopes=stored.scopes,
        nonce=stored.nonce,
        auth_time=stored.auth_time,
        amr=stored.amr,
    )


def password_ticket(
    keyring: Keyring, request: AuthorizationRequest, username: str, now: datetime
) -> str:
    """Proof that ``username`` gave the right password for this request, for the
    page that asks for the code: sealed, bound to the request, five minutes."""
    expires = int((now + TICKET_LIFETIME).timestamp())
    body = json.dumps({"username": username, "expires": expires})
    return keyring.encrypt(body, associated_data=_ticket_context(request))


def ticket_holder(
    keyring: Keyring, request: AuthorizationRequest, ticket: str, now: datetime
) -> str | None:
    """The username a valid, unexpired ticket for this request proves; else None."""
    try:
        opened = json.loads(
            keyring.decrypt(ticket, associated_data=_ticket_context(request))
        )
        username, expires = str(opened["username"]), int(opened["expires"])
    except (CryptoError, ValueError, KeyError, TypeError):
        return None
    return username if now.timestamp() < expires else None


def _ticket_context(request: AuthorizationRequest) -> bytes:
    parts = (request.client_id, request.redirect_uri, request.code_challenge)
    return ("signin-ticket\n" + "\n".join(parts)).encode()


def scopes_allowed(person: PersonRecord) -> frozenset[str]:
    """What the person's roles allow today, and the identity scopes."""
    return IDENTITY_SCOPES.union(*(ROLE_SCOPES[Role(role)] for role in person.roles))


def _granted(scope: str, person: PersonRecord) -> list[str]:
    """The scopes asked for that the person's roles allow (identity scopes always)."""
    return sorted(set(scope.split()) & scopes_allowed(person))


def _pkce_holds(verifier: str, challenge: str) -> bool:
    """RFC 7636 §4.6: BASE64URL(SHA256(ASCII(verifier))) equals the challenge."""
    if not _CHALLENGE.match(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(computed, challenge)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _redirect(request: AuthorizationRequest, issuer: str, **values: str) -> str:
    # RFC 9207: the issuer travels with the answer, against mix-up attacks.
    parameters = {**values, "iss": issuer}
    if request.state:
        parameters["state"] = request.state
    separator = "&" if urlsplit(request.redirect_uri).query else "?"
    return f"{request.redirect_uri}{separator}{urlencode(parameters)}"
