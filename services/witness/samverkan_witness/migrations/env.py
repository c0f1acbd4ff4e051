"""Alembic environment of the witness: its own metadata and version table."""

from alembic import context

import samverkan_witness.cosigning.models
import samverkan_witness.forks.models  # noqa: F401
from samverkan_shared.db import run_migrations_online
from samverkan_witness import models

run_migrations_online(
    context.config,
    models.WitnessTable.metadata,
    version_table="alembic_version_witness",
)
