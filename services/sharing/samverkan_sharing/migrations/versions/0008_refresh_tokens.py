"""People's refresh tokens: rotated on every use, revoked as a family.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08

A refresh token is kept as a SHA-256 hash, bound to its client, the person, the
granted scopes and the sign-in's auth_time and amr. Tokens that descend from one
sign-in share a family id, so reuse or revocation of one ends them all (RFC 9700
§4.14.2); each row names the access token issued with it, to revoke that too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(32), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("auth_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amr", sa.JSON(), nullable=False),
        sa.Column("access_token_id", sa.String(64), nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_oauth_refresh_tokens_family_id", "oauth_refresh_tokens", ["family_id"]
    )


def downgrade() -> None:
    op.drop_index(
        "ix_oauth_refresh_tokens_family_id", table_name="oauth_refresh_tokens"
    )
    op.drop_table("oauth_refresh_tokens")
