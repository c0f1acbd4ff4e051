"""Alembic environment of the tips service: its own metadata and version table."""

from alembic import context

import samverkan_tips.models as models
from samverkan_shared.db import run_migrations_online

run_migrations_online(
    context.config, models.TipsTable.metadata, version_table="alembic_version_tips"
)
