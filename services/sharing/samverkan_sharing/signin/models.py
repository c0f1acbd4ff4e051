"""Authorization codes and refresh tokens of the sign-in flow, stored only as hashes."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_sharing.oauth.models import SharingTable

__all__ = ["AuthorizationCodeRecord", "RefreshTokenRecord"]


class AuthorizationCodeRecord(SharingTable, table=True):
    """One authorization code (RFC 6749 §4.1.2): single use, one minute, bound to
    its client, redirect URI and PKCE challenge (RFC 7636), and to a DPoP key if the
    client named one."""

    __tablename__ = "oauth_authorization_codes"

    code_hash: str = Field(primary_key=True, max_length=64)  # SHA-256, hex
    client_id: str = Field(max_length=64)
    redirect_uri: str = Field(max_length=500)
    person_id: str = Field(max_length=36)
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    nonce: str | None = Field(default=None, max_length=200)
    code_challenge: str = Field(max_length=128)
    # RFC 9449 §10: only a token request with a DPoP proof by this key redeems it.
    dpop_jkt: str | None = Field(default=None, max_length=43)
    auth_time: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    amr: list[str] = Field(sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class RefreshTokenRecord(SharingTable, table=True):
    """One refresh token (RFC 6749 §6) of a person's sign-in: single use, since each
    use rotates it (RFC 9700 §4.14.2); its family is every token since the sign-in."""

    __tablename__ = "oauth_refresh_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)  # SHA-256, hex
    family_id: str = Field(max_length=32, index=True)
    client_id: str = Field(max_length=64)
    person_id: str = Field(max_length=36)
    # What the sign-in granted; a refresh may narrow its access token, never this.
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    auth_time: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    amr: list[str] = Field(sa_column=Column(JSON, nullable=False))
    # The access token issued with this one: revoked with the family while it lives.
    access_token_id: str = Field(max_length=64)
    access_expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
