"""No row replaced, no index row forged, no trigger switched off (issue #16).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Three holes of the append-only rules of 0002-0005, closed in the database:

* **REPLACE on SQLite.** ``REPLACE`` / ``INSERT OR REPLACE`` (and ``UPDATE OR
  REPLACE``'s implicit delete) remove the conflicting row without firing a DELETE
  trigger unless the connection turned ``recursive_triggers`` on, which an
  attacker's does not. Every log table now refuses an INSERT whose key (primary
  key, a unique key, or the hidden ``rowid``) is taken: the insert is refused
  before the implicit delete could happen. PostgreSQL has no REPLACE; its
  ``ON CONFLICT DO UPDATE`` and ``MERGE`` fire the UPDATE/DELETE triggers of 0002.
* **Forged index rows.** The subject and legal-basis tables are what look-ups
  read, and no verifier reads them. They are now derived by the database from
  the leaf of each inserted entry (an AFTER INSERT trigger), and any row written
  to them must match the leaf of the entry it names (a BEFORE INSERT trigger):
  the derived rows are all there are, a forged one is refused, a matching one
  already exists. ``audit_append_batch`` keeps its signature (a running older
  service may call it during the rollout) and ignores its ``bases`` and
  ``subjects`` arguments. An index on ``entry_index`` lets the verifier read
  them in log order (``/v1/export/indexes``).
* **Switched-off triggers on PostgreSQL.** ``session_replication_role = replica``
  skips ordinary triggers. Every trigger of the log is made ``ENABLE ALWAYS``,
  so it fires in every replication role; and the upgrade refuses to run while
  ``samverkan_audit_writer`` could switch triggers off itself: if it owns a log
  table (or holds the owner's rights), is a superuser, or may set
  ``session_replication_role``.

On SQLite whoever has the file can still drop the triggers; the verifier
(``samverkan audit verify``) is the check that does not depend on them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"
REFUSAL = "audit log is append-only"
MISMATCH = "an index row must match the leaf of its entry"
# table -> the column sets whose conflict REPLACE would resolve by deleting a row
# (besides the rowid). A taken entry_index is refused by audit_entries_in_order.
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "audit_entries": (("decision_id", "event"),),
    "audit_entry_legal_basis": (("basis", "entry_index"),),
    "audit_entry_subjects": (("subject", "entry_index"),),
    "audit_tree_nodes": (("level", "node_index"),),
    "audit_checkpoints": (("tree_size",),),
    "audit_tree_state": ((),),  # one row: any second insert would replace it
}
# index table -> (its value column, the leaf's array it is derived from)
INDEXES = {
    "audit_entry_legal_basis": ("basis", "legal_basis"),
    "audit_entry_subjects": ("subject", "subjects"),
}


def _sqlite_no_replace(table: str, keys: tuple[tuple[str, ...], ...]) -> str:
    conflicts = ["rowid = NEW.rowid"]  # NEW.rowid is -1 unless given explicitly
    for key in keys:
        if key:
            conflicts.append(" AND ".join(f"{column} = NEW.{column}" for column in key))
        else:
            conflicts.append("1")
    where = " OR ".join(f"({conflict})" for conflict in conflicts)
    return (
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {where}) "  # noqa: S608
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: a row with this key exists'); END"
    )


def _sqlite_leaf_array(leaf: str, array: str) -> str:
    """The leaf's array as rows of json_each (none unless it is an array).

    CAST: a BLOB argument would be read as SQLite's binary JSONB (3.45+).
    """
    return (
        f"json_each(CAST({leaf} AS TEXT), '$.{array}') "
        f"WHERE json_type(CAST({leaf} AS TEXT), '$.{array}') = 'array'"
    )


def _sqlite_indexes() -> list[str]:
    derive = []
    checks = []
    for table, (column, array) in INDEXES.items():
        derive.append(
            f"INSERT INTO {table} ({column}, entry_index) "  # noqa: S608
            f"SELECT DISTINCT value, NEW.entry_index FROM "
            f"{_sqlite_leaf_array('NEW.leaf', array)};"
        )
        checks.append(
            f"CREATE TRIGGER {table}_matches_entry BEFORE INSERT ON {table} "
            f"WHEN NOT EXISTS (SELECT 1 FROM audit_entries AS e, "  # noqa: S608
            f"{_sqlite_leaf_array('e.leaf', array)} "
            f"AND e.entry_index = NEW.entry_index AND value = NEW.{column}) "
            f"BEGIN SELECT RAISE(ABORT, '{MISMATCH}'); END"
        )
    return [
        *checks,
        "CREATE TRIGGER audit_entries_indexed AFTER INSERT ON audit_entries "
        f"BEGIN {' '.join(derive)} END",
    ]


def _side_table_indexes() -> list[str]:
    return [
        f"CREATE INDEX ix_{table}_entry_index ON {table} (entry_index)"
        for table in INDEXES
    ]


_POSTGRESQL_FUNCTIONS = [
    # json, not jsonb: only the two arrays are read, and json does not refuse
    # escapes (\\u0000) that the rest of a leaf might hold.
    """
    CREATE FUNCTION audit_entry_indexed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        document json := convert_from(NEW.leaf, 'UTF8')::json;
    BEGIN
        INSERT INTO audit_entry_legal_basis (basis, entry_index)
        SELECT DISTINCT value, NEW.entry_index
        FROM json_array_elements_text(audit_leaf_array(document, 'legal_basis'));
        INSERT INTO audit_entry_subjects (subject, entry_index)
        SELECT DISTINCT value, NEW.entry_index
        FROM json_array_elements_text(audit_leaf_array(document, 'subjects'));
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION audit_index_matches_entry() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        leaf bytea;
    BEGIN
        SELECT e.leaf INTO leaf FROM audit_entries AS e
        WHERE e.entry_index = NEW.entry_index;
        IF leaf IS NULL OR NOT EXISTS (
                SELECT 1 FROM json_array_elements_text(audit_leaf_array(
                    convert_from(leaf, 'UTF8')::json, TG_ARGV[1]))
                WHERE value = to_jsonb(NEW) ->> TG_ARGV[0]) THEN
            RAISE EXCEPTION '{MISMATCH}: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
]
_LEAF_ARRAY = """
CREATE FUNCTION audit_leaf_array(document json, name text) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN json_typeof(document -> name) = 'array'
                THEN document -> name ELSE '[]'::json END
$$
"""


