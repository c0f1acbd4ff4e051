"""All SQL of the entries: appending them, finding decisions, pages, index rows."""

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, insert
from sqlalchemy import select as sa_select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from samverkan_audit_log.entries.models import (
    EntryLegalBasisRecord,
    EntryRecord,
    EntrySubjectRecord,
    EntryTipRecord,
)
from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository

__all__ = [
    "EntryFilter",
    "EntryRepository",
    "IndexRows",
    "LoggedEntry",
    "NewEntry",
    "logged_decisions",
]

_INSERT_ENTRY = insert(table_of(EntryRecord))


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


class IndexRows(NamedTuple):
    """The look-up index rows of a range of entries, ``(entry_index, value)`` each,
    by the name of the leaf's array they are derived from."""

    legal_basis: list[tuple[int, str]]
    subjects: list[tuple[int, str]]
    tip_ids: list[tuple[int, str]]


class EntryRepository(Repository):
    """Appends and reads entries; never updates one (the database would refuse)."""

    def add(self, entries: Sequence[NewEntry]) -> None:
        """Insert entries right after the last one, in one executemany.

        The database accepts an entry only right after the last one (migrations
        0002 and 0004) and derives each entry's legal-basis and subject rows (0006)
        and tip rows (0007) from its leaf: one pipelined round trip on PostgreSQL.
        The sequencer moves past them with ``TreeRepository.advance``.
        """
        if not entries:
            return
        # A constant Core statement with bound parameters: compiled once, cached;
        # no ORM bulk machinery per statement.
        connection = self._session.connection()
        connection.execute(_INSERT_ENTRY, [_entry_row(entry) for entry in entries])

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

    def indexed(self, start: int, end: int) -> IndexRows:
        """The legal-basis, subject and tip rows of the entries start <= index < end.

        ``(entry_index, value)`` pairs in index order: what the look-ups read, for
        the verifier to compare with what the leaves imply.
        """
        found = []
        for table, column in (
            (table_of(EntryLegalBasisRecord), "basis"),
            (table_of(EntrySubjectRecord), "subject"),
            (table_of(EntryTipRecord), "tip_id"),
        ):
            index = table.c.entry_index
            statement = (
                sa_select(index, table.c[column])
                .where(index >= start, index < end)
                .order_by(index)
            )
            rows = self._session.connection().execute(statement)
            found.append([(int(number), str(value)) for number, value in rows])
        return IndexRows(*found)


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
