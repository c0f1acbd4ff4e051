"""PostgreSQL connections are pinged when they come back from idling, not at every use."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from samverkan_shared.db import make_engine
from tests.support.databases import DatabaseFactory, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(database_factory: DatabaseFactory) -> str:
    return database_factory.empty("postgresql")


def _engine(url: str, ping_after_idle: float) -> tuple[Engine, list[int]]:
    """The engine and a list that grows by one at each ping."""
    engine = make_engine(url, ping_after_idle=ping_after_idle, pool_size=1)
    pings: list[int] = []
    do_ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return do_ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return engine, pings


@pytest.fixture
def admin() -> Iterator[Engine]:
    engine = create_engine(require_postgres(), poolclass=NullPool)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(admin: Engine, pid: int) -> None:
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_in_steady_use_is_not_pinged(database_url: str) -> None:
    engine, pings = _engine(database_url, ping_after_idle=3600)
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []
    finally:
        engine.dispose()


def test_a_dead_connection_back_from_idling_is_replaced_unseen(
    database_url: str, admin: Engine
) -> None:
    # Idle for "0 s or longer" counts as idle: every reuse pings.
    engine, pings = _engine(database_url, ping_after_idle=0.0)
    try:
        first = _backend_pid(engine)  # a new connection: not pinged
        assert pings == []
        _terminate(admin, first)  # the server restarts, say, while the pool idles
        second = _backend_pid(engine)  # no error: the ping found it dead
        assert second != first
        assert len(pings) == 1
    finally:
        engine.dispose()


def test_without_the_ping_a_dead_connection_fails_once_then_the_pool_recovers(
    database_url: str, admin: Engine
) -> None:
    # Why the idle window is short: a connection reused within it is not checked.
    engine, pings = _engine(database_url, ping_after_idle=3600)
    try:
        first = _backend_pid(engine)
        _terminate(admin, first)
        with pytest.raises(OperationalError):
            _backend_pid(engine)
        assert _backend_pid(engine) != first  # the disconnect discarded the pool
        assert pings == []
    finally:
        engine.dispose()
