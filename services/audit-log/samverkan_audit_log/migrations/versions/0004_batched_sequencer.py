"""The sequencer may advance over several appended entries in one step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

0002 accepted an entry only at the sequencer's size and let the size grow by
exactly one, so a batch of n entries cost 2n statements (INSERT, UPDATE, INSERT,
...), each a round trip to PostgreSQL inside the one transaction that holds the
sequencer lock; that serial chain capped the append rate. The guarantees stay the
same with rules that let a batch be one INSERT of n rows and one UPDATE:

* an entry is accepted only right after the last entry (index 0 for the first):
  no gap, no reuse, no reordering;
* the size never shrinks and grows only onto an entry that exists, which, entries
  being contiguous from 0, means onto entries that all exist.

Both checks read the primary key's last entry (O(log n)). The triggers keep their
names, so 0002's downgrade and the append-only triggers are untouched.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "audit log is append-only"
OUT_OF_ORDER = "audit entries are appended at the next index only"
GROWTH = "the tree grows only onto appended entries, never shrinks"
OLD_GROWTH = "the tree grows by one appended entry at a time"

_SQLITE_DROP = [
    "DROP TRIGGER audit_entries_in_order",
    "DROP TRIGGER audit_tree_state_grows",
]


def _sqlite(growth: str, batched: bool) -> list[str]:
    entry_rule = (
        "NEW.entry_index IS NOT "
        "COALESCE((SELECT max(entry_index) FROM audit_entries), -1) + 1"
        if batched
        else "NEW.entry_index IS NOT (SELECT tree_size FROM audit_tree_state WHERE id = 1)"
    )
    size_rule = (
        "NEW.tree_size < OLD.tree_size" if batched else "NEW.tree_size IS NOT OLD.tree_size + 1"
    )
    return [
        "CREATE TRIGGER audit_entries_in_order BEFORE INSERT ON audit_entries "
        f"WHEN {entry_rule} "
        f"BEGIN SELECT RAISE(ABORT, '{OUT_OF_ORDER}'); END",
        "CREATE TRIGGER audit_tree_state_grows BEFORE UPDATE ON audit_tree_state "
        f"WHEN NEW.id IS NOT OLD.id OR {size_rule} "
        "OR (NEW.tree_size > 0 AND NOT EXISTS "
        "(SELECT 1 FROM audit_entries WHERE entry_index = NEW.tree_size - 1)) "
        f"BEGIN SELECT RAISE(ABORT, '{growth}'); END",
    ]


def _postgresql(growth: str, batched: bool) -> list[str]:
    expected = (
        "COALESCE((SELECT max(entry_index) FROM audit_entries), -1) + 1"
        if batched
        else "(SELECT tree_size FROM audit_tree_state WHERE id = 1)"
    )
    size_rule = (
        "NEW.tree_size < OLD.tree_size" if batched else "NEW.tree_size IS DISTINCT FROM OLD.tree_size + 1"
    )
    # CREATE OR REPLACE keeps the triggers bound to the functions. A row-level
    # BEFORE trigger sees the rows its own multi-row INSERT inserted before this one.
    return [
        f"""
        CREATE OR REPLACE FUNCTION audit_entry_in_order() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.entry_index IS DISTINCT FROM {expected} THEN
                RAISE EXCEPTION '{OUT_OF_ORDER}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION audit_tree_state_grows() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' THEN
                RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NEW.id IS DISTINCT FROM OLD.id OR {size_rule}
                    OR (NEW.tree_size > 0 AND NOT EXISTS (
                        SELECT 1 FROM audit_entries
                        WHERE entry_index = NEW.tree_size - 1)) THEN
                RAISE EXCEPTION '{growth}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$
        """,
    ]


def _replace(batched: bool) -> None:
    growth = GROWTH if batched else OLD_GROWTH
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgresql(growth, batched)
    else:
        statements = [*_SQLITE_DROP, *_sqlite(growth, batched)]
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace(batched=True)


def downgrade() -> None:
    _replace(batched=False)
