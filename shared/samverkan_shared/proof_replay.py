"""The DPoP proof ids a service has accepted, in the service's own database, so every
process and replica refuses a replayed proof (RFC 9449 §11.1).

One small table per service, the same definition in each (`replay_table`), created by
each service's migration. A row is one accepted proof: a hash of its key thumbprint and
``jti`` (never the proof) and the moment it stops being accepted anyway; rows past that
moment are deleted, so the table holds about one window of proofs.
"""

import hashlib
import threading
import time
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    delete,
    text,
    update,
)

from samverkan_shared.db import NAMING_CONVENTION, SQLITE_IMMEDIATE

__all__ = ["REPLAY_TABLE", "ReplayCache", "replay_table"]

REPLAY_TABLE = "dpop_replays"
# Expired rows are deleted by the first proof checked after this many seconds.
_PURGE_INTERVAL_SECONDS = 10.0


def replay_table(metadata: MetaData) -> Table:
    """The table on ``metadata`` (each service's own, for its migrations' checks)."""
    return Table(
        REPLAY_TABLE,
        metadata,
        # SHA-256 of thumbprint and jti: fixed width whatever the client sends.
        Column("proof_key", String(64), primary_key=True),
        # Unix seconds after which the proof is refused for its age anyway.
        Column("expires_at", BigInteger, nullable=False),
        Index(f"ix_{REPLAY_TABLE}_expires_at", "expires_at"),
    )


_TABLE = replay_table(MetaData(naming_convention=NAMING_CONVENTION))
# The same SQL on SQLite (3.35+) and PostgreSQL, compiled once: the dialects' insert
# constructs were compiled anew for every proof. RETURNING says whether the row was
# written (psycopg's rowcount does not).
_RECORD = text(
    "INSERT INTO dpop_replays (proof_key, expires_at) VALUES (:key, :expires_at) "
    "ON CONFLICT (proof_key) DO NOTHING RETURNING proof_key"
)


class ReplayCache:
    """``first_use`` records a proof and says whether it was new; one statement on
    the engine per proof, and a purge of expired rows every few seconds."""

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time):
        self._clock = clock
        # One statement per unit: autocommit on PostgreSQL, BEGIN IMMEDIATE (behind
        # this process's write gate) on SQLite.
        if engine.dialect.name == "sqlite":
            self._engine = engine.execution_options(**{SQLITE_IMMEDIATE: True})
        else:
            self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._lock = threading.Lock()
        self._next_purge = 0.0

    def first_use(self, jkt: str, jti: str, expires_at: int) -> bool:
        """Record the proof; False if a live record of it exists (a replay)."""
        with self._engine.begin() as connection:
            return self.first_use_on(connection, jkt, jti, expires_at)

    def first_use_on(
        self, connection: Connection, jkt: str, jti: str, expires_at: int
    ) -> bool:
        """``first_use`` inside the caller's transaction, which commits it: a unit that
        already holds SQLite's write lock cannot wait for a second connection's."""
        now = int(self._clock())
        key = hashlib.sha256(f"{jkt}\x00{jti}".encode()).hexdigest()
        if self._purge_due(now):
            connection.execute(delete(_TABLE).where(_TABLE.c.expires_at < now))
        params = {"key": key, "expires_at": expires_at}
        if connection.execute(_RECORD, params).first() is not None:
            return True
        # A record outlived its window and was not purged yet: not a replay.
        revived = connection.execute(
            update(_TABLE)
            .where(_TABLE.c.proof_key == key, _TABLE.c.expires_at < now)
            .values(expires_at=expires_at)
            .returning(_TABLE.c.proof_key)
        )
        return revived.first() is not None

    def purge(self) -> int:
        """Delete the records of proofs too old to be accepted; how many went."""
        now = int(self._clock())
        with self._engine.begin() as connection:
            gone = connection.execute(delete(_TABLE).where(_TABLE.c.expires_at < now))
            return int(gone.rowcount)

    def _purge_due(self, now: float) -> bool:
        with self._lock:
            if now < self._next_purge:
                return False
            self._next_purge = now + _PURGE_INTERVAL_SECONDS
            return True
