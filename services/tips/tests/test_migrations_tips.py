"""The hand-written migration builds exactly the models' schema, and goes back down."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

import samverkan_tips.agreements.models
import samverkan_tips.suppliers.models
import samverkan_tips.webhooks.models  # noqa: F401  (all tables, as env.py sees them)
from samverkan_shared.db import migrate
from samverkan_tips.tips.models import TipsTable
from tests.support.databases import DatabaseFactory


def test_upgrade_matches_the_models_and_downgrade_removes_everything(
    backend: str, database_factory: DatabaseFactory
) -> None:
    url = database_factory.empty(backend)
    migrate(url, "samverkan_tips")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff
            for diff in compare_metadata(context, TipsTable.metadata)
            if not (
                diff[0] == "remove_table" and diff[1].name == "alembic_version_tips"
            )
        ]
    assert differences == []
    migrate(url, "samverkan_tips", revision="0001", downgrade=True)
    assert set(inspect(engine).get_table_names()) == {"alembic_version_tips"}
    migrate(url, "samverkan_tips")
    assert "tips" in inspect(engine).get_table_names()
    engine.dispose()
