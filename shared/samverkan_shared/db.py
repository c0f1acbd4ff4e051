"""Database engines for SQLite and PostgreSQL, and Alembic migrations (units of work:
``samverkan_shared.sessions``)."""

import threading
import time
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import NullPool

__all__ = [
    "NAMING_CONVENTION",
    "PING_AFTER_IDLE_SECONDS",
    "SQLITE_AUTOCOMMIT",
    "SQLITE_IMMEDIATE",
    "database_is_reachable",
    "is_sqlite",
    "make_engine",
    "migrate",
    "run_migrations_online",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# An execution option: this connection's transactions begin with BEGIN IMMEDIATE.
SQLITE_IMMEDIATE = "samverkan_sqlite_immediate"
# An execution option: no BEGIN at all, each statement its own transaction (reads).
SQLITE_AUTOCOMMIT = "samverkan_sqlite_autocommit"
_GATE_HELD = "samverkan_sqlite_write_gate"
_GATE_TIMEOUT_SECONDS = 30.0
_IDLE_SINCE = "samverkan_idle_since"

# A pooled PostgreSQL connection idle this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 1.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself, so a writer can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    _SqliteWriteGate().install(engine)


class _SqliteWriteGate:
    """BEGIN IMMEDIATE behind a lock of this process's own.

    This process's writers queue on the lock and are woken the moment it is free.
    Left to SQLite, each waiter polls the file lock with sleeps growing to 100 ms, so
    under load the lock sits idle while writers sleep (filing tips at 16 concurrent
    clients: p50 11 ms, p99 1.4 s; bench/sqlite_writers.py compares the two). Other
    processes still meet the busy timeout; a gate not got within it leaves the wait to
    SQLite alone. Correctness needs only BEGIN IMMEDIATE; the gate is for the tail.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def install(self, engine: Engine) -> None:
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)
        # However a connection comes back (an error between begin and end, say), it
        # does not keep this process's writers out.
        event.listen(engine, "checkin", self._checkin)

    def _begin(self, connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(SQLITE_AUTOCOMMIT, False):
            return  # a reading session: each statement is its own transaction
        if not options.get(SQLITE_IMMEDIATE, False):
            connection.exec_driver_sql("BEGIN")
            return
        if self._lock.acquire(timeout=_GATE_TIMEOUT_SECONDS):
            connection.info[_GATE_HELD] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._open(connection.info)
            raise

    def _end(self, connection: Any) -> None:
        self._open(connection.info)

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self._open(record.info)

    def _open(self, info: dict[str, Any]) -> None:
        if info.pop(_GATE_HELD, False):
            self._lock.release()


def make_engine(
    url: str, *, ping_after_idle: float = PING_AFTER_IDLE_SECONDS, **kwargs: Any
) -> Engine:
    """An engine with the settings each backend needs; creating it does no I/O."""
    if is_sqlite(url):
        # As many kept connections as the thread pool has threads (40): beyond the
        # default five, every connection was opened anew (four PRAGMAs) and closed
        # again on return whenever more than five requests were in the database.
        if make_url(url).database not in (None, "", ":memory:"):  # a file: QueuePool
            kwargs.setdefault("pool_size", 40)
            kwargs.setdefault("max_overflow", 10)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, ping_after_idle)
    return engine


def _ping_when_idle(engine: Engine, after_seconds: float) -> None:
    """Ping a connection that sat in the pool ``after_seconds`` or longer; a dead one is
    replaced before anyone uses it.

    Instead of ``pool_pre_ping``, which pings at every checkout: a disclosure checks a
    connection out three times, and the pings were a tenth of its cost in the
    sharing service (one more round trip each, for PostgreSQL as well). A connection
    in steady use is not pinged; if the database goes away while one is in use, the
    statement fails (503), SQLAlchemy sees the disconnect and discards the whole pool,
    and the next checkout connects afresh.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # info lives as long as the DBAPI connection: a new one is not pinged.
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < after_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards the connection and checks out another (or connects).
            raise DisconnectionError(f"idle connection is dead: {error}") from error


def database_is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # readiness reports any failure as "not ready"
        return False
    return True


def migrate(
    url: str, package: str, *, revision: str = "head", downgrade: bool = False
) -> None:
    """Upgrade (or downgrade) one service's schema.

    The URL travels in `attributes`: `set_main_option` would interpolate a % in a password.
    """
    config = Config()
    config.set_main_option("script_location", str(files(package) / "migrations"))
    config.attributes["url"] = url
    if downgrade:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def run_migrations_online(
    config: Config, metadata: MetaData, *, version_table: str
) -> None:
    """The body of every service's env.py: one metadata, its own version table."""
    from alembic import context

    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("migrate() was called without a database URL")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
