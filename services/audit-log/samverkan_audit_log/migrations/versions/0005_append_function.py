"""PostgreSQL: a batch's rows written by one function call.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

``audit_append_batch`` inserts a batch's entries, moves the sequencer, and inserts
the side rows, the completed subtrees and the batch's checkpoint: one statement
for the service instead of six, each a parse, a plan and a round of driver work
per batch, and one Bind/Execute per row in the server. It adds no rule and
bypasses none: it runs with the caller's rights (SECURITY INVOKER), so the writer
role's grants apply, and every trigger of 0002 and 0004 fires on its rows as on
any other INSERT or UPDATE. Indexes and hashes
are computed by the service (``samverkan_audit_log.merkle``); the database checks
order and growth, as before. On SQLite this revision does nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"
SIGNATURE = "audit_append_batch(jsonb, jsonb, jsonb, jsonb, bytea, text, timestamptz)"

# The rows arrive as JSON arrays of arrays (bytes in hex): the driver's binary
# array dumping, in Python, cost more CPU than the rest of a batch. ORDER BY the
# ordinality: the order trigger sees the entries in index order.
FUNCTION = """
CREATE FUNCTION audit_append_batch(
    entries jsonb, bases jsonb, subjects jsonb, nodes jsonb,
    root_hash bytea, note text, appended timestamptz
) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
    new_size bigint;
BEGIN
    -- The sequencer first, as every append takes its locks: a batch written at a
    -- predicted size (without the service's own SELECT ... FOR UPDATE) must not
    -- hold an entry row while it waits for the sequencer (a deadlock).
    PERFORM 1 FROM audit_tree_state WHERE id = 1 FOR UPDATE;
    INSERT INTO audit_entries (entry_index, leaf, leaf_hash, event, decision_id,
        occurred_at, recipient_code, legal_basis, partner_reference, appended_at)
    SELECT (e->>0)::bigint, decode(e->>1, 'hex'), decode(e->>2, 'hex'), e->>3,
           e->>4, (e->>5)::timestamptz, e->>6, (e->7)::json, e->>8, appended
    FROM jsonb_array_elements(entries) WITH ORDINALITY AS t(e, n)
    ORDER BY n;
    new_size := (entries->(jsonb_array_length(entries) - 1)->>0)::bigint + 1;
    UPDATE audit_tree_state SET tree_size = new_size WHERE id = 1;
    INSERT INTO audit_entry_legal_basis (basis, entry_index)
    SELECT b->>0, (b->>1)::bigint FROM jsonb_array_elements(bases) AS t(b);
    INSERT INTO audit_entry_subjects (subject, entry_index)
    SELECT s->>0, (s->>1)::bigint FROM jsonb_array_elements(subjects) AS t(s);
    INSERT INTO audit_tree_nodes (level, node_index, hash)
    SELECT (x->>0)::smallint, (x->>1)::bigint, decode(x->>2, 'hex')
    FROM jsonb_array_elements(nodes) AS t(x);
    INSERT INTO audit_checkpoints (tree_size, root_hash, note, issued_at)
    VALUES (new_size, root_hash, note, appended);
    RETURN new_size;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION {SIGNATURE}")
