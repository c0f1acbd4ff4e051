"""The witnesses' cosignatures of the log's checkpoints (C2SP tlog-cosignature, #22).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``audit_cosignatures`` holds one row per witness and checkpoint size: the note
signature line the witness returned (verified against its pinned key before it is
stored), the witness's timestamp, and when the log received it. A cosignature is
evidence like the checkpoint it signs, so the table is append-only by the same
rules as the log's: UPDATE, DELETE and (PostgreSQL) TRUNCATE are refused, and on
SQLite an INSERT that would REPLACE a row; on PostgreSQL the triggers are ``ENABLE
ALWAYS`` and the writer role may only read and insert.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"
TABLE = "audit_cosignatures"
REFUSAL = "audit log is append-only"


def _create_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("witness", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("signed_at", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tree_size"],
            ["audit_checkpoints.tree_size"],
            name=op.f(f"fk_{TABLE}_tree_size_audit_checkpoints"),
        ),
        sa.PrimaryKeyConstraint(
            "tree_size", "witness", "key_id", name=op.f(f"pk_{TABLE}")
        ),
    )


def _sqlite() -> list[str]:
    statements = [
        f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for operation in ("UPDATE", "DELETE")
    ]
    statements.append(
        f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE rowid = NEW.rowid "
        "OR (tree_size = NEW.tree_size AND witness = NEW.witness "
        "AND key_id = NEW.key_id)) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: a row with this key exists'); END"
    )
    return statements


def _postgresql() -> list[str]:
    triggers = {
        f"{TABLE}_append_only": f"BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW "
        "EXECUTE FUNCTION audit_refuse_change()",
        f"{TABLE}_no_truncate": f"BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT "
        "EXECUTE FUNCTION audit_refuse_change()",
    }
    statements = []
    for name, body in triggers.items():
        statements += [
            f"CREATE TRIGGER {name} {body}",
            f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {name}",
        ]
    statements.append(f"GRANT SELECT, INSERT ON {TABLE} TO {ROLE}")
    return statements


def upgrade() -> None:
    _create_table()
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgresql else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE ALL ON {TABLE} FROM {ROLE}")
    op.drop_table(TABLE)
