"""Deadlines, case notes and reported disclosures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- ``tips.acknowledge_by`` and ``tips.decide_by``: each tip's due dates, fixed at
  filing from its agreement owner's policy. An upgrade leaves them NULL for the tips
  already stored: they were filed under no deadline, and giving them one now (under a
  default the operator may have meant to change) would mark a whole backlog overdue
  at once. Such a tip shows null due dates, null in-time flags, and is never overdue.
- ``deadline_policies``: an organisation's own working days to acknowledge and decide.
- ``tip_transitions.actor_person_id`` / ``actor_person_name``: the person signed in
  for the client that moved a tip (NULL for moves before, and for clients' own tokens).
- ``tip_notes``: the agreement owner's case notes, the text sealed like a narrative;
  (client, Idempotency-Key) unique so a retried note is stored once.
- ``tip_disclosures``: the disclosures sharing made about a tip, as sharing reports
  them after release (never a payload); one row per tip and (disclosure, audit
  index), the tip first in the key so a timeline reads its rows by it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("acknowledge_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decide_by", sa.Date(), nullable=True))
    with op.batch_alter_table("tip_transitions") as batch:
        batch.add_column(
            sa.Column("actor_person_id", sa.String(200), nullable=True)
        )
        batch.add_column(
            sa.Column("actor_person_name", sa.String(200), nullable=True)
        )
    op.create_table(
        "deadline_policies",
        sa.Column("org_number", sa.String(11), nullable=False),
        sa.Column("acknowledge_working_days", sa.Integer(), nullable=False),
        sa.Column("decide_working_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("org_number", name="pk_deadline_policies"),
    )
    _create_notes()
    _create_disclosures()


def _create_notes() -> None:
    op.create_table(
        "tip_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tip_id", sa.Uuid(), nullable=False),
        sa.Column("text_sealed", sa.Text(), nullable=False),
        sa.Column("author_client_id", sa.String(200), nullable=False),
        sa.Column("author_person_id", sa.String(200), nullable=True),
        sa.Column("author_person_name", sa.String(200), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name="fk_tip_notes_tip_id_tips"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tip_notes"),
        sa.UniqueConstraint(
            "author_client_id",
            "idempotency_key",
            name="uq_tip_notes_author_client_id",
        ),
    )
    op.create_index(
        "ix_tip_notes_tip_id_created_at", "tip_notes", ["tip_id", "created_at"]
    )


def _create_disclosures() -> None:
    op.create_table(
        "tip_disclosures",
        sa.Column("disclosure_id", sa.String(100), nullable=False),
        sa.Column("audit_index", sa.BigInteger(), nullable=False),
        sa.Column("tip_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_code", sa.String(64), nullable=False),
        sa.Column("recipient_org_number", sa.String(11), nullable=False),
        sa.Column("recipient_name", sa.String(200), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("released_at", TIMESTAMP, nullable=False),
        sa.Column("reported_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name="fk_tip_disclosures_tip_id_tips"
        ),
        sa.PrimaryKeyConstraint(
            "tip_id", "disclosure_id", "audit_index", name="pk_tip_disclosures"
        ),
    )


def downgrade() -> None:
    op.drop_table("tip_disclosures")
    op.drop_table("tip_notes")
    op.drop_table("deadline_policies")
    with op.batch_alter_table("tip_transitions") as batch:
        batch.drop_column("actor_person_name")
        batch.drop_column("actor_person_id")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("decide_by")
        batch.drop_column("acknowledge_by")
