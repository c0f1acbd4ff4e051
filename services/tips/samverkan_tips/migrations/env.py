"""Alembic environment of the tips service: its own metadata and version table."""

from alembic import context

import samverkan_tips.agreements.models
import samverkan_tips.deadlines.models
import samverkan_tips.disclosures.models
import samverkan_tips.notes.models
import samverkan_tips.suppliers.models
import samverkan_tips.webhooks.models  # noqa: F401  (each feature registers its tables)
from samverkan_shared.db import run_migrations_online
from samverkan_tips.tips.models import TipsTable

run_migrations_online(
    context.config, TipsTable.metadata, version_table="alembic_version_tips"
)
