"""Indexes for listing disclosures: by creation time, and by assessment due date.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

``GET /v1/disclosure-requests`` pages by ``(created_at, id)`` either way and filters
on ``assessment_due``; a partner's own requests are found by ``requester`` (0003).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_disclosures_created_at_id", "disclosures", ["created_at", "id"]
    )
    op.create_index("ix_disclosures_assessment_due", "disclosures", ["assessment_due"])


def downgrade() -> None:
    op.drop_index("ix_disclosures_assessment_due", table_name="disclosures")
    op.drop_index("ix_disclosures_created_at_id", table_name="disclosures")
