"""All SQL of the audit-log: the sequencer, entries, tree nodes and checkpoints."""

import functools
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, bindparam, insert, or_, update
from sqlalchemy import Select as CoreSelect
from sqlalchemy import select as sa_select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from samverkan_audit_log.merkle import StoredNode
from samverkan_audit_log.models import (
    CheckpointRecord,
    EntryLegalBasisRecord,
    EntryRecord,
    EntrySubjectRecord,
    EntryTipRecord,
    TreeNodeRecord,
    TreeStateRecord,
)
from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository

__all__ = [
    "EntryFilter",
    "IssuedCheckpoint",
    "LogRepository",
    "LoggedEntry",
    "NewCheckpoint",
    "NewEntry",
    "logged_decisions",
]


_SEQUENCER_ROW = 1
_INSERT_ENTRY = insert(table_of(EntryRecord))
_INSERT_NODE = insert(table_of(TreeNodeRecord))
_INSERT_CHECKPOINT = insert(table_of(CheckpointRecord))
_LOCK_SIZE = (
    sa_select(table_of(TreeStateRecord).c.tree_size)
    .where(table_of(TreeStateRecord).c.id == _SEQUENCER_ROW)
    .with_for_update()
)
_READ_SIZE = sa_select(table_of(TreeStateRecord).c.tree_size).where(
    table_of(TreeStateRecord).c.id == _SEQUENCER_ROW
)
_ADVANCE = (
    update(table_of(TreeStateRecord))
    .where(table_of(TreeStateRecord).c.id == _SEQUENCER_ROW)
    .values(tree_size=bindparam("new_size"))
)


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to list; ``occurred_from`` is inclusive, ``occurred_to`` exclusive."""

    recipient: str | None = None
    legal_basis: str | None = None
    subject: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    tip_id: str | None = None


@dataclass(frozen=True)
class NewEntry:
    """An entry row, ready to insert at ``index`` (its side rows: the database's)."""

    index: int
    leaf: bytes
    leaf_hash: bytes
    event: str
    decision_id: str
    occurred_at: datetime
    recipient_code: str
    legal_basis: Sequence[str]
    partner_reference: str | None
    appended_at: datetime


@dataclass(frozen=True)
class LoggedEntry:
    """What an idempotent retry needs of an entry already in the log."""

    index: int
    leaf: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class NewCheckpoint:
    """A signed checkpoint to store with the batch that reaches its size."""

    tree_size: int
    root_hash: bytes
    note: str
    issued_at: datetime


@dataclass(frozen=True)
class IssuedCheckpoint:
    """What a replayed append's receipt needs of a stored checkpoint."""

    tree_size: int
    note: str


def logged_decisions(
    rows: Iterable[Any], wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], LoggedEntry]:
    """Rows ``(decision_id, event, index, leaf, leaf_hash)`` of the wanted decisions.

    The query selects by decision id only; the event is matched here.
    """
    return {
        (decision_id, event): LoggedEntry(int(index), bytes(leaf), bytes(hashed))
        for decision_id, event, index, leaf, hashed in rows
        if (decision_id, event) in wanted
    }


