"""Use cases of the authorization server: issue, introspect and revoke tokens; clients."""

import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from authlib.jose import JsonWebToken
from authlib.jose.errors import JoseError
from sqlmodel import Session

from samverkan_shared.auth import ALLOWED_ALGORITHMS, audiences_for
from samverkan_shared.client_certificates import ClientCertificate
from samverkan_sharing.oauth.authentication import authenticate_client
from samverkan_sharing.oauth.binding import SenderBinding, TokenRequestProof
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.keys import SigningKeyStore
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.repository import ClientRepository, RevocationRepository

# Claims that hold identifiers this server issued, never secrets (an ID token's
# ``aud`` and ``azp`` are the client's id).
_IDENTIFIER_CLAIMS = frozenset({"sub", "client_id", "jti", "aud", "azp"})


class _AccessTokenJwt(JsonWebToken):  # type: ignore[misc]  # authlib is untyped
    """Authlib's JWT, whose leak heuristic skips the identifiers this server issues.

    Authlib refuses to sign a claim whose value looks like a card number (13–16
    digits): a generated client id ``svk-`` + 16 hex characters that happen to be
    all digits would then never get a token. Every other claim is still checked.
    """

    def check_sensitive_data(self, payload: Mapping[str, Any]) -> None:
        checked = {k: v for k, v in payload.items() if k not in _IDENTIFIER_CLAIMS}
        super().check_sensitive_data(checked)


__all__ = [
    "FAPI2_ALGORITHMS",
    "RESOURCE_SERVER_KIND",
    "IssuedToken",
    "TokenIssuer",
    "request_confirmation",
]

# FAPI 2.0 Security Profile §5.4: the only algorithms, for every JWT it touches.
FAPI2_ALGORITHMS = ("PS256", "ES256", "EdDSA")
# The cnf claim (RFC 7800) of the tokens minted for the request being answered: set
# around a grant, so a person's grants (signin/) bind their tokens the same way.
_CONFIRMATION: ContextVar[Mapping[str, Any] | None] = ContextVar(
    "token_confirmation", default=None
)

RESOURCE_SERVER_KIND = "service"
"""The kind of the suite's own services' clients: they may introspect any token."""


PersonGrant = Callable[
    ["TokenIssuer", Session, ClientRecord, Mapping[str, str]], "IssuedToken"
]
"""Answers a person's grant (authorization_code, refresh_token) for an authenticated
client."""

