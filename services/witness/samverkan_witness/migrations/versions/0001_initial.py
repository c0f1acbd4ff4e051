"""The witness's tables: the latest cosigned checkpoint per log, and fork evidence.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "witnessed_logs",
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("origin_hash", sa.String(length=64), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=False),
        sa.Column("cosigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_witnessed_logs")),
        sa.UniqueConstraint("origin_hash", name=op.f("uq_witnessed_logs_origin_hash")),
    )
    op.create_table(
        "fork_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("cosigned_checkpoint", sa.Text(), nullable=False),
        sa.Column("submitted_checkpoint", sa.Text(), nullable=False),
        sa.Column("old_size", sa.BigInteger(), nullable=False),
        sa.Column("proof", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fork_evidence")),
    )
    op.create_index(
        op.f("ix_fork_evidence_origin"), "fork_evidence", ["origin"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_fork_evidence_origin"), table_name="fork_evidence")
    op.drop_table("fork_evidence")
    op.drop_table("witnessed_logs")
