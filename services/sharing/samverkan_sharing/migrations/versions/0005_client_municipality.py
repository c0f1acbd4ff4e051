"""A client's municipality: the one it files tips for.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Tokens of a client with a municipality code carry it (``municipality_code``), and tips
refuses a tip whose reporter names another municipality.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(sa.Column("municipality_code", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("municipality_code")
