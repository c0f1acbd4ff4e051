"""Mutual TLS (RFC 8705): each client's certificate and whether its tokens are bound
to it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

``tls_subject_dn`` is the subject a ``tls_client_auth`` client's certificate must have
(§2.1); ``tls_thumbprints`` the SHA-256 thumbprints of a
``self_signed_tls_client_auth`` client's registered certificates (§2.2);
``certificate_bound_tokens`` (§3.4) binds every token of the client to the certificate
it presents (``cnf.x5t#S256``). Clients registered before keep their method, unbound.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(sa.Column("tls_subject_dn", sa.String(500), nullable=True))
        batch.add_column(sa.Column("tls_thumbprints", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column(
                "certificate_bound_tokens",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("certificate_bound_tokens")
        batch.drop_column("tls_thumbprints")
        batch.drop_column("tls_subject_dn")
