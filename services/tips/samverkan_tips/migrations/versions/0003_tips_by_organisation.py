"""Tips: an index for an organisation's tips in the order they are listed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

A caller without tips:manage lists its own organisation's tips by (received_at, id).
With only an index on filed_by_org, each page read every tip of the organisation and
sorted them (SQLite: "USE TEMP B-TREE FOR ORDER BY"), so a page cost grew with the
organisation's tips. The composite index serves the filter, the order and the keyset
cursor; it also serves every look-up by filed_by_org alone, so that index goes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tips_filed_by_org_received_at",
        "tips",
        ["filed_by_org", "received_at", "id"],
    )
    op.drop_index("ix_tips_filed_by_org", table_name="tips")


def downgrade() -> None:
    op.create_index("ix_tips_filed_by_org", "tips", ["filed_by_org"])
    op.drop_index("ix_tips_filed_by_org_received_at", table_name="tips")
