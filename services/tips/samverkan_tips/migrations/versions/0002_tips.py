"""Tips: agreements, suppliers, selection lists, tips, their history, call-off stops, keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Hand-written for SQLite and PostgreSQL alike; constraint names follow the naming
convention of `samverkan_shared.db`, so later batch migrations on SQLite can find them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    _create_selection_lists()
    _create_tips()
    _create_histories()
    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("tip_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name="pk_idempotency_keys"),
    )



def _create_selection_lists() -> None:
    """Agreements, suppliers and which suppliers each agreement's call-offs may go to."""
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
    )
    op.create_table(
        "suppliers",
        sa.Column("org_number", sa.String(11), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stopped_at", TIMESTAMP, nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("org_number", name="pk_suppliers"),
    )
    op.create_table(
        "agreement_suppliers",
        sa.Column("agreement_id", sa.String(), nullable=False),
        sa.Column("supplier_org_number", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name="fk_agreement_suppliers_agreement_id_agreements",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_org_number"],
            ["suppliers.org_number"],
            name="fk_agreement_suppliers_supplier_org_number_suppliers",
        ),
        sa.PrimaryKeyConstraint(
            "agreement_id", "supplier_org_number", name="pk_agreement_suppliers"
        ),
    )
    op.create_index(
        "ix_agreement_suppliers_supplier_org_number",
        "agreement_suppliers",
        ["supplier_org_number"],
    )


def _create_tips() -> None:
    op.create_table(
        "tips",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_org_number", sa.String(), nullable=False),
        sa.Column("supplier_name", sa.String(200), nullable=False),
        sa.Column("agreement_id", sa.String(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("holder_activity", sa.String(32), nullable=False),
        sa.Column("description_category", sa.String(32), nullable=False),
        sa.Column("reporter_municipality_code", sa.String(4), nullable=False),
        sa.Column("reporter_unit", sa.String(200), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("filed_by_org", sa.String(11), nullable=True),
        sa.Column("description_sealed", sa.Text(), nullable=False),
        sa.Column("persons_sealed", sa.Text(), nullable=False),
        sa.Column("contact_email_sealed", sa.Text(), nullable=True),
        sa.Column("breached_terms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name="fk_tips_agreement_id_agreements"
        ),
        sa.ForeignKeyConstraint(
            ["supplier_org_number"],
            ["suppliers.org_number"],
            name="fk_tips_supplier_org_number_suppliers",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tips"),
    )
    op.create_index("ix_tips_received_at_id", "tips", ["received_at", "id"])
    op.create_index(
        "ix_tips_supplier_received_at", "tips", ["supplier_org_number", "received_at"]
    )
    op.create_index("ix_tips_supplier_org_number", "tips", ["supplier_org_number"])
    op.create_index("ix_tips_agreement_id", "tips", ["agreement_id"])
    op.create_index("ix_tips_status", "tips", ["status"])
    op.create_index("ix_tips_filed_by_org", "tips", ["filed_by_org"])


def _create_histories() -> None:
    op.create_table(
        "tip_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(32), nullable=False),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name="fk_tip_transitions_tip_id_tips"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tip_transitions"),
    )
    op.create_index("ix_tip_transitions_tip_id", "tip_transitions", ["tip_id"])
    op.create_table(
        "call_off_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_org_number", sa.String(), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tip_ids", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_org_number"],
            ["suppliers.org_number"],
            name="fk_call_off_stops_supplier_org_number_suppliers",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_call_off_stops"),
    )
    op.create_index(
        "ix_call_off_stops_supplier_org_number",
        "call_off_stops",
        ["supplier_org_number"],
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ix_call_off_stops_supplier_org_number", table_name="call_off_stops")
    op.drop_table("call_off_stops")
    op.drop_index("ix_tip_transitions_tip_id", table_name="tip_transitions")
    op.drop_table("tip_transitions")
    for index in (
        "ix_tips_filed_by_org",
        "ix_tips_status",
        "ix_tips_agreement_id",
        "ix_tips_supplier_org_number",
        "ix_tips_supplier_received_at",
        "ix_tips_received_at_id",
    ):
        op.drop_index(index, table_name="tips")
    op.drop_table("tips")
    op.drop_index(
        "ix_agreement_suppliers_supplier_org_number", table_name="agreement_suppliers"
    )
    op.drop_table("agreement_suppliers")
    op.drop_table("suppliers")
    op.drop_table("agreements")
