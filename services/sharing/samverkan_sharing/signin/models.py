"""Authorization codes of the sign-in flow, stored only as hashes."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_sharing.oauth.models import SharingTable

__all__ = ["AuthorizationCodeRecord"]


class AuthorizationCodeRecord(SharingTable, table=True):
    """One authorization code (RFC 6749 §4.1.2): single use, one minute, bound to
    its client, redirect URI and PKCE challenge (RFC 7636)."""

    __tablename__ = "oauth_authorization_codes"

    code_hash: str = Field(primary_key=True, max_length=64)  # SHA-256, hex
    client_id: str = Field(max_length=64)
    redirect_uri: str = Field(max_length=500)
    person_id: str = Field(max_length=36)
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    nonce: str | None = Field(default=None, max_length=200)
    code_challenge: str = Field(max_length=128)
    auth_time: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    amr: list[str] = Field(sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