def _postgresql_indexes() -> list[str]:
    statements = [_LEAF_ARRAY, *_POSTGRESQL_FUNCTIONS]
    for table, (column, array) in INDEXES.items():
        statements.append(
            f"CREATE TRIGGER {table}_matches_entry BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_index_matches_entry('{column}', '{array}')"
        )
    statements.append(
        "CREATE TRIGGER audit_entries_indexed AFTER INSERT ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_indexed()"
    )
    return statements


_SIDE_ROWS = """
    INSERT INTO audit_entry_legal_basis (basis, entry_index)
    SELECT b->>0, (b->>1)::bigint FROM jsonb_array_elements(bases) AS t(b);
    INSERT INTO audit_entry_subjects (subject, entry_index)
    SELECT s->>0, (s->>1)::bigint FROM jsonb_array_elements(subjects) AS t(s);"""
_IGNORED = """
    -- bases and subjects are ignored (migration 0006): the trigger
    -- audit_entries_indexed derives those rows from each leaf."""


def _append_batch(side_rows: str) -> str:
    """0005's function; from 0006 on without the side rows (``_IGNORED``)."""
    return f"""
CREATE OR REPLACE FUNCTION audit_append_batch(
    entries jsonb, bases jsonb, subjects jsonb, nodes jsonb,
    root_hash bytea, note text, appended timestamptz
) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
    new_size bigint;
BEGIN
    PERFORM 1 FROM audit_tree_state WHERE id = 1 FOR UPDATE;
    INSERT INTO audit_entries (entry_index, leaf, leaf_hash, event, decision_id,
        occurred_at, recipient_code, legal_basis, partner_reference, appended_at)
    SELECT (e->>0)::bigint, decode(e->>1, 'hex'), decode(e->>2, 'hex'), e->>3,
           e->>4, (e->>5)::timestamptz, e->>6, (e->7)::json, e->>8, appended
    FROM jsonb_array_elements(entries) WITH ORDINALITY AS t(e, n)
    ORDER BY n;
    new_size := (entries->(jsonb_array_length(entries) - 1)->>0)::bigint + 1;
    UPDATE audit_tree_state SET tree_size = new_size WHERE id = 1;{side_rows}
    INSERT INTO audit_tree_nodes (level, node_index, hash)
    SELECT (x->>0)::smallint, (x->>1)::bigint, decode(x->>2, 'hex')
    FROM jsonb_array_elements(nodes) AS t(x);
    INSERT INTO audit_checkpoints (tree_size, root_hash, note, issued_at)
    VALUES (new_size, root_hash, note, appended);
    RETURN new_size;
END $$
"""


