"""Which entries disclose which tips: the ``tip_id`` filter of ``/v1/entries`` (#17).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

An entry names the tips its disclosure was about in the leaf's ``tip_ids`` array
(the sharing service writes it from this revision on). ``audit_entry_tips`` is a
look-up index like the subject and legal-basis tables of 0006, with the same
rules: the database derives its rows from each inserted entry's leaf (an AFTER
INSERT trigger), refuses any row the leaf of its entry does not name (a BEFORE
INSERT trigger), refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE, and (SQLite)
an INSERT that would REPLACE a row; on PostgreSQL every trigger is ``ENABLE
ALWAYS`` and the writer role may only read and insert. Entries appended before
this revision have no ``tip_ids`` (the entry schema allowed none), so there is
nothing to derive for them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"
TABLE = "audit_entry_tips"
REFUSAL = "audit log is append-only"
MISMATCH = "an index row must match the leaf of its entry"


def _create_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("tip_id", sa.String(length=36), nullable=False),
        sa.Column("entry_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_index"],
            ["audit_entries.entry_index"],
            name=op.f(f"fk_{TABLE}_entry_index_audit_entries"),
        ),
        sa.PrimaryKeyConstraint("tip_id", "entry_index", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(f"ix_{TABLE}_entry_index", TABLE, ["entry_index"])


def _sqlite_tip_ids(leaf: str) -> str:
    # CAST: a BLOB argument would be read as SQLite's binary JSONB (3.45+).
    return (
        f"json_each(CAST({leaf} AS TEXT), '$.tip_ids') "
        f"WHERE json_type(CAST({leaf} AS TEXT), '$.tip_ids') = 'array'"
    )


def _sqlite() -> list[str]:
    statements = [
        f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for operation in ("UPDATE", "DELETE")
    ]
    return [
        *statements,
        f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE rowid = NEW.rowid "  # noqa: S608
        "OR (tip_id = NEW.tip_id AND entry_index = NEW.entry_index)) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: a row with this key exists'); END",
        f"CREATE TRIGGER {TABLE}_matches_entry BEFORE INSERT ON {TABLE} "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_entries AS e, "  # noqa: S608
        f"{_sqlite_tip_ids('e.leaf')} "
        "AND e.entry_index = NEW.entry_index AND value = NEW.tip_id) "
        f"BEGIN SELECT RAISE(ABORT, '{MISMATCH}'); END",
        "CREATE TRIGGER audit_entries_tips_indexed AFTER INSERT ON audit_entries "
        f"BEGIN INSERT INTO {TABLE} (tip_id, entry_index) "  # noqa: S608
        f"SELECT DISTINCT value, NEW.entry_index FROM {_sqlite_tip_ids('NEW.leaf')}; "
        "END",
    ]


# json, not jsonb: only the one array is read (see 0006's audit_entry_indexed).
_DERIVE = f"""
CREATE FUNCTION audit_entry_tips_indexed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (tip_id, entry_index)
    SELECT DISTINCT value, NEW.entry_index
    FROM json_array_elements_text(audit_leaf_array(
        convert_from(NEW.leaf, 'UTF8')::json, 'tip_ids'));
    RETURN NULL;
END $$
"""
_PG_TRIGGERS = {
    f"{TABLE}_append_only": f"BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW "
    "EXECUTE FUNCTION audit_refuse_change()",
    f"{TABLE}_no_truncate": f"BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT "
    "EXECUTE FUNCTION audit_refuse_change()",
    f"{TABLE}_matches_entry": f"BEFORE INSERT ON {TABLE} FOR EACH ROW "
    "EXECUTE FUNCTION audit_index_matches_entry('tip_id', 'tip_ids')",
}
_PG_ENTRY_TRIGGER = (
    "audit_entries_tips_indexed",
    "audit_entries",
    "AFTER INSERT ON audit_entries FOR EACH ROW "
    "EXECUTE FUNCTION audit_entry_tips_indexed()",
)


def _postgresql() -> list[str]:
    triggers = [(name, TABLE, body) for name, body in _PG_TRIGGERS.items()]
    triggers.append(_PG_ENTRY_TRIGGER)
    statements = [_DERIVE]
    for name, table, body in triggers:
        statements += [
            f"CREATE TRIGGER {name} {body}",
            # Fires in every replication role, as 0006 made the others.
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}",
        ]
    statements.append(f"GRANT SELECT, INSERT ON {TABLE} TO {ROLE}")
    return statements


def upgrade() -> None:
    _create_table()
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgresql else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    # Dropping the table drops its own triggers; the one on the entries goes first.
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "DROP TRIGGER audit_entries_tips_indexed"
        + (" ON audit_entries" if postgresql else "")
    )
    if postgresql:
        op.execute(f"REVOKE ALL ON {TABLE} FROM {ROLE}")
        op.execute("DROP FUNCTION audit_entry_tips_indexed()")
    op.drop_index(f"ix_{TABLE}_entry_index", table_name=TABLE)
    op.drop_table(TABLE)
