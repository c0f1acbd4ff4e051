"""Units of work that need no BEGIN ... COMMIT on PostgreSQL: reads, and one statement."""

import threading
from collections.abc import Iterator

import anyio
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from samverkan_shared.db import (
    make_engine,
    one_statement_next,
    read_in_thread,
    read_session,
    reading_from_now_on,
    write_session,
)
from tests.support.databases import DatabaseFactory

# now() is when the transaction began: inside BEGIN ... it lags a later statement's
# own start; in autocommit each statement is its own transaction.
_IN_A_TRANSACTION = text("SELECT now() < statement_timestamp()")


@pytest.fixture
def engine(backend: str, database_factory: DatabaseFactory) -> Iterator[Engine]:
    engine = make_engine(database_factory.empty(backend), pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT NOT NULL)"))
        connection.execute(text("INSERT INTO note VALUES ('hej')"))
    yield engine
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_on_postgresql_each_read_is_its_own_transaction(engine: Engine) -> None:
    with read_session(engine) as session:
        session.execute(text("SELECT pg_sleep(0.02)"))
        assert session.execute(_IN_A_TRANSACTION).scalar_one() is False
    # The pooled connection (pool_size=1: the same one) is handed out
    # transactional again: writers keep their BEGIN ... COMMIT.
    with Session(engine) as session:
        session.execute(text("SELECT pg_sleep(0.02)"))
        assert session.execute(_IN_A_TRANSACTION).scalar_one() is True
        session.execute(text("INSERT INTO note VALUES ('då')"))
        session.rollback()
    with read_session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM note")).scalar_one() == 1


def test_read_in_thread_reads_on_a_worker_thread(engine: Engine) -> None:
    seen: list[str] = []

    def read(session: Session) -> str:
        seen.append(threading.current_thread().name)
        return str(session.execute(text("SELECT body FROM note")).scalar_one())

    assert anyio.run(read_in_thread, engine, read) == "hej"
    assert len(seen) == 1
    assert seen[0] != threading.main_thread().name


def _count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM note")).scalar_one())


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_one_statement_is_durable_when_it_returns_then_units_are_transactions(
    engine: Engine,
) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with write_session(engine) as session:
            one_statement_next(session)
            session.execute(text("INSERT INTO note VALUES ('ett')"))
            assert _count(other) == 2  # seen elsewhere before any COMMIT
            session.commit()
            # The next unit is a transaction again: its write waits for COMMIT.
            session.execute(text("INSERT INTO note VALUES ('två')"))
            assert _count(other) == 2
            session.rollback()
            reading_from_now_on(session)
            session.execute(text("SELECT pg_sleep(0.02)"))
            assert session.execute(_IN_A_TRANSACTION).scalar_one() is False
        assert _count(other) == 2
    finally:
        other.dispose()


def test_the_next_unit_is_chosen_between_units_only(engine: Engine) -> None:
    # Inside a transaction SQLAlchemy would ignore the choice with a mere warning.
    with write_session(engine) as session:
        session.execute(text("SELECT 1"))
        for choose in (one_statement_next, reading_from_now_on):
            with pytest.raises(RuntimeError, match="between units of work"):
                choose(session)
        session.commit()
        one_statement_next(session)
        session.execute(text("INSERT INTO note VALUES ('tre')"))
        session.commit()
    assert _count(engine) == 2
