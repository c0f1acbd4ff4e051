"""Alembic environment of the audit-log service: its own metadata and version table."""

from alembic import context

import samverkan_audit_log.models as models
from samverkan_shared.db import run_migrations_online

run_migrations_online(
    context.config,
    models.AuditLogTable.metadata,
    version_table="alembic_version_audit_log",
)
