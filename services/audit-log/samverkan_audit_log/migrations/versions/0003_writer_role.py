"""PostgreSQL: the role the running service uses, with SELECT and INSERT only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

``samverkan_audit_writer`` (NOLOGIN) may read and append to the log and move the
sequencer, nothing else: no UPDATE or DELETE on any log table, no TRUNCATE, no
DDL, and (not being the owner) no ``ALTER TABLE ... DISABLE TRIGGER``. Production
runs migrations as the owning role and the service as a login role that is a
member of this one::

    CREATE ROLE audit_log_service LOGIN PASSWORD '...' IN ROLE samverkan_audit_writer;
    -- AUDIT_DATABASE_URL=postgresql+psycopg://audit_log_service:...@db/samverkan

Roles belong to the whole cluster, not to one database: the upgrade creates the
role only if it is missing, and the downgrade revokes this database's grants but
leaves the role to other databases that may still use it. The log has no
sequences (indexes are assigned by the sequencer), so none are granted.
On SQLite there are no roles; this revision does nothing there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "samverkan_audit_writer"
APPEND_ONLY_TABLES = (
    "audit_entries",
    "audit_entry_legal_basis",
    "audit_entry_subjects",
    "audit_tree_nodes",
    "audit_checkpoints",
)
SEQUENCER = "audit_tree_state"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{ROLE}') THEN
                CREATE ROLE {ROLE} NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object THEN
            NULL;  -- another database's migration created it at the same moment
        END $$
        """
    )
    op.execute(f"GRANT USAGE ON SCHEMA {_schema()} TO {ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY_TABLES)} TO {ROLE}")
    # The sequencer row is not an audit record: its trigger lets it grow by one only.
    op.execute(f"GRANT SELECT, UPDATE ON {SEQUENCER} TO {ROLE}")
    op.execute(f"GRANT SELECT ON alembic_version_audit_log TO {ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    tables = ", ".join((*APPEND_ONLY_TABLES, SEQUENCER, "alembic_version_audit_log"))
    op.execute(f"REVOKE ALL ON {tables} FROM {ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA {_schema()} FROM {ROLE}")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    return f'"{name}"'