_TABLES = ", ".join(f"'{table}'" for table in KEYS)


def _enable_triggers(mode: str) -> str:
    """Every (non-internal) trigger of the log: ``ENABLE ALWAYS`` or plain ``ENABLE``."""
    return f"""
    DO $$
    DECLARE
        found record;
    BEGIN
        FOR found IN
            SELECT c.relname AS tablename, t.tgname AS triggername
            FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relname IN ({_TABLES})
              AND c.relnamespace = current_schema()::regnamespace
        LOOP
            EXECUTE format('ALTER TABLE %I ENABLE {mode} TRIGGER %I',
                           found.tablename, found.triggername);
        END LOOP;
    END $$
    """


# The writer must not be able to switch the triggers off: not by owning a table
# (ALTER TABLE ... DISABLE TRIGGER), nor by session_replication_role.
_WRITER_CANNOT_DISABLE = f"""
DO $$
DECLARE
    owner_rights text;
BEGIN
    SELECT string_agg(c.relname, ', ') INTO owner_rights
    FROM pg_class AS c
    WHERE c.relname IN ({_TABLES})
      AND c.relnamespace = current_schema()::regnamespace
      AND pg_has_role('{ROLE}', c.relowner, 'USAGE');
    IF owner_rights IS NOT NULL THEN
        RAISE EXCEPTION '{ROLE} holds the owner''s rights on %; it could disable '
            'the append-only triggers: migrate as another role', owner_rights;
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = '{ROLE}') THEN
        RAISE EXCEPTION '{ROLE} is a superuser; it must not be';
    END IF;
    IF current_setting('server_version_num')::int >= 150000
            AND has_parameter_privilege('{ROLE}', 'session_replication_role', 'SET') THEN
        RAISE EXCEPTION '{ROLE} may set session_replication_role: REVOKE SET ON '
            'PARAMETER session_replication_role FROM {ROLE}';
    END IF;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        statements = [
            _WRITER_CANNOT_DISABLE,
            *_side_table_indexes(),
            *_postgresql_indexes(),
            _append_batch(_IGNORED),
            _enable_triggers("ALWAYS"),
        ]
    else:
        statements = [
            *_side_table_indexes(),
            *_sqlite_indexes(),
            *(_sqlite_no_replace(table, keys) for table, keys in KEYS.items()),
        ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(_enable_triggers(""))
    triggers = [(table, f"{table}_matches_entry") for table in INDEXES]
    triggers.append(("audit_entries", "audit_entries_indexed"))
    if not postgresql:
        triggers += [(table, f"{table}_no_replace") for table in KEYS]
    for table, trigger in triggers:
        op.execute(f"DROP TRIGGER {trigger}" + (f" ON {table}" if postgresql else ""))
    for table in INDEXES:
        op.execute(f"DROP INDEX ix_{table}_entry_index")
    if postgresql:
        for function in ("audit_entry_indexed", "audit_index_matches_entry"):
            op.execute(f"DROP FUNCTION {function}()")
        op.execute("DROP FUNCTION audit_leaf_array(json, text)")
        op.execute(_append_batch(_SIDE_ROWS))
