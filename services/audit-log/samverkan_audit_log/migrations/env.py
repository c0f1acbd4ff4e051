"""Alembic environment of the audit-log service: its own metadata and version table."""

from alembic import context

import samverkan_audit_log.checkpoints.models
import samverkan_audit_log.entries.models
import samverkan_audit_log.tree.models
import samverkan_audit_log.witnessing.models  # noqa: F401
from samverkan_audit_log import models
from samverkan_shared.db import run_migrations_online

run_migrations_online(
    context.config,
    models.AuditLogTable.metadata,
    version_table="alembic_version_audit_log",
)
