"""The authorization server's tables: clients, used assertion ids, revoked tokens.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_number", sa.String(11), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(40), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("auth_method", sa.String(40), nullable=False),
        sa.Column("secret_hash", sa.String(300), nullable=True),
        sa.Column("jwks", sa.JSON(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "oauth_used_assertions",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("jti", sa.String(200), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "oauth_revoked_tokens",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_oauth_revoked_tokens_expires_at", "oauth_revoked_tokens", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_oauth_revoked_tokens_expires_at", table_name="oauth_revoked_tokens")
    op.drop_table("oauth_revoked_tokens")
    op.drop_table("oauth_used_assertions")
    op.drop_table("oauth_clients")
