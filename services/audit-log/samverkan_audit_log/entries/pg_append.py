"""The append transaction on PostgreSQL, straight on the driver: one or two round trips.

Through the ORM session a batch cost about ten round trips (pool ping, BEGIN, the
sequencer lock, the decision lookup, one executemany per table, the checkpoint,
COMMIT), each with SQLAlchemy's per-statement work, and one Bind/Execute per row
in PostgreSQL: together about as much CPU per entry as the HTTP request itself.
Here the writer thread keeps one connection of its own and a batch is either

* predicted (``commit_predicted``): written at the size this process's last commit
  left, one call of ``audit_append_batch`` (migration 0005, the rows as jsonb)
  pipelined with COMMIT, one round trip; or
* locked: the sequencer lock and the lookup of the batch's decisions, pipelined,
  then that call pipelined with COMMIT, two round trips.

The guarantees are the database's, as on every path: the triggers accept an entry
only right after the last one and let the sequencer grow only onto entries that
exist, and the sequencer row's lock (taken first, by the service or by the
function) serialises every process's appends. Errors surface as SQLAlchemy's
exception classes, so the service answers a lost database with the same 503 as
everywhere else.
"""

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import PoolProxiedConnection

from samverkan_audit_log.checkpoints.repository import IssuedCheckpoint, NewCheckpoint
from samverkan_audit_log.entries.repository import (
    LoggedEntry,
    NewEntry,
    logged_decisions,
)
from samverkan_audit_log.merkle import StoredNode

__all__ = ["PgAppendStore", "PgAppendStores"]

_LOCK = "SELECT tree_size FROM audit_tree_state WHERE id = 1 FOR UPDATE"
_FIND = (
    "SELECT decision_id, event, entry_index, leaf, leaf_hash FROM audit_entries "
    "WHERE decision_id = ANY(%b)"
)
# Migration 0005: the batch's rows in one call, as JSON (see there); since 0006
# the database derives the legal-basis and subject rows from the leaves (and the
# tip rows since 0007).
_WRITE = (
    "SELECT audit_append_batch(%s::jsonb, %s::jsonb, %s::jsonb, %s::jsonb, %s, %s, %s)"
)
_NODE_HASHES = (
    "SELECT level, node_index, hash FROM audit_tree_nodes "
    "WHERE (level, node_index) IN (SELECT * FROM unnest(%b::smallint[], %b::bigint[]))"
)
_COVERING = (
    "SELECT tree_size, note FROM audit_checkpoints WHERE tree_size > %s "
    "ORDER BY tree_size LIMIT 1"
)


@contextmanager
def _translated(statement: str) -> Iterator[None]:
    """psycopg's errors as SQLAlchemy's, which the service already maps (503, ...)."""
    try:
        yield
    except psycopg.OperationalError as error:
        raise sa_exc.OperationalError(statement, None, error) from error
    except psycopg.IntegrityError as error:
        raise sa_exc.IntegrityError(statement, None, error) from error
    except psycopg.Error as error:
        raise sa_exc.DBAPIError(statement, None, error) from error


