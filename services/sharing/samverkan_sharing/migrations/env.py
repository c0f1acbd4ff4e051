"""Alembic environment of the sharing service: its own metadata and version table."""

import samverkan_sharing.models as models
from alembic import context
from samverkan_shared.db import run_migrations_online

run_migrations_online(
    context.config,
    models.SharingTable.metadata,
    version_table="alembic_version_sharing",
)
