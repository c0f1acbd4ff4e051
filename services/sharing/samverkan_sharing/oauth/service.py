"""Use cases of the authorization server: issue, introspect and revoke tokens; clients."""

import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from authlib.jose import JsonWebToken
from authlib.jose.errors import JoseError
from sqlmodel import Session

from samverkan_shared.auth import ALLOWED_ALGORITHMS, SCOPE_AUDIENCES, audiences_for
from samverkan_shared.identifiers import (
    InvalidIdentifier,
    parse_municipality_code,
    parse_org_number,
)
from samverkan_sharing.oauth.authentication import authenticate_client
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.keys import SigningKeyStore
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.repository import ClientRepository, RevocationRepository
from samverkan_sharing.oauth.secrets import hash_secret, new_secret
from samverkan_sharing.rules.vocabulary import Recipient

# Claims that hold identifiers this server issued, never secrets.
_IDENTIFIER_CLAIMS = frozenset({"sub", "client_id", "jti"})


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
    "CLIENT_KINDS",
    "RESOURCE_SERVER_KIND",
    "InvalidClient",
    "IssuedToken",
    "TokenIssuer",
    "register_client",
    "revoke_client",
]

CLIENT_KINDS = ("municipality", "partner", "compliance", "service")
RESOURCE_SERVER_KIND = "service"
"""The kind of the suite's own services' clients: they may introspect any token."""


class InvalidClient(ValueError):
    """A client registration that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    claims: Mapping[str, Any]

    def response(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


class TokenIssuer:
    """Mints RFC 9068 access tokens with the current signing key."""

    def __init__(self, *, issuer: str, keys: SigningKeyStore, lifetime: int) -> None:
        self.issuer = issuer.rstrip("/")
        self.keys = keys
        self.lifetime = lifetime

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/oauth/token"

    def token_for_request(
        self, session: Session, authorization: str | None, form: Mapping[str, str]
    ) -> IssuedToken:
        """The client credentials grant (RFC 6749 §4.4); commits the used assertion id."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required.")
        client = self.authenticate(session, authorization, form)
        if grant_type != "client_credentials":
            raise OAuthError(
                "unsupported_grant_type",
                f"grant_type {grant_type!r} is not supported; use client_credentials.",
            )
        scopes = _granted_scopes(client, form.get("scope"))
        session.commit()
        return self.mint(client, scopes)

    def introspect_for_request(
        self, session: Session, authorization: str | None, form: Mapping[str, str]
    ) -> dict[str, Any]:
        """Token introspection (RFC 7662 §2.1) for the client that authenticates."""
        client, token = self._token_asked_about(session, authorization, form)
        return self.introspect(session, client, token)

    def revoke_for_request(
        self, session: Session, authorization: str | None, form: Mapping[str, str]
    ) -> None:
        """Token revocation (RFC 7009 §2.1) for the client that authenticates."""
        client, token = self._token_asked_about(session, authorization, form)
        self.revoke(session, client, token)

    def _token_asked_about(
        self, session: Session, authorization: str | None, form: Mapping[str, str]
    ) -> tuple[ClientRecord, str]:
        """The authenticated client and the token its form names (introspection and
        revocation take the same form); commits the used assertion id."""
        client = self.authenticate(session, authorization, form)
        session.commit()  # keeps the assertion id as used
        if "token" not in form:
            raise OAuthError("invalid_request", "token is required.")
        return client, form["token"]

    def authenticate(
        self, session: Session, authorization: str | None, form: Mapping[str, str]
    ) -> ClientRecord:
        return authenticate_client(
            authorization,
            form,
            clients=ClientRepository(session),
            revocations=RevocationRepository(session),
            audiences={self.token_endpoint, self.issuer, f"{self.issuer}/"},
        )

    def mint(self, client: ClientRecord, scopes: list[str]) -> IssuedToken:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": client.client_id,
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
        key = self.keys.current()
        header = {"alg": self.keys.algorithm, "kid": key.kid, "typ": "at+jwt"}
        token = _AccessTokenJwt([self.keys.algorithm]).encode(header, claims, key.key)
        return IssuedToken(token.decode(), self.lifetime, claims["scope"], claims)

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
        return {"active": True, "token_type": "Bearer", **claims}

    def revoke(self, session: Session, client: ClientRecord, token: str) -> None:
        """RFC 7009 §2.1: a client may revoke only its own tokens.

        A token this server did not sign (or cannot read) is answered as revoked
        (§2.2: the client could do nothing with an error); another client's token
        is refused with ``unauthorized_client`` and stays valid.
        """
        claims = self.verified_claims(token)
        if claims is None:
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


