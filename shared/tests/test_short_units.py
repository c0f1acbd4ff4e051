"""Units of work: reads and single statements need no BEGIN ... COMMIT on PostgreSQL,
and each refuses what would break its contract."""

import threading
from collections.abc import Iterator

import anyio
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlmodel import Session

from samverkan_shared.db import make_engine
from samverkan_shared.sessions import (
    insert_alone,
    read_on_thread,
    reading_session,
    reading_unit,
    update_alone,
    writing_session,
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
    with reading_session(engine) as session:
        session.execute(text("SELECT pg_sleep(0.02)"))
        assert session.execute(_IN_A_TRANSACTION).scalar_one() is False
    # The pooled connection (pool_size=1: the same one) is handed out
    # transactional again: writers keep their BEGIN ... COMMIT.
    with Session(engine) as session:
        session.execute(text("SELECT pg_sleep(0.02)"))
        assert session.execute(_IN_A_TRANSACTION).scalar_one() is True
        session.execute(text("INSERT INTO note VALUES ('då')"))
        session.rollback()
    with reading_session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM note")).scalar_one() == 1


def test_read_in_thread_reads_on_a_worker_thread(engine: Engine) -> None:
    seen: list[str] = []

    def read(session: Session) -> str:
        seen.append(threading.current_thread().name)
        return str(session.execute(text("SELECT body FROM note")).scalar_one())

    assert anyio.run(read_on_thread, engine, read) == "hej"
    assert len(seen) == 1
    assert seen[0] != threading.main_thread().name


def _count(engine: Engine) -> int:
    with reading_session(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM note")).scalar_one())


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "note"
    body: Mapped[str] = mapped_column(primary_key=True)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_one_statement_is_durable_when_it_returns_then_units_are_transactions(
    engine: Engine,
) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with writing_session(engine) as session:
            insert_alone(session, _Note(body="ett"))
            assert _count(other) == 2  # committed when it returned
            # The next unit is a transaction again: its write waits for COMMIT.
            session.execute(text("INSERT INTO note VALUES ('två')"))
            assert _count(other) == 2
            session.rollback()
            with reading_unit(session):
                session.execute(text("SELECT pg_sleep(0.02)"))
                assert session.execute(_IN_A_TRANSACTION).scalar_one() is False
        assert _count(other) == 2
    finally:
        other.dispose()


def test_a_unit_of_one_statement_refuses_a_second_row(engine: Engine) -> None:
    with writing_session(engine) as session:
        first = _Note(body="ett")
        insert_alone(session, first)
        session.add(_Note(body="två"))  # a change pending: the unit is not alone
        with pytest.raises(RuntimeError, match="between units of work"):
            update_alone(session, first, body="tre")
        session.rollback()
    assert _count(engine) == 2  # the first alone, unchanged
    with reading_session(engine) as session:
        assert session.get(_Note, "ett") is not None


def test_a_reading_unit_refuses_a_write_and_keeps_what_it_read(engine: Engine) -> None:
    with writing_session(engine, expire_on_commit=False) as session:
        with reading_unit(session):
            note = session.get(_Note, "hej")
        assert note is not None
        assert note.body == "hej"  # loaded, not expired by the unit's end
        with pytest.raises(RuntimeError, match="does not write"):
            _read_and_flush(session, _Note(body="ett"))
        assert not session.in_transaction()
    assert _count(engine) == 1


def _read_and_flush(session: Session, *new: _Note) -> None:
    with reading_unit(session):
        session.add_all(new)
        session.flush()


def test_the_next_unit_is_chosen_between_units_only(engine: Engine) -> None:
    # Inside a transaction SQLAlchemy would ignore the choice with a mere warning.
    with writing_session(engine) as session:
        session.execute(text("SELECT 1"))
        with pytest.raises(RuntimeError, match="between units of work"):
            insert_alone(session, _Note(body="ett"))
        session.rollback()
        session.execute(text("SELECT 1"))
        with pytest.raises(RuntimeError, match="between units of work"):
            _read_and_flush(session)
        session.commit()
        insert_alone(session, _Note(body="tre"))
    assert _count(engine) == 2
