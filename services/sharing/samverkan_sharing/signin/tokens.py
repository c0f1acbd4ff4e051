"""A person's tokens: the authorization_code grant's access token, ID token (OpenID
Connect Core §3.1.3) and refresh token; the refresh_token grant (RFC 6749 §6); and
what the userinfo endpoint answers (§5.3).

A refresh answers with an access token and the next refresh token, without an ID
token: the person did not sign in again (OIDC Core §12.2 leaves it optional).
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.service import (
    IssuedToken,
    TokenIssuer,
    request_confirmation,
)
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.signin.refresh import (
    RefreshPolicy,
    issue_refresh_token,
    narrowed_scopes,
    new_family,
    revoke_refresh_token,
    use_refresh_token,
)
from samverkan_sharing.signin.service import Grant, redeem_code, scopes_allowed

__all__ = ["PersonTokens", "person_claims", "person_municipality"]


@dataclass(frozen=True)
class PersonTokens:
    """The token endpoint's grants for people, and revocation of refresh tokens."""

    refresh: RefreshPolicy

    def for_code(
        self,
        issuer: TokenIssuer,
        session: Session,
        client: ClientRecord,
        form: Mapping[str, str],
    ) -> IssuedToken:
        """Redeem a code: an access token naming the person, an ID token for the
        client, and the first refresh token of a new family."""
        now = datetime.now(UTC)
        proof_key = (request_confirmation() or {}).get("jkt")
        grant = redeem_code(session, client, form, now=now, proof_key=proof_key)
        person = _active_person(session, grant.person_id, now)
        issued = _access_token(issuer, client, person, grant, grant.scopes)
        refresh = self._next_refresh_token(
            session, client, grant, issued, new_family(), now
        )
        id_token = _id_token(issuer, client, person, grant, issued)
        return replace(issued, id_token=id_token, refresh_token=refresh)

    def for_refresh(
        self,
        issuer: TokenIssuer,
        session: Session,
        client: ClientRecord,
        form: Mapping[str, str],
    ) -> IssuedToken:
        """Rotate a refresh token: a new access token (``scope`` may narrow it) and
        the family's next refresh token, which keeps the whole grant."""
        if "refresh_token" not in form:
            raise OAuthError("invalid_request", "refresh_token is required.")
        now = datetime.now(UTC)
        spent = use_refresh_token(session, client, form["refresh_token"], now=now)
        grant = spent.grant
        person = _active_person(session, grant.person_id, now)
        allowed = scopes_allowed(person) & set(client.scopes)
        scopes = narrowed_scopes(grant.scopes, form.get("scope"), allowed)
        issued = _access_token(issuer, client, person, grant, scopes)
        refresh = self._next_refresh_token(
            session, client, grant, issued, spent.family_id, now
        )
        return replace(issued, refresh_token=refresh)

    def revoke(self, session: Session, client: ClientRecord, token: str) -> None:
        """RFC 7009: a refresh token revokes its family; committed."""
        revoke_refresh_token(session, client, token, now=datetime.now(UTC))

    def _next_refresh_token(
        self,
        session: Session,
        client: ClientRecord,
        grant: Grant,
        issued: IssuedToken,
        family: str,
        now: datetime,
    ) -> str:
        token = issue_refresh_token(
            session,
            grant,
            client_id=client.client_id,
            family_id=family,
            access_claims=issued.claims,
            now=now,
            policy=self.refresh,
        )
        session.commit()
        return token


def _active_person(session: Session, person_id: str, now: datetime) -> PersonRecord:
    """The person, if their account may still get tokens; the transaction is
    rolled back otherwise, so a refused refresh token is not spent."""
    person = PersonRepository(session).get(person_id)
    if person is None or not person.active:
        session.rollback()
        raise OAuthError("invalid_grant", "The person's account is no longer active.")
    if person.locked_until is not None and person.locked_until > now:
        session.rollback()
        raise OAuthError("invalid_grant", "The person's account is locked for now.")
    return person


def _access_token(
    issuer: TokenIssuer,
    client: ClientRecord,
    person: PersonRecord,
    grant: Grant,
    scopes: list[str],
) -> IssuedToken:
    """An access token naming the person: only scopes their roles allow."""
    facts = {
        "auth_time": int(grant.auth_time.timestamp()),
        "amr": grant.amr,
        # Replaces the client's own: a person of another organisation files for none.
        "municipality_code": person_municipality(client, person),
    }
    return issuer.mint(
        client,
        scopes,
        subject=person.person_id,
        extra={**person_claims(person), **facts},
    )


def person_municipality(client: ClientRecord, person: PersonRecord) -> str | None:
    """The municipality a person files tips for: that of the client they signed in
    through, when the client is their own organisation's (a municipality registers
    its clients with its kommunkod); else none, so they cannot file in its name."""
    if person.org_number != client.org_number:
        return None
    return client.municipality_code


def _id_token(
    issuer: TokenIssuer,
    client: ClientRecord,
    person: PersonRecord,
    grant: Grant,
    issued: IssuedToken,
) -> str:
    claims = {
        "iss": issuer.issuer,
        "sub": person.person_id,
        "aud": client.client_id,
        "azp": client.client_id,
        "iat": issued.claims["iat"],
        "exp": issued.claims["exp"],
        "jti": secrets.token_hex(16),
        "auth_time": issued.claims["auth_time"],
        "amr": grant.amr,
        **({"nonce": grant.nonce} if grant.nonce else {}),
        **person_claims(person),
    }
    municipality = person_municipality(client, person)
    if municipality is not None:
        claims["municipality_code"] = municipality
    return issuer.sign(claims, typ="JWT")


def person_claims(person: PersonRecord) -> dict[str, Any]:
    """Who the person is, as tokens and userinfo name them (OIDC standard claims
    where one exists; the organisation and roles are the suite's own)."""
    return {
        "name": person.name,
        "preferred_username": person.username,
        "org_number": person.org_number,
        "roles": person.roles,
    }
