"""Fresh databases for tests: SQLite files, PostgreSQL databases cloned from a template."""

import os
import secrets
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_admin_url() -> str | None:
    """TEST_DATABASE_URL, or the local server if one answers on 127.0.0.1:5432."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    parts = urlsplit(DEFAULT_POSTGRES)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 5432), 1):
            return DEFAULT_POSTGRES
    except OSError:
        return None


def require_postgres() -> str:
    url = postgres_admin_url()
    if url is None:
        reason = (
            "PostgreSQL not reachable: set TEST_DATABASE_URL or start a server on "
            "127.0.0.1:5432"
        )
        if os.environ.get("SAMVERKAN_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


class DatabaseFactory:
    """Migrates each schema once into a template, then hands out copies of it."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._templates: dict[tuple[str, str], str] = {}
        self._created: list[str] = []

    def new(self, backend: str, key: str, migrate: Callable[[str], None]) -> str:
        template = self._templates.get((backend, key))
        if template is None:
            template = self._fresh(backend)
            migrate(template)
            self._templates[(backend, key)] = template
        return self._clone(backend, template)

    def empty(self, backend: str) -> str:
        return self._fresh(backend)

    def _fresh(self, backend: str) -> str:
        name = f"samverkan_test_{secrets.token_hex(6)}"
        if backend == "sqlite":
            return f"sqlite:///{self._workdir / name}.db"
        admin = require_postgres()
        _execute(admin, f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return make_url(admin).set(database=name).render_as_string(hide_password=False)

    def _clone(self, backend: str, template: str) -> str:
        if backend == "sqlite":
            target = self._workdir / f"samverkan_test_{secrets.token_hex(6)}.db"
            shutil.copyfile(make_url(template).database or "", target)
            return f"sqlite:///{target}"
        admin = require_postgres()
        name = f"samverkan_test_{secrets.token_hex(6)}"
        source = make_url(template).database
        _execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self._created.append(name)
        return make_url(admin).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        admin = postgres_admin_url()
        if admin is None:
            return
        for name in reversed(self._created):
            _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _execute(admin_url: str, statement: str) -> None:
    engine = create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def database_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over SQLite and PostgreSQL."""
    return str(request.param)
