"""Alembic environment of the sharing service: its own metadata and version table."""

from alembic import context

import samverkan_sharing.models as models
from samverkan_shared.db import run_migrations_online

run_migrations_online(
    context.config,
    models.SharingTable.metadata,
    version_table="alembic_version_sharing",
)
