"""Alembic environment of the sharing service: its own metadata and version table."""

from alembic import context

import samverkan_sharing.disclosures.models
import samverkan_sharing.people.models
import samverkan_sharing.signin.models
import samverkan_sharing.tip_reports.models  # noqa: F401
from samverkan_shared.db import run_migrations_online
from samverkan_sharing.oauth.models import SharingTable

run_migrations_online(
    context.config,
    SharingTable.metadata,
    version_table="alembic_version_sharing",
)
