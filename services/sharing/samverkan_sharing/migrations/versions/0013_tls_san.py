"""tls_client_auth by a subject alternative name (RFC 8705 §2.1.2).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

``oauth_clients.tls_san`` is the subject alternative name a ``tls_client_auth``
client's certificate must carry, as ``<kind>:<value>`` (``dns``, ``uri``, ``ip`` or
``email``: the metadata ``tls_client_auth_san_dns`` and its siblings); such a client
has no ``tls_subject_dn``. Clients registered before keep their subject DN.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(sa.Column("tls_san", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("tls_san")
