"""Refresh tokens of people's sign-ins (RFC 6749 §6), as RFC 9700 §4.14.2 asks of
tokens held for a confidential client: bound to that client, rotated on every use,
and revoked with their whole family when a used one comes back (reuse means a copy
leaked). A family dies at the sign-in's auth_time plus the absolute lifetime; each
token expires sooner when it is not used within the idle time.
"""

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.repository import RevocationRepository
from samverkan_sharing.signin.models import RefreshTokenRecord
from samverkan_sharing.signin.repository import RefreshTokenRepository
from samverkan_sharing.signin.service import Grant

__all__ = [
    "RefreshPolicy",
    "SpentToken",
    "issue_refresh_token",
    "narrowed_scopes",
    "new_family",
    "revoke_refresh_token",
    "use_refresh_token",
]


@dataclass(frozen=True)
class RefreshPolicy:
    """How long a family lives after the sign-in, and a token without use."""

    lifetime: timedelta
    idle: timedelta


@dataclass(frozen=True)
class SpentToken:
    """A refresh token just used: what it granted, and its family."""

    grant: Grant
    family_id: str


def new_family() -> str:
    return secrets.token_hex(16)


def issue_refresh_token(
    session: Session,
    grant: Grant,
    *,
    client_id: str,
    family_id: str,
    access_claims: Mapping[str, Any],
    now: datetime,
    policy: RefreshPolicy,
) -> str:
    """Store a new token of the family (the caller commits); the token itself."""
    token = secrets.token_urlsafe(32)
    RefreshTokenRepository(session).add(
        RefreshTokenRecord(
            token_hash=_hash(token),
            family_id=family_id,
            client_id=client_id,
            person_id=grant.person_id,
            scopes=grant.scopes,
            auth_time=grant.auth_time,
            amr=grant.amr,
            access_token_id=str(access_claims["jti"]),
            access_expires_at=datetime.fromtimestamp(access_claims["exp"], UTC),
            issued_at=now,
            # Never past the family's end, however recently it was used.
            expires_at=min(now + policy.idle, grant.auth_time + policy.lifetime),
        )
    )
    return token


def use_refresh_token(
    session: Session, client: ClientRecord, token: str, *, now: datetime
) -> SpentToken:
    """Spend ``token`` for ``client``; the caller commits with its successor.

    A token used before revokes its family (committed) and is refused like every
    unknown, foreign, revoked or expired one: ``invalid_grant``.
    """
    stored = RefreshTokenRepository(session).for_use(_hash(token))
    if stored is None or stored.client_id != client.client_id:
        raise OAuthError("invalid_grant", "The refresh token is unknown.")
    if stored.revoked_at is not None:
        raise OAuthError("invalid_grant", "The refresh token has been revoked.")
    if stored.used_at is not None:
        _revoke_family(session, stored.family_id, now)
        session.commit()
        raise OAuthError(
            "invalid_grant",
            "The refresh token was used already; every token of this sign-in is "
            "now revoked. Sign in again.",
        )
    if stored.expires_at <= now:
        raise OAuthError("invalid_grant", "The refresh token has expired.")
    stored.used_at = now
    grant = Grant(
        person_id=stored.person_id,
        scopes=stored.scopes,
        nonce=None,
        auth_time=stored.auth_time,
        amr=stored.amr,
    )
    return SpentToken(grant, stored.family_id)


def revoke_refresh_token(
    session: Session, client: ClientRecord, token: str, *, now: datetime
) -> None:
    """RFC 7009 §2.1: revoke the token's family, committed. An unknown token is
    answered as revoked (§2.2); another client's is refused and stays valid."""
    stored = RefreshTokenRepository(session).for_use(_hash(token))
    if stored is None:
        return
    if stored.client_id != client.client_id:
        raise OAuthError(
            "unauthorized_client",
            "The token was not issued to this client; a client may revoke only "
            "its own tokens.",
        )
    _revoke_family(session, stored.family_id, now)
    session.commit()


def narrowed_scopes(
    granted: Iterable[str], requested: str | None, allowed: Iterable[str]
) -> list[str]:
    """RFC 6749 §6: the scopes asked for (default: all granted), none beyond the
    grant, less what the person's roles or the client no longer allow."""
    granted = set(granted)
    asked = set(requested.split()) if requested and requested.strip() else granted
    if beyond := sorted(asked - granted):
        raise OAuthError(
            "invalid_scope",
            f"The sign-in did not grant {', '.join(beyond)}; "
            f"granted: {' '.join(sorted(granted))}.",
        )
    scopes = sorted(asked & set(allowed))
    if not scopes:
        raise OAuthError("invalid_scope", "None of the scopes asked for is allowed.")
    return scopes


def _revoke_family(session: Session, family_id: str, now: datetime) -> None:
    """Every token of the family, and (RFC 7009 §2.1) its live access tokens."""
    revocations = RevocationRepository(session)
    for token in RefreshTokenRepository(session).revoke_family(family_id, now):
        if token.access_expires_at > now:
            revocations.revoke_token(
                token.access_token_id, token.client_id, token.access_expires_at
            )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
