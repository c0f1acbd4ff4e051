"""The outbox of tip reports: tips is told of every release about a tip.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

One row per released disclosure and tip, written in the transaction that marks the
release; a worker delivers it to tips with a lease and a backoff.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tip_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "disclosure_id",
            sa.String(36),
            sa.ForeignKey(
                "disclosures.id", name="fk_tip_reports_disclosure_id_disclosures"
            ),
            nullable=False,
        ),
        sa.Column("tip_id", sa.String(36), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "disclosure_id", "tip_id", name="uq_tip_reports_disclosure_id"
        ),
    )
    op.create_index(
        "ix_tip_reports_state_next_attempt_at",
        "tip_reports",
        ["state", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_tip_reports_state_next_attempt_at", table_name="tip_reports")
    op.drop_table("tip_reports")
