"""Tables of the authorization server (clients, used assertion ids, revoked tokens),
and the base every sharing table is declared on.

The base lives with the first feature: disclosures build on the authorization
server's clients (a notice goes to a registered recipient), never the other way round.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, MetaData
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from samverkan_shared.db import NAMING_CONVENTION
from samverkan_shared.db_types import UTCDateTime
from samverkan_shared.proof_replay import replay_table

__all__ = [
    "DPOP_POLICIES",
    "TLS_AUTH_METHODS",
    "ClientRecord",
    "RevokedTokenRecord",
    "SharingTable",
    "UsedAssertionRecord",
]

# RFC 9449: a required client gets tokens only with a proof; an optional one gets a
# bound token when it sends one, a Bearer token when it does not.
DPOP_POLICIES = ("required", "optional")
# RFC 8705 §2: client authentication by the TLS client certificate, issued by a
# certificate authority the ingress trusts (§2.1, matched by subject DN) or
# registered itself (§2.2, self-signed, matched by its SHA-256 thumbprint).
TLS_AUTH_METHODS = ("tls_client_auth", "self_signed_tls_client_auth")


class SharingTable(
    SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
):
    """Base of every sharing table; own metadata keeps others out of its migrations."""


class ClientRecord(SharingTable, table=True):
    """A registered machine client; secrets are stored only as salted scrypt hashes."""

    __tablename__ = "oauth_clients"

    client_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    org_number: str = Field(max_length=11)
    kind: str = Field(max_length=20)
    recipient: str | None = Field(default=None, max_length=40)
    # The municipality a client files tips for (its kommunkod); tips refuses others.
    municipality_code: str | None = Field(default=None, max_length=4)
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    auth_method: str = Field(max_length=40)
    secret_hash: str | None = Field(default=None, max_length=300)
    jwks: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    # Where the client may have people sent back after they sign in (exact match).
    redirect_uris: list[str] | None = Field(default=None, sa_column=Column(JSON))
    dpop: str = Field(default="optional", max_length=10)
    # tls_client_auth: the subject DN its certificate must have (RFC 4514), or
    # instead a subject alternative name it must carry ("dns:api.example.se").
    tls_subject_dn: str | None = Field(default=None, max_length=500)
    tls_san: str | None = Field(default=None, max_length=500)
    # self_signed_tls_client_auth: its certificates' SHA-256 thumbprints (x5t#S256).
    tls_thumbprints: list[str] | None = Field(default=None, sa_column=Column(JSON))
    # RFC 8705 §3.4 tls_client_certificate_bound_access_tokens: every token bound to
    # the certificate the client presents (always so for the TLS methods).
    certificate_bound_tokens: bool = False
    active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


# The DPoP proof ids sharing accepted (token endpoint and its own resource routes).
replay_table(SharingTable.metadata)


class UsedAssertionRecord(SharingTable, table=True):
    """Every private_key_jwt assertion id seen, so a replay is refused (RFC 7523 §3)."""

    __tablename__ = "oauth_used_assertions"

    client_id: str = Field(primary_key=True, max_length=64)
    jti: str = Field(primary_key=True, max_length=200)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class RevokedTokenRecord(SharingTable, table=True):
    """Access tokens revoked before their expiry (RFC 7009)."""

    __tablename__ = "oauth_revoked_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