def register_client(
    session: Session,
    *,
    name: str,
    org_number: str,
    kind: str,
    scopes: Iterable[str],
    recipient: str | None = None,
    jwks: Mapping[str, Any] | None = None,
    client_id: str | None = None,
    municipality_code: str | None = None,
) -> tuple[ClientRecord, str | None]:
    """Register a client; returns it and its secret (None for private_key_jwt).

    A client that files tips (``tips:write``) names the municipality it files for:
    tips refuses a tip in another municipality's name.
    """
    scope_list = sorted(set(scopes))
    _check_registration(name, kind, scope_list, recipient, jwks)
    try:
        org = parse_org_number(org_number)
        code = _municipality(scope_list, municipality_code)
    except InvalidIdentifier as error:
        raise InvalidClient(f"--org-number: {error}") from None
    secret = None if jwks else new_secret()
    client = ClientRecord(
        client_id=client_id or f"svk-{secrets.token_hex(8)}",
        name=name,
        org_number=org,
        kind=kind,
        recipient=recipient,
        municipality_code=code,
        scopes=scope_list,
        auth_method="private_key_jwt" if jwks else "client_secret_basic",
        secret_hash=hash_secret(secret) if secret else None,
        jwks=dict(jwks) if jwks else None,
        created_at=datetime.now(UTC),
    )
    ClientRepository(session).add(client)
    session.commit()
    return client, secret


def _municipality(scopes: list[str], code: str | None) -> str | None:
    if code is None:
        if "tips:write" in scopes:
            raise InvalidClient(
                "a client with tips:write files tips for one municipality: give"
                " --municipality with its code (kommunkod), e.g. 1280"
            )
        return None
    try:
        return parse_municipality_code(code)
    except InvalidIdentifier as error:
        raise InvalidClient(f"--municipality: {error}") from None


def _check_registration(
    name: str,
    kind: str,
    scopes: list[str],
    recipient: str | None,
    jwks: Mapping[str, Any] | None,
) -> None:
    recipients = {r.value for r in Recipient}
    unknown = [s for s in scopes if s not in SCOPE_AUDIENCES]
    checks = [
        (not name.strip(), "--name must not be empty"),
        (kind not in CLIENT_KINDS, f"--kind must be one of {', '.join(CLIENT_KINDS)}"),
        (not scopes, "--scopes must name at least one scope"),
        (
            bool(unknown),
            f"unknown scopes {', '.join(unknown)}; known: {' '.join(SCOPE_AUDIENCES)}",
        ),
        (kind == "partner" and recipient is None, "a partner needs --recipient"),
        (
            recipient is not None and recipient not in recipients,
            f"--recipient must be one of {', '.join(sorted(recipients))}",
        ),
        (
            "disclosures:request" in scopes and kind != "partner",
            "only a partner may have disclosures:request (its recipient decides the law)",
        ),
        (
            jwks is not None and not isinstance(jwks.get("keys"), list),
            "--jwks must be a JSON Web Key Set with a 'keys' list",
        ),
    ]
    for failed, message in checks:
        if failed:
            raise InvalidClient(message)


def revoke_client(session: Session, client_id: str) -> ClientRecord:
    client = ClientRepository(session).get(client_id)
    if client is None:
        raise InvalidClient(f"no client {client_id!r}")
    client.active = False
    client.revoked_at = datetime.now(UTC)
    session.add(client)
    session.commit()
    return client