RefreshRevocation = Callable[[Session, ClientRecord, str], None]
"""Revokes a refresh token of the client, if ``token`` is one (RFC 7009 §2.1)."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    claims: Mapping[str, Any]
    id_token: str | None = None  # OpenID Connect, for a person's sign-in
    refresh_token: str | None = None  # a person's sign-in, for the next one

    @property
    def token_type(self) -> str:
        """DPoP for a token bound to a DPoP key (RFC 9449 §5), else Bearer (also
        bound to a TLS client certificate, RFC 8705 §3)."""
        return "DPoP" if "jkt" in self.claims.get("cnf", {}) else "Bearer"

    def response(self) -> dict[str, Any]:
        response = {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "scope": self.scope,
        }
        if self.id_token is not None:
            response["id_token"] = self.id_token
        if self.refresh_token is not None:
            response["refresh_token"] = self.refresh_token
        return response


class TokenIssuer:
    """Mints RFC 9068 access tokens with the current signing key."""

    def __init__(
        self,
        *,
        issuer: str,
        keys: SigningKeyStore,
        lifetime: int,
        code_grant: PersonGrant | None = None,
        refresh_grant: PersonGrant | None = None,
        refresh_revocation: RefreshRevocation | None = None,
        binding: SenderBinding | None = None,
        fapi2: bool = False,
        mutual_tls: bool = False,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.binding = binding
        # FAPI 2.0: private_key_jwt or mutual TLS only, and only its algorithms.
        self.fapi2 = fapi2
        # RFC 8705: the ingress forwards TLS client certificates, and is trusted to
        # (SAMVERKAN_TRUST_CLIENT_CERT_HEADER).
        self.mutual_tls = mutual_tls
        self.keys = keys
        self.lifetime = lifetime
        # People's sign-in (the authorization code grant, its refresh tokens) lives
        # in its own feature.
        self.person_grants = {
            name: grant
            for name, grant in (
                ("authorization_code", code_grant),
                ("refresh_token", refresh_grant),
            )
            if grant is not None
        }
        self.refresh_revocation = refresh_revocation

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/oauth/token"

    def token_for_request(
        self,
        session: Session,
        authorization: str | None,
        form: Mapping[str, str],
        proof: TokenRequestProof | None = None,
    ) -> IssuedToken:
        """The client credentials grant (RFC 6749 §4.4), or a person's authorization
        code (§4.1.3) or refresh token (§6); commits the used assertion id. With a
        DPoP ``proof`` the token is bound to the proof's key; for a client registered
        for certificate-bound tokens, to the request's TLS client certificate."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required.")
        proof = proof or TokenRequestProof()
        client = self.authenticate(session, authorization, form, proof.certificate)
        confirmation = (
            None
            if self.binding is None
            else self.binding.confirmation(
                proof, client, connection=session.connection()
            )
        )
        with _bound_to(confirmation):
            return self._grant(session, client, grant_type, form)

    def _grant(
        self,
        session: Session,
        client: ClientRecord,
        grant_type: str,
        form: Mapping[str, str],
    ) -> IssuedToken:
        if grant_type in self.person_grants:
            return self.person_grants[grant_type](self, session, client, form)
        if grant_type != "client_credentials":
            raise OAuthError(
                "unsupported_grant_type",
                f"grant_type {grant_type!r} is not supported; use client_credentials "
                "(or authorization_code and refresh_token, for a client that signs "
                "people in).",
            )
        scopes = _granted_scopes(client, form.get("scope"))
        session.commit()
        return self.mint(client, scopes)

    def introspect_for_request(
        self,
        session: Session,
        authorization: str | None,
        form: Mapping[str, str],
        certificate: ClientCertificate | None = None,
    ) -> dict[str, Any]:
        """Token introspection (RFC 7662 §2.1) for the client that authenticates."""
        client, token = self._token_asked_about(
            session, authorization, form, certificate
        )
        return self.introspect(session, client, token)

    def revoke_for_request(
        self,
        session: Session,
        authorization: str | None,
        form: Mapping[str, str],
        certificate: ClientCertificate | None = None,
    ) -> None:
        """Token revocation (RFC 7009 §2.1) for the client that authenticates."""
        client, token = self._token_asked_about(
            session, authorization, form, certificate
        )
        self.revoke(session, client, token)

    def _token_asked_about(
        self,
        session: Session,
        authorization: str | None,
        form: Mapping[str, str],
        certificate: ClientCertificate | None,
    ) -> tuple[ClientRecord, str]:
        """The authenticated client and the token its form names (introspection and
        revocation take the same form); commits the used assertion id."""
        client = self.authenticate(session, authorization, form, certificate)
        session.commit()  # keeps the assertion id as used
        if "token" not in form:
            raise OAuthError("invalid_request", "token is required.")
        return client, form["token"]

    def authenticate(
        self,
        session: Session,
        authorization: str | None,
        form: Mapping[str, str],
        certificate: ClientCertificate | None = None,
    ) -> ClientRecord:
        """The client, by its secret, its client assertion or (RFC 8705 §2) the TLS
        client certificate a trusted ingress forwarded."""
        return authenticate_client(
            authorization,
            form,
            clients=ClientRepository(session),
            revocations=RevocationRepository(session),
            audiences={self.token_endpoint, self.issuer, f"{self.issuer}/"},
            algorithms=FAPI2_ALGORITHMS if self.fapi2 else ALLOWED_ALGORITHMS,
            secrets_allowed=not self.fapi2,
            certificate=certificate,
        )

    def mint(
        self,
        client: ClientRecord,
        scopes: list[str],
        *,
        subject: str | None = None,
        extra: Mapping[str, Any] | None = None,
        confirmation: Mapping[str, Any] | None = None,
    ) -> IssuedToken:
        """An access token for ``client``; for a signed-in person, ``subject`` is the
        person and ``extra`` their claims (name, organisation, roles). Bound to the
        key in ``confirmation`` (RFC 7800 ``cnf``), else to the request's proof."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject or client.client_id,
            "client_id": client.client_id,
            "aud": audiences_for(scopes),
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
            "jti": secrets.token_hex(16),
            "client_kind": client.kind,
            "client_name": client.name,
            "org_number": client.org_number,
        }
        if client.recipient:
            claims["recipient"] = client.recipient
        if client.municipality_code:
            claims["municipality_code"] = client.municipality_code
        claims.update(extra or {})
        bound_to = confirmation or _CONFIRMATION.get()
        if bound_to:
            claims["cnf"] = dict(bound_to)
        token = self.sign(claims, typ="at+jwt")
        return IssuedToken(token, self.lifetime, claims["scope"], claims)

    def sign(self, claims: Mapping[str, Any], *, typ: str) -> str:
        """``claims`` as a JWT signed with the current key (RFC 9068 ``at+jwt``, or
        an OpenID Connect ID token's ``JWT``)."""
        key = self.keys.current()
        header = {"alg": self.keys.algorithm, "kid": key.kid, "typ": typ}
        token = _AccessTokenJwt([self.keys.algorithm]).encode(header, claims, key.key)
        return str(token.decode())

    def verified_claims(self, token: str) -> Mapping[str, Any] | None:
        """Claims of a token this server signed (expired or not), else None."""
        try:
            claims = JsonWebToken(list(ALLOWED_ALGORITHMS)).decode(
                token, self.keys.jwks()
            )
        except (JoseError, ValueError, KeyError, IndexError):
            return None
        if claims.get("iss") != self.issuer:
            return None
        return dict(claims)

    def introspect(
        self, session: Session, client: ClientRecord, token: str
    ) -> dict[str, Any]:
        """RFC 7662 §2.2: active only if signed here, unexpired, unrevoked, client active.

        RFC 7662 §4: a resource server of the suite (a client of kind "service") may
        introspect any token; any other client learns about its own tokens only, and
        ``{"active": false}`` about every other, as about a token that does not exist.
        """
        claims = self.verified_claims(token)
        if claims is None or int(claims.get("exp", 0)) < time.time():
            return {"active": False}
        owner = str(claims.get("client_id"))
        if client.kind != RESOURCE_SERVER_KIND and owner != client.client_id:
            return {"active": False}
        holder = ClientRepository(session).get(owner)
        revoked = RevocationRepository(session).is_token_revoked(str(claims.get("jti")))
        if holder is None or not holder.active or revoked:
            return {"active": False}
        # A bound token's claims carry its cnf (RFC 9449 §6.2, RFC 8705 §3.2); one
        # bound to a certificate is a Bearer token (RFC 8705 §3).
        token_type = "DPoP" if "jkt" in claims.get("cnf", {}) else "Bearer"
        return {"active": True, "token_type": token_type, **claims}

    def revoke(self, session: Session, client: ClientRecord, token: str) -> None:
        """RFC 7009 §2.1: a client may revoke only its own tokens.

        An access token is signed, a refresh token opaque, so each is recognised
        without ``token_type_hint``; a refresh token ends its whole family. A token
        this server did not issue is answered as revoked (§2.2: the client could do
        nothing with an error); another client's token is refused with
        ``unauthorized_client`` and stays valid.
        """
        claims = self.verified_claims(token)
        if claims is None:
            if self.refresh_revocation is not None:
                self.refresh_revocation(session, client, token)
            return
        if claims.get("client_id") != client.client_id:
            raise OAuthError(
                "unauthorized_client",
                "The token was not issued to this client; a client may revoke only "
                "its own tokens.",
            )
        expires = datetime.fromtimestamp(float(claims["exp"]), UTC)
        RevocationRepository(session).revoke_token(
            str(claims["jti"]), client.client_id, expires
        )
        session.commit()


def request_confirmation() -> Mapping[str, Any] | None:
    """The ``cnf`` the token request being answered binds its token to (None:
    Bearer), for a grant that checks it against what the grant itself was bound to
    (a code bound to a DPoP key, RFC 9449 §10)."""
    return _CONFIRMATION.get()


@contextmanager
def _bound_to(confirmation: Mapping[str, Any] | None) -> Iterator[None]:
    reset = _CONFIRMATION.set(confirmation)
    try:
        yield
    finally:
        _CONFIRMATION.reset(reset)


def _granted_scopes(client: ClientRecord, requested: str | None) -> list[str]:
    allowed = set(client.scopes)
    if requested is None or not requested.strip():
        return sorted(allowed)
    asked = set(requested.split())
    unknown = sorted(asked - allowed)
    if unknown:
        raise OAuthError(
            "invalid_scope",
            f"The client may not have the scope {', '.join(unknown)}; "
            f"allowed: {' '.join(sorted(allowed))}.",
        )
    return sorted(asked)
