"""Units of work: a session for reading, one for writing, one on a worker thread.

Three kinds, named for what they do:

- ``reading_session``: a unit that only reads. Its statements run in autocommit (each
  sees what was committed when it started, as inside READ COMMITTED, without the
  BEGIN and ROLLBACK: round trips on PostgreSQL, two more statements on SQLite).
- ``writing_session``: a unit that reads and then writes. On SQLite every transaction
  takes the write lock at BEGIN (BEGIN IMMEDIATE): SQLite cannot upgrade a read
  transaction once another writer has committed. On PostgreSQL an ordinary session;
  callers serialise there with row or advisory locks.
- ``read_on_thread``: a reading session opened, used and closed on a worker thread.

Routes take ``ReadingSession``, ``WritingSession`` or (async routes) ``ReadingOnThread``.
Inside a writing session, the repositories choose the transaction mode of a unit, so
the use cases never do: ``insert_alone`` and ``update_alone`` are one statement by
construction, and ``reading_unit`` is a unit that refuses to write.
"""

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Self, TypeVar

import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from samverkan_shared.db import SQLITE_AUTOCOMMIT, SQLITE_IMMEDIATE
from samverkan_shared.service_app import running_app

__all__ = [
    "ReadingOnThread",
    "ReadingSession",
    "Repository",
    "WritingSession",
    "insert_alone",
    "read_on_thread",
    "reading_session",
    "reading_unit",
    "update_alone",
    "writing_session",
]

T = TypeVar("T")
_AUTOCOMMIT: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()
_READS_ONLY = "samverkan_reads_only"


def reading_session(engine: Engine) -> Session:
    """A session for a unit of work that only reads: its statements run in autocommit
    on both backends, each seeing what was committed when it started (as inside READ
    COMMITTED), without a BEGIN and a ROLLBACK around them."""
    autocommit = _AUTOCOMMIT.get(engine)
    if autocommit is None:
        # SQLite: the driver already runs without implicit transactions; the option
        # tells our BEGIN to stay away (SQLAlchemy's AUTOCOMMIT would reset the
        # driver's mode when the connection returns to the pool).
        options: Any = (
            {SQLITE_AUTOCOMMIT: True}
            if engine.dialect.name == "sqlite"
            else {"isolation_level": "AUTOCOMMIT"}
        )
        autocommit = engine.execution_options(**options)
        _AUTOCOMMIT[engine] = autocommit
    return Session(autocommit)


def writing_session(engine: Engine, *, expire_on_commit: bool = True) -> Session:
    """A session whose every transaction takes SQLite's write lock at BEGIN."""
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{SQLITE_IMMEDIATE: True})
    return Session(engine, expire_on_commit=expire_on_commit)


async def read_on_thread(engine: Engine, read: Callable[[Session], T]) -> T:
    """``read(session)`` on a worker thread, with a ``reading_session`` opened and
    closed there: one hop to the thread pool, where a blocking endpoint with a session
    dependency takes three (open, endpoint, close)."""

    def work() -> T:
        with reading_session(engine) as session:
            return read(session)

    return await anyio.to_thread.run_sync(work)


def _reading_for_request(request: Request) -> Iterator[Session]:
    with reading_session(running_app(request).platform.engine) as session:
        yield session


def _writing_for_request(request: Request) -> Iterator[Session]:
    # Objects stay readable after a commit, so a use case can end its transaction
    # before an outbound call and keep working with what it loaded.
    engine = running_app(request).platform.engine
    with writing_session(engine, expire_on_commit=False) as session:
        yield session


ReadingSession = Annotated[Session, Depends(_reading_for_request)]
WritingSession = Annotated[Session, Depends(_writing_for_request)]


class ThreadReader:
    """``await reader(read)``: ``read(session)`` in a reading session on a worker
    thread (``read_on_thread``), for an async route that reads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def __call__(self, read: Callable[[Session], T]) -> T:
        return await read_on_thread(self._engine, read)


# async: no I/O, so no hop to the thread pool for the dependency itself.
async def _reader_for_request(request: Request) -> ThreadReader:
    return ThreadReader(running_app(request).platform.engine)


# One hop to a thread for the whole read, where a sync route with a ReadingSession
# takes three (the session opened, the route, the session closed).
ReadingOnThread = Annotated[ThreadReader, Depends(_reader_for_request)]


# -- transaction modes, for repositories -------------------------------------------------


def insert_alone(session: Session, row: object) -> None:
    """Insert ``row`` as a unit of its own, committed: one INSERT.

    On PostgreSQL it runs in autocommit (a single statement is atomic by itself and
    durable once it returns; BEGIN and COMMIT would add two round trips). On SQLite
    the unit takes the write lock as always.
    """
    _one_statement_next(session)
    session.add(row)
    _commit_one(session, row)


def update_alone(session: Session, row: object, **values: Any) -> None:
    """Set ``values`` on ``row`` and store them as a unit of its own: one UPDATE."""
    _one_statement_next(session)
    for name, value in values.items():
        setattr(row, name, value)
    _commit_one(session, row)


@contextmanager
def reading_unit(session: Session) -> Iterator[Session]:
    """A unit of the writing ``session`` that only reads: a plain BEGIN on SQLite
    (it does not queue behind writers for the write lock), autocommit on PostgreSQL.

    A write inside it is refused, so a later edit cannot silently lose atomicity.
    The unit ends when the block is left: committed (it wrote nothing; what it
    loaded stays loaded), or rolled back on an error.
    """
    dialect = _between_units(session)
    if dialect == "sqlite":
        options: Any = {SQLITE_IMMEDIATE: False}  # ours: not in SQLAlchemy's TypedDict
        session.connection(execution_options=options)
    elif dialect == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    session.info[_READS_ONLY] = True
    try:
        yield session
    except BaseException:
        session.info.pop(_READS_ONLY, None)
        session.rollback()
        raise
    session.info.pop(_READS_ONLY, None)
    session.commit()


def _one_statement_next(session: Session) -> None:
    if _between_units(session) == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _commit_one(session: Session, row: object) -> None:
    """Commit the unit; on any failure (a unique key taken, say) it is rolled back."""
    try:
        pending = (*session.new, *session.dirty, *session.deleted)
        if others := [other for other in pending if other is not row]:
            raise RuntimeError(
                f"a unit of one statement would also write {len(others)} other row(s)"
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _between_units(session: Session) -> str:
    """The session's dialect, once sure no transaction is open: options given inside
    one would be ignored with a mere warning."""
    if session.in_transaction():
        raise RuntimeError("call this between units of work: after a commit")
    return session.get_bind().dialect.name


@event.listens_for(OrmSession, "before_flush")
def _refuse_writes_in_a_reading_unit(
    session: OrmSession, _context: object, _instances: object
) -> None:
    if session.info.get(_READS_ONLY) and (
        session.new or session.dirty or session.deleted
    ):
        raise RuntimeError("a reading unit does not write; end it before writing")


class Repository:
    """The base of every repository: the SQL of one aggregate over a session.

    Its methods choose their transaction mode where it is not the session's own:
    ``reading`` for a unit that only reads, ``insert_alone`` / ``update_alone`` for a
    unit of one statement. The use cases never do.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def reading(self) -> Iterator[Self]:
        """A unit that only reads (``reading_unit``)."""
        with reading_unit(self._session):
            yield self
