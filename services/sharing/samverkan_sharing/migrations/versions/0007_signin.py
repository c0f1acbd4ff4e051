"""People sign in: a client's redirect URIs, and authorization codes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

A client with redirect URIs may sign people in (the authorization code flow with
PKCE); its codes are kept as SHA-256 hashes, used once, for a minute.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(sa.Column("redirect_uris", sa.JSON(), nullable=True))
    op.create_table(
        "oauth_authorization_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("nonce", sa.String(200), nullable=True),
        sa.Column("code_challenge", sa.String(128), nullable=False),
        sa.Column("auth_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amr", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("oauth_authorization_codes")
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("redirect_uris")
