"""Disclosure requests and notices.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("recipient_code", sa.String(40), nullable=False),
        sa.Column("recipient_org_number", sa.String(11), nullable=True),
        sa.Column("recipient_name", sa.String(200), nullable=True),
        sa.Column("partner_reference", sa.String(200), nullable=True),
        sa.Column("tip_id", sa.String(36), nullable=True),
        sa.Column("supplier_org_number", sa.String(11), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("payload_ciphertext", sa.Text(), nullable=True),
        sa.Column("payload_sha256", sa.String(64), nullable=True),
        sa.Column("audit_entry", sa.JSON(), nullable=True),
        sa.Column("receipt", sa.JSON(), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=True),
        sa.Column("approval", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessment_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "requester", "idempotency_key", name="uq_disclosures_requester"
        ),
    )
    op.create_index("ix_disclosures_status", "disclosures", ["status"])
    op.create_index("ix_disclosures_requester", "disclosures", ["requester"])
    op.create_index("ix_disclosures_recipient_code", "disclosures", ["recipient_code"])


def downgrade() -> None:
    op.drop_index("ix_disclosures_recipient_code", table_name="disclosures")
    op.drop_index("ix_disclosures_requester", table_name="disclosures")
    op.drop_index("ix_disclosures_status", table_name="disclosures")
    op.drop_table("disclosures")
