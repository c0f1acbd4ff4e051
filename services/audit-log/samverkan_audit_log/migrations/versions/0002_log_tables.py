"""The log's tables and the triggers that keep them append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Append-only is the database's rule, not only the code's: entries, their side
tables, tree nodes and checkpoints refuse UPDATE and DELETE (SQLite and
PostgreSQL) and TRUNCATE (PostgreSQL). Two more guards make a forked, gapped or
reordered tree impossible even for a buggy writer: an entry is only accepted at
the index the sequencer (``audit_tree_state``) names, and the sequencer only grows
by one, to an index whose entry exists.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = (
    "audit_entries",
    "audit_entry_legal_basis",
    "audit_entry_subjects",
    "audit_tree_nodes",
    "audit_checkpoints",
)
REFUSAL = "audit log is append-only"


def _create_tables() -> None:
    op.create_table(
        "audit_tree_state",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_tree_state_single_row")),
        sa.CheckConstraint("tree_size >= 0", name=op.f("ck_audit_tree_state_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_tree_state")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("entry_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("decision_id", sa.String(length=128), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_code", sa.String(length=40), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("partner_reference", sa.String(length=200), nullable=True),
        sa.Column("appended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_index", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("decision_id", "event", name=op.f("uq_audit_entries_decision_id")),
    )
    op.create_index(
        "ix_audit_entries_recipient_code_entry_index",
        "audit_entries",
        ["recipient_code", "entry_index"],
    )
    op.create_index("ix_audit_entries_occurred_at", "audit_entries", ["occurred_at"])
    for table, column, length in (
        ("audit_entry_legal_basis", "basis", 100),
        ("audit_entry_subjects", "subject", 80),
    ):
        op.create_table(
            table,
            sa.Column(column, sa.String(length=length), nullable=False),
            sa.Column("entry_index", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.ForeignKeyConstraint(
                ["entry_index"],
                ["audit_entries.entry_index"],
                name=op.f(f"fk_{table}_entry_index_audit_entries"),
            ),
            sa.PrimaryKeyConstraint(column, "entry_index", name=op.f(f"pk_{table}")),
        )
    op.create_table(
        "audit_tree_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("node_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "node_index", name=op.f("pk_audit_tree_nodes")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_checkpoints")),
    )
    op.execute("INSERT INTO audit_tree_state (id, tree_size) VALUES (1, 0)")


def _sqlite_triggers() -> list[str]:
    statements = []
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                f"ON {table} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
    statements += [
        "CREATE TRIGGER audit_entries_in_order BEFORE INSERT ON audit_entries "
        "WHEN NEW.entry_index IS NOT (SELECT tree_size FROM audit_tree_state WHERE id = 1) "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are appended at the next index only'); END",
        "CREATE TRIGGER audit_tree_state_grows BEFORE UPDATE ON audit_tree_state "
        "WHEN NEW.id IS NOT OLD.id OR NEW.tree_size IS NOT OLD.tree_size + 1 "
        "OR NOT EXISTS (SELECT 1 FROM audit_entries WHERE entry_index = NEW.tree_size - 1) "
        "BEGIN SELECT RAISE(ABORT, 'the tree grows by one appended entry at a time'); END",
        "CREATE TRIGGER audit_tree_state_no_delete BEFORE DELETE ON audit_tree_state "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    ]
    return statements


_POSTGRESQL_FUNCTIONS = [
    f"""
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE FUNCTION audit_entry_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.entry_index IS DISTINCT FROM
                (SELECT tree_size FROM audit_tree_state WHERE id = 1) THEN
            RAISE EXCEPTION 'audit entries are appended at the next index only'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE FUNCTION audit_tree_state_grows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.id IS DISTINCT FROM OLD.id
                OR NEW.tree_size IS DISTINCT FROM OLD.tree_size + 1
                OR NOT EXISTS (SELECT 1 FROM audit_entries
                               WHERE entry_index = NEW.tree_size - 1) THEN
            RAISE EXCEPTION 'the tree grows by one appended entry at a time'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
]


def _postgresql_triggers() -> list[str]:
    statements = list(_POSTGRESQL_FUNCTIONS)
    for table in APPEND_ONLY_TABLES:
        statements += [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
        ]
    statements += [
        "CREATE TRIGGER audit_entries_in_order BEFORE INSERT ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_in_order()",
        "CREATE TRIGGER audit_tree_state_grows BEFORE UPDATE OR DELETE ON audit_tree_state "
        "FOR EACH ROW EXECUTE FUNCTION audit_tree_state_grows()",
        "CREATE TRIGGER audit_tree_state_no_truncate BEFORE TRUNCATE ON audit_tree_state "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ]
    return statements


def upgrade() -> None:
    _create_tables()
    dialect = op.get_bind().dialect.name
    statements = _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its triggers (and fires none of them) on both databases.
    for table in (
        "audit_checkpoints",
        "audit_tree_nodes",
        "audit_entry_subjects",
        "audit_entry_legal_basis",
        "audit_entries",
        "audit_tree_state",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for function in ("audit_tree_state_grows", "audit_entry_in_order", "audit_refuse_change"):
            op.execute(f"DROP FUNCTION {function}()")
