"""Every service's migrations run forward and back on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from samverkan_shared.db import migrate
from samverkan_shared.service_spec import discover_services
from tests.support.databases import DatabaseFactory

SERVICES = {spec.name: spec for spec in discover_services()}
# The services with a database (the console keeps none).
PACKAGES = {
    "tips": "samverkan_tips",
    "sharing": "samverkan_sharing",
    "audit-log": "samverkan_audit_log",
    "witness": "samverkan_witness",
}


def test_every_service_is_discovered() -> None:
    assert sorted(SERVICES) == ["audit-log", "console", "sharing", "tips", "witness"]
    names = ("tips", "sharing", "audit-log", "console", "witness")
    assert [SERVICES[n].default_port for n in names] == [8001, 8002, 8003, 8004, 8005]


@pytest.mark.parametrize("service", sorted(PACKAGES))
def test_migrations_upgrade_and_downgrade(
    service: str, backend: str, database_factory: DatabaseFactory
) -> None:
    url = database_factory.empty(backend)
    package = PACKAGES[service]
    migrate(url, package)
    engine = create_engine(url, poolclass=NullPool)
    version_table = f"alembic_version_{service.replace('-', '_')}"
    tables = set(inspect(engine).get_table_names())
    assert version_table in tables
    engine.dispose()
    migrate(url, package, revision="base", downgrade=True)
    engine = create_engine(url, poolclass=NullPool)
    assert set(inspect(engine).get_table_names()) <= {version_table}
    engine.dispose()
