"""A person's tokens: the authorization_code grant's access token and ID token
(OpenID Connect Core §3.1.3), and what the userinfo endpoint answers (§5.3)."""

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.service import IssuedToken, TokenIssuer
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.signin.service import redeem_code

__all__ = ["person_claims", "tokens_for_code"]


def tokens_for_code(
    issuer: TokenIssuer,
    session: Session,
    client: ClientRecord,
    form: Mapping[str, str],
) -> IssuedToken:
    """Redeem a code: an access token naming the person, and an ID token for the
    client. The access token carries only the scopes the person's roles allow."""
    now = datetime.now(UTC)
    grant = redeem_code(session, client, form, now=now)
    person = PersonRepository(session).get(grant.person_id)
    if person is None or not person.active:
        raise OAuthError("invalid_grant", "The person's account is no longer active.")
    facts = {"auth_time": int(grant.auth_time.timestamp()), "amr": grant.amr}
    issued = issuer.mint(
        client,
        grant.scopes,
        subject=person.person_id,
        extra={**person_claims(person), **facts},
    )
    id_claims = {
        "iss": issuer.issuer,
        "sub": person.person_id,
        "aud": client.client_id,
        "azp": client.client_id,
        "iat": issued.claims["iat"],
        "exp": issued.claims["exp"],
        "jti": secrets.token_hex(16),
        **facts,
        **({"nonce": grant.nonce} if grant.nonce else {}),
        **person_claims(person),
    }
    id_token = issuer.sign(id_claims, typ="JWT")
    return IssuedToken(
        issued.access_token, issued.expires_in, issued.scope, issued.claims, id_token
    )


def person_claims(person: PersonRecord) -> dict[str, Any]:
    """Who the person is, as tokens and userinfo name them (OIDC standard claims
    where one exists; the organisation and roles are the suite's own)."""
    return {
        "name": person.name,
        "preferred_username": person.username,
        "org_number": person.org_number,
        "roles": person.roles,
    }
