"""Codes for people signed in (RFC 6749 §4.1, PKCE RFC 7636, OpenID Connect Core
1.0 §3.1), as RFC 9700 asks: codes used once, the issuer named in the response
(RFC 9207). The request a code answers is checked in
`samverkan_sharing.signin.authorization_request`; the pushed request endpoint
(RFC 9126) authenticates the client here and hands the request to it.
"""

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from sqlmodel import Session

from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.crypto import CryptoError, Keyring
from samverkan_shared.oauth_client import pkce_challenge
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.service import ROLE_SCOPES, Role
from samverkan_sharing.signin.authorization_request import (
    AuthorizationRequest,
    PushedRequest,
    RedirectedError,
    push_request,
)
from samverkan_sharing.signin.models import AuthorizationCodeRecord
from samverkan_sharing.signin.repository import AuthorizationCodeRepository

__all__ = [
    "CODE_LIFETIME",
    "IDENTITY_SCOPES",
    "PAR_PATH",
    "Grant",
    "error_redirect",
    "issue_code",
    "password_ticket",
    "push_for_request",
    "redeem_code",
    "scopes_allowed",
    "ticket_holder",
]

CODE_LIFETIME = timedelta(seconds=60)
# Between the password and the one-time code: how long the proof of the first lasts.
TICKET_LIFETIME = timedelta(minutes=5)
# What every signed-in person may have besides their roles' scopes.
IDENTITY_SCOPES = frozenset({"openid", "profile"})
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.1
PAR_PATH = "/oauth/par"


@dataclass(frozen=True)
class Grant:
    """What a redeemed code grants: the person, the scopes, the sign-in's facts."""

    person_id: str
    scopes: list[str]
    nonce: str | None
    auth_time: datetime
    amr: list[str]


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
    if not _VERIFIER.match(verifier):
        return False
    return hmac.compare_digest(pkce_challenge(verifier), challenge)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _redirect(request: AuthorizationRequest, issuer: str, **values: str) -> str:
    # RFC 9207: the issuer travels with the answer, against mix-up attacks.
    parameters = {**values, "iss": issuer}
    if request.state:
        parameters["state"] = request.state
    separator = "&" if urlsplit(request.redirect_uri).query else "?"
    return f"{request.redirect_uri}{separator}{urlencode(parameters)}"