class LogRepository(Repository):
    """Reads and appends; never updates a log row (the database would refuse)."""

    # --- the sequencer -------------------------------------------------------

    def lock_tree_size(self) -> int:
        """The committed tree size, locked until commit (PostgreSQL: FOR UPDATE).

        On SQLite the write session's BEGIN IMMEDIATE already holds the one write
        lock, and SQLAlchemy leaves FOR UPDATE out there.
        """
        return int(self._session.connection().execute(_LOCK_SIZE).scalar_one())

    def tree_size(self) -> int:
        # Core, not the ORM: every proof reads it, and the ORM's execution was a
        # quarter of a proof's CPU time.
        return int(self._session.connection().execute(_READ_SIZE).scalar_one())

    def lock_and_find(
        self, keys: Iterable[tuple[str, str]]
    ) -> tuple[int, dict[tuple[str, str], LoggedEntry]]:
        """The locked tree size and the logged entries of these decisions."""
        return self.lock_tree_size(), self.find_decisions(keys)

    def write(
        self,
        entries: Sequence[NewEntry],
        nodes: Iterable[StoredNode],
        checkpoint: NewCheckpoint,
    ) -> None:
        """A batch's entries (before the sequencer), completed subtrees, checkpoint."""
        self.append_entries(entries)
        self.add_nodes(nodes)
        self.add_checkpoint(
            checkpoint.tree_size,
            checkpoint.root_hash,
            checkpoint.note,
            checkpoint.issued_at,
        )

    def commit(self) -> None:
        self._session.commit()

    # --- entries -------------------------------------------------------------

    def append_entries(self, entries: Sequence[NewEntry]) -> None:
        """Insert entries at the sequencer's size and advance it past them.

        The database accepts an entry only right after the last one and lets the
        size grow only onto existing entries (migrations 0002 and 0004), and it
        derives each entry's legal-basis and subject rows from its leaf (0006):
        one executemany for the entries (one pipelined round trip on PostgreSQL)
        and one UPDATE of the sequencer.
        """
        if not entries:
            return
        # Constant Core statements with bound parameters: compiled once, cached;
        # no ORM bulk machinery per statement.
        connection = self._session.connection()
        connection.execute(_INSERT_ENTRY, [_entry_row(entry) for entry in entries])
        connection.execute(_ADVANCE, {"new_size": entries[-1].index + 1})

    def find_decisions(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], LoggedEntry]:
        """The logged entries of these ``(decision_id, event)`` pairs, in one query."""
        wanted = set(keys)
        if not wanted:
            return {}
        statement = sa_select(
            col(EntryRecord.decision_id),
            col(EntryRecord.event),
            col(EntryRecord.entry_index),
            col(EntryRecord.leaf),
            col(EntryRecord.leaf_hash),
        ).where(col(EntryRecord.decision_id).in_({key[0] for key in wanted}))
        return logged_decisions(self._session.connection().execute(statement), wanted)

    def get(self, index: int) -> EntryRecord | None:
        return self._session.get(EntryRecord, index)

    def page(
        self,
        where: EntryFilter,
        *,
        after: int | None,
        limit: int,
        below: int | None = None,
        descending: bool = False,
    ) -> list[EntryRecord]:
        """Entries matching ``where`` with index < below, by index, past ``after``
        (ascending: greater; ``descending``: smaller, newest first)."""
        statement = _ordered(select(EntryRecord), after, below, descending=descending)
        return list(self._session.exec(_filtered(statement, where).limit(limit)))

    def page_leaves(
        self,
        where: EntryFilter,
        *,
        after: int | None,
        limit: int,
        below: int | None = None,
        descending: bool = False,
    ) -> Generator[tuple[int, bytes, bytes], None, None]:
        """``(index, leaf, leaf_hash)`` of the entries ``page`` would return.

        Only the three columns the wire form needs, one row at a time: listing a
        page of the log builds no ORM objects, and holds no list of rows (the rows
        of a 5,000-entry page, alive together, had the cyclic garbage collector
        scan the server's whole heap again and again).
        """
        index = col(EntryRecord.entry_index)
        statement = select(index, col(EntryRecord.leaf), col(EntryRecord.leaf_hash))
        statement = _ordered(statement, after, below, descending=descending)
        statement = _filtered(statement, where).limit(limit)
        connection = self._session.connection()
        compiled = statement.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        plain = all(type(value) in (int, str) for value in compiled.params.values())
        direct = connection.dialect.driver in _DRIVERS
        if plain and direct and isinstance(compiled, SQLCompiler):
            yield from _driver_rows(connection, compiled)
            return
        # Core execution on the session's connection: no ORM result processing.
        with connection.execute(statement) as rows:
            for number, leaf, hashed in rows:
                yield int(number), bytes(leaf), bytes(hashed)

    def indexed(
        self, start: int, end: int
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """The legal-basis and subject rows of the entries start <= index < end.

        ``(entry_index, value)`` pairs in index order: what the look-ups read, for
        the verifier to compare with what the leaves imply.
        """
        found = []
        for table, column in (
            (table_of(EntryLegalBasisRecord), "basis"),
            (table_of(EntrySubjectRecord), "subject"),
        ):
            index = table.c.entry_index
            statement = (
                sa_select(index, table.c[column])
                .where(index >= start, index < end)
                .order_by(index)
            )
            rows = self._session.connection().execute(statement)
            found.append([(int(number), str(value)) for number, value in rows])
        return found[0], found[1]

    # --- tree nodes ----------------------------------------------------------

    def add_nodes(self, nodes: Iterable[StoredNode]) -> None:
        rows = [
            {"level": node.level, "node_index": node.index, "hash": node.hash}
            for node in nodes
        ]
        if rows:
            self._session.connection().execute(_INSERT_NODE, rows)

    def node_hashes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        """The hashes of the perfect subtrees ``(level, node_index)``, in one query."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        parameters: dict[str, int] = {}
        for number, (level, index) in enumerate(wanted):
            parameters[f"level_{number}"] = level
            parameters[f"index_{number}"] = index
        rows = self._session.connection().execute(_nodes_query(len(wanted)), parameters)
        return {(level, index): bytes(digest) for level, index, digest in rows}

    # --- checkpoints ---------------------------------------------------------

    def add_checkpoint(
        self, tree_size: int, root_hash: bytes, note: str, issued_at: datetime
    ) -> None:
        row = {
            "tree_size": tree_size,
            "root_hash": root_hash,
            "note": note,
            "issued_at": issued_at,
        }
        self._session.connection().execute(_INSERT_CHECKPOINT, row)

    def checkpoint(self, tree_size: int) -> CheckpointRecord | None:
        return self._session.get(CheckpointRecord, tree_size)

    def checkpoint_covering(self, index: int) -> IssuedCheckpoint | None:
        """The first checkpoint issued with the entry at ``index`` in it.

        Appends are committed in batches with one checkpoint for the batch's final
        size, so this is the checkpoint the entry's receipt carried.
        """
        statement = (
            select(CheckpointRecord)
            .where(col(CheckpointRecord.tree_size) > index)
            .order_by(col(CheckpointRecord.tree_size))
            .limit(1)
        )
        found = self._session.exec(statement).first()
        return None if found is None else IssuedCheckpoint(found.tree_size, found.note)

    def latest_checkpoint(self) -> CheckpointRecord | None:
        statement = (
            select(CheckpointRecord)
            .order_by(col(CheckpointRecord.tree_size).desc())
            .limit(1)
        )
        return self._session.exec(statement).first()


# The drivers ``_driver_rows`` reads with, by SQLAlchemy's name for them.
_DRIVERS = ("psycopg", "pysqlite")


def _driver_rows(
    connection: Connection, compiled: SQLCompiler
) -> Iterator[tuple[int, bytes, bytes]]:
    """The rows of a compiled page query straight from the driver's cursor.

    SQLAlchemy's result (a Row and type processing per row) was ~1 of ~1.8 µs per
    row on SQLite; and it always asks psycopg for the text format, in which a
    bytea travels as hex, twice its size, that PostgreSQL encodes and psycopg
    decodes (~5 instead of ~1.8 µs per row), where this asks for the binary one.
    Both drivers give the columns as int and bytes. The query runs on the
    session's own connection, in its transaction; only for integer and string
    parameters (``page_leaves`` checks), which need no conversion by SQLAlchemy.
    """
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the session's connection is closed")
    parameters: Any = compiled.params
    if connection.dialect.driver == "psycopg":
        cursor = driver.cursor(binary=True)
    else:  # sqlite3: positional parameters
        cursor = driver.cursor()
        parameters = [parameters[name] for name in compiled.positiontup or ()]
    try:
        cursor.execute(str(compiled), parameters)
        # Row by row, as the driver holds the result: no list of rows in Python.
        yield from cursor
    finally:
        cursor.close()


@functools.lru_cache(maxsize=128)
def _nodes_query(count: int) -> CoreSelect[Any]:
    """The nodes ``(level_n, index_n)`` for n < count: built once per count.

    An OR of (level, index) pairs, not a row-value IN: SQLite plans the latter as a
    full scan of the node table, the former as index look-ups (O(log n) proofs).
    Built once, as Core with named parameters: the ORM statement built anew for
    every proof took ~4.7 ms (p50, 10**6 entries, PostgreSQL, a busy machine), this
    one ~2.3 ms, for a query PostgreSQL runs in ~0.3 ms.
    """
    nodes = table_of(TreeNodeRecord).c
    pairs = [
        and_(
            nodes.level == bindparam(f"level_{number}"),
            nodes.node_index == bindparam(f"index_{number}"),
        )
        for number in range(count)
    ]
    return sa_select(nodes.level, nodes.node_index, nodes.hash).where(or_(*pairs))


def _entry_row(entry: NewEntry) -> dict[str, object]:
    return {
        "entry_index": entry.index,
        "leaf": entry.leaf,
        "leaf_hash": entry.leaf_hash,
        "event": entry.event,
        "decision_id": entry.decision_id,
        "occurred_at": entry.occurred_at,
        "recipient_code": entry.recipient_code,
        "legal_basis": list(entry.legal_basis),
        "partner_reference": entry.partner_reference,
        "appended_at": entry.appended_at,
    }


_Selection = TypeVar("_Selection", SelectOfScalar[EntryRecord], Select[Any])


def _filtered(statement: _Selection, where: EntryFilter) -> _Selection:
    index = col(EntryRecord.entry_index)
    if where.recipient is not None:
        statement = statement.where(EntryRecord.recipient_code == where.recipient)
    if where.occurred_from is not None:
        statement = statement.where(col(EntryRecord.occurred_at) >= where.occurred_from)
    if where.occurred_to is not None:
        statement = statement.where(col(EntryRecord.occurred_at) < where.occurred_to)
    if where.legal_basis is not None:
        statement = statement.where(
            index.in_(
                select(EntryLegalBasisRecord.entry_index).where(
                    EntryLegalBasisRecord.basis == where.legal_basis
                )
            )
        )
    if where.subject is not None:
        statement = statement.where(
            index.in_(
                select(EntrySubjectRecord.entry_index).where(
                    EntrySubjectRecord.subject == where.subject
                )
            )
        )
    if where.tip_id is not None:
        statement = statement.where(
            index.in_(
                select(EntryTipRecord.entry_index).where(
                    EntryTipRecord.tip_id == where.tip_id
                )
            )
        )
    return statement


def _ordered(
    statement: _Selection, after: int | None, below: int | None, *, descending: bool
) -> _Selection:
    """By index, past ``after`` in that direction, below ``below``."""
    index = col(EntryRecord.entry_index)
    if after is not None:
        statement = statement.where(index < after if descending else index > after)
    if below is not None:
        statement = statement.where(index < below)
    return statement.order_by(index.desc() if descending else index)