class PgAppendStore:
    """One append transaction on the writer's connection (see the module)."""

    def __init__(self, stores: "PgAppendStores") -> None:
        self._stores = stores
        self._connection, self._reused = stores.connection()
        self._cursor = self._connection.cursor(binary=True)
        self._batch: list[Any] | None = None
        self._committed = False

    def lock_and_find(
        self, keys: Iterable[tuple[str, str]]
    ) -> tuple[int, dict[tuple[str, str], LoggedEntry]]:
        wanted = set(keys)
        try:
            with _translated(_LOCK):
                return self._lock_and_find(wanted)
        except sa_exc.OperationalError:
            if not self._reused:
                raise
        # A kept connection found dead in the first round trip, which writes
        # nothing (the database restarted): once more on a new connection.
        self._reconnect()
        with _translated(_LOCK):
            return self._lock_and_find(wanted)

    def _reconnect(self) -> None:
        self._stores.release()
        self._connection, self._reused = self._stores.connection()
        self._cursor = self._connection.cursor(binary=True)

    def _lock_and_find(
        self, wanted: set[tuple[str, str]]
    ) -> tuple[int, dict[tuple[str, str], LoggedEntry]]:
        finder = self._connection.cursor(binary=True)
        with self._connection.pipeline():
            self._cursor.execute(_LOCK)
            finder.execute(_FIND, [sorted({key[0] for key in wanted})])
            row = self._cursor.fetchone()
            rows = finder.fetchall()
        if row is None:
            raise psycopg.DataError("the sequencer row is missing")
        return int(row[0]), logged_decisions(rows, wanted)

    def node_hashes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        levels = [level for level, _ in wanted]
        indexes = [index for _, index in wanted]
        with _translated(_NODE_HASHES):
            self._cursor.execute(_NODE_HASHES, [levels, indexes])
            rows = self._cursor.fetchall()
        return {(int(level), int(index)): bytes(h) for level, index, h in rows}

    def checkpoint_covering(self, index: int) -> IssuedCheckpoint | None:
        with _translated(_COVERING):
            self._cursor.execute(_COVERING, [index])
            row = self._cursor.fetchone()
        return None if row is None else IssuedCheckpoint(int(row[0]), str(row[1]))

    def write(
        self,
        entries: Sequence[NewEntry],
        nodes: Sequence[StoredNode],
        checkpoint: NewCheckpoint,
    ) -> None:
        if entries:
            self._batch = _write_parameters(entries, nodes, checkpoint)

    def commit_predicted(self) -> bool:
        """The buffered batch and COMMIT without the lock round trip before them.

        False, with the transaction rolled back, when the database refuses the rows
        (another process appended, or a decision is logged already): the caller
        then takes the locked path. ``audit_append_batch`` moves the sequencer and
        so takes its row lock; the triggers check the order as always.
        """
        try:
            with self._connection.pipeline():
                if self._batch is not None:
                    self._cursor.execute(_WRITE, self._batch)
                self._connection.commit()
        except psycopg.IntegrityError:
            self._batch = None
            with _translated("ROLLBACK"):
                self._connection.rollback()
            return False
        except psycopg.OperationalError as error:
            self._batch = None
            if not self._reused:
                with _translated(_WRITE):
                    raise error
            # A kept connection found dead (the database restarted): whether the
            # batch committed is unknown, so the locked path decides on a new
            # connection; it finds the batch's decisions if they were logged
            # (replayed, same receipts) and appends them if not.
            self._reconnect()
            return False
        except psycopg.Error as error:
            with _translated(_WRITE):
                raise error
        self._batch = None
        self._committed = True
        return True

    def commit(self) -> None:
        """The batch's rows and COMMIT, pipelined: one round trip."""
        with _translated(_WRITE), self._connection.pipeline():
            if self._batch is not None:
                self._cursor.execute(_WRITE, self._batch)
            self._connection.commit()
        self._batch = None
        self._committed = True

    def finish(self) -> None:
        """End the transaction if it was not committed: releases the sequencer lock."""
        if not self._committed:
            self._connection.rollback()


def _write_parameters(
    entries: Sequence[NewEntry], nodes: Sequence[StoredNode], checkpoint: NewCheckpoint
) -> list[Any]:
    """The arguments of ``audit_append_batch``: rows as JSON, bytes in hex."""
    rows = [
        [
            entry.index,
            entry.leaf.hex(),
            entry.leaf_hash.hex(),
            entry.event,
            entry.decision_id,
            entry.occurred_at.isoformat(),
            entry.recipient_code,
            list(entry.legal_basis),
            entry.partner_reference,
        ]
        for entry in entries
    ]
    tree = [[node.level, node.index, node.hash.hex()] for node in nodes]
    # The legal-basis and subject rows: none, the database derives them (and the
    # tip rows) from each leaf (migrations 0006 and 0007; the function ignores
    # these two arguments).
    return [
        orjson.dumps(rows).decode(),
        "[]",
        "[]",
        orjson.dumps(tree).decode(),
        checkpoint.root_hash,
        checkpoint.note,
        checkpoint.issued_at,
    ]


@dataclass
class _Held:
    proxy: PoolProxiedConnection
    connection: "psycopg.Connection[Any]"


class PgAppendStores:
    """The writer thread's connection, taken from the engine's pool and kept.

    Kept without a ping per batch: when a batch finds it dead in its first round
    trip (the database restarted), which has written nothing, the batch starts
    over once on a new connection. A connection that failed later is discarded.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._held: _Held | None = None
        self._lock = threading.Lock()

    @contextmanager
    def open(self) -> Iterator[PgAppendStore]:
        store = PgAppendStore(self)
        try:
            yield store
            store.finish()
        except BaseException:
            self._reset()
            raise

    def connection(self) -> "tuple[psycopg.Connection[Any], bool]":
        """The kept connection (and True), or a new one from the pool (and False)."""
        with self._lock:
            held = self._held
            if held is not None and not held.connection.closed:
                return held.connection, True
            proxy = self._engine.raw_connection()
            driver = proxy.driver_connection
            if not isinstance(driver, psycopg.Connection):
                proxy.close()
                raise TypeError("the PostgreSQL append path needs the psycopg driver")
            self._held = _Held(proxy, driver)
            return driver, False

    def _reset(self) -> None:
        held = self._held
        if held is None:
            return
        try:
            held.connection.rollback()
        except psycopg.Error:
            self.release()

    def release(self) -> None:
        """Give the connection back (on shutdown, or after it broke)."""
        with self._lock:
            held, self._held = self._held, None
        if held is None:
            return
        if held.connection.broken or held.connection.closed:
            held.proxy.invalidate()
        held.proxy.close()
