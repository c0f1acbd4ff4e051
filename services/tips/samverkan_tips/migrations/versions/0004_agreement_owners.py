"""Agreements: the organisation that owns each one, whose officers manage its tips.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

``owner_org_number`` is nullable on purpose, and an upgrade fills in nothing: the
migration cannot know who owns an operator's agreements, and guessing (say, every
agreement to one purchasing centre) would hand one organisation the tips of others.
An agreement without an owner is managed by nobody — its tips are read only by the
organisations that filed them — until the agreements are imported again, where the
CSV's ``owner_org_number`` column is required. The demo gets its owner that way: its
seed imports the demo agreements again on every `make run`.

The index serves "the agreements this organisation owns", the sub-query of every
tips listing by an agreement owner's client.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("owner_org_number", sa.String(11), nullable=True))
    op.create_index(
        "ix_agreements_owner_org_number", "agreements", ["owner_org_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_agreements_owner_org_number", table_name="agreements")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("owner_org_number")
