"""SQLite writers of one process queue on a lock, not on SQLite's sleeping busy handler."""

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from samverkan_shared.db import make_engine
from samverkan_shared.sessions import reading_unit, writing_session


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}", pool_size=20)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    return engine


def _increment(
    engine: Engine, hold: float = 0.0, holding: threading.Event | None = None
) -> None:
    with writing_session(engine) as session:
        # Read, then write: without BEGIN IMMEDIATE this is a lost update.
        n = session.execute(text("SELECT n FROM counter")).scalar_one()
        if holding is not None:
            holding.set()
        # Not a wait for another party: holding the lock this long is what is tested.
        time.sleep(hold)
        session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        session.commit()


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(text("SELECT n FROM counter")).scalar_one())


def test_concurrent_read_then_write_units_lose_nothing(engine: Engine) -> None:
    threads = [
        threading.Thread(target=_increment, args=(engine, 0.002)) for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert _count(engine) == 16


def test_a_waiting_writer_starts_as_soon_as_the_lock_is_free(engine: Engine) -> None:
    # SQLite's own busy handler would poll with sleeps of up to 100 ms; the gate
    # wakes the next writer at the commit.
    waits: list[float] = []

    def timed() -> None:
        began = time.perf_counter()
        _increment(engine)
        waits.append(time.perf_counter() - began)

    holding = threading.Event()
    holder = threading.Thread(target=_increment, args=(engine, 0.3, holding))
    holder.start()
    assert holding.wait(30), "the holder never took the write lock"
    waiters = [threading.Thread(target=timed) for _ in range(4)]
    for thread in waiters:
        thread.start()
    for thread in [holder, *waiters]:
        thread.join(30)
    assert _count(engine) == 5
    assert max(waits) < 0.3 + 0.08, waits


def test_a_failed_unit_of_work_releases_the_lock(engine: Engine) -> None:
    def fail() -> None:
        with writing_session(engine) as session:
            session.execute(text("UPDATE counter SET n = 100"))
            raise RuntimeError("the use case failed before committing")

    with pytest.raises(RuntimeError):
        fail()
    finished = threading.Event()

    def write() -> None:
        _increment(engine)
        finished.set()

    threading.Thread(target=write).start()
    assert finished.wait(5), "the next writer is still waiting"
    assert _count(engine) == 1


def test_reads_after_the_commit_do_not_queue_behind_writers(engine: Engine) -> None:
    holding = threading.Event()
    release = threading.Event()

    def hold_the_write_lock() -> None:
        with writing_session(engine) as other:
            other.execute(text("UPDATE counter SET n = n"))
            holding.set()
            release.wait(10)
            other.commit()

    with writing_session(engine) as session:
        session.execute(text("UPDATE counter SET n = 7"))
        session.commit()
        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        assert holding.wait(5)
        began = time.perf_counter()
        with reading_unit(session):
            assert session.execute(text("SELECT n FROM counter")).scalar_one() == 7
        assert time.perf_counter() - began < 0.5
    release.set()
    holder.join(10)


def test_a_file_database_keeps_a_connection_per_pool_thread(tmp_path: Path) -> None:
    """Forty concurrent requests reuse kept connections instead of opening new ones."""
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    opened: list[object] = []
    event.listen(engine, "connect", lambda connection, record: opened.append(record))
    try:
        for _ in range(3):
            held = [engine.connect() for _ in range(40)]
            for connection in held:
                connection.close()
        assert len(opened) == 40
    finally:
        engine.dispose()


def test_an_in_memory_database_keeps_sqlalchemys_own_pool() -> None:
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
    engine.dispose()
