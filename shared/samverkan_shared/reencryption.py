"""Re-encrypt sealed columns under the keyring's current key, so an old key can go.

Rotating a keyring only changes which key encrypts from now on; every field sealed
before stays under its old key, which therefore can never be removed (and, after a
suspected leak, keeps protecting that data with a key an attacker may hold). This
walks a table in primary-key order, one page per transaction, and seals each field
afresh under the current key.

It is safe beside the running service: each field is rewritten with a compare-and-set
UPDATE (the column must still hold the token that was read), so a row changed
meanwhile is counted and left for the next run instead of being overwritten, and a
rerun skips what is already under the current key.
"""

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import Engine, Table, select, update

from samverkan_shared.crypto import CryptoError, Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.sessions import writing_session

__all__ = ["ReencryptionReport", "SealedColumn", "reencrypt_table", "run_command"]

PAGE_SIZE = 200


@dataclass(frozen=True)
class SealedColumn:
    """A column of tokens and the associated data each row's token was sealed with."""

    name: str
    associated_data: Callable[[Any], bytes]  # from the row's primary key


@dataclass
class ReencryptionReport:
    table: str
    current_key: str
    rows: int = 0
    resealed: int = 0
    changed_meanwhile: int = 0
    unreadable: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every field of the table is now under the current key."""
        return not self.changed_meanwhile and not self.unreadable

    def summary(self) -> str:
        text = (
            f"{self.table}: {_count(self.rows, 'row')} read, "
            f"{_count(self.resealed, 'field')} re-encrypted under key {self.current_key}"
        )
        if self.changed_meanwhile:
            text += f"; {self.changed_meanwhile} changed meanwhile (run again)"
        if self.unreadable:
            text += f"; {len(self.unreadable)} could not be decrypted: " + "; ".join(
                self.unreadable[:10]
            )
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def reencrypt_table(
    engine: Engine,
    table: Table,
    primary_key: str,
    columns: Sequence[SealedColumn],
    keyring: Keyring,
    *,
    page_size: int = PAGE_SIZE,
) -> ReencryptionReport:
    """Seal every field of ``columns`` in ``table`` under ``keyring.current``."""
    report = ReencryptionReport(table.name, keyring.current)
    key = table.c[primary_key]
    read = select(key, *(table.c[column.name] for column in columns)).order_by(key)
    last: Any = None
    while True:
        with writing_session(engine) as session, session.begin():
            connection = session.connection()
            page = read if last is None else read.where(key > last)
            rows = connection.execute(page.limit(page_size)).all()
            for row in rows:
                report.rows += 1
                for column in columns:
                    _reseal_field(connection, table, key, row, column, keyring, report)
        if len(rows) < page_size:
            return report
        last = rows[-1][0]


def _reseal_field(
    connection: Any,
    table: Table,
    key: Any,
    row: Any,
    column: SealedColumn,
    keyring: Keyring,
    report: ReencryptionReport,
) -> None:
    identifier = row[0]
    token = getattr(row, column.name)
    if token is None:
        return
    try:
        fresh = keyring.reseal(
            token, associated_data=column.associated_data(identifier)
        )
    except CryptoError as error:
        # The row and column only: never the token or what it holds.
        report.unreadable.append(f"{identifier}/{column.name}: {error}")
        return
    if fresh is None:
        return
    target = table.c[column.name]
    result = connection.execute(
        update(table)
        .where(key == identifier, target == token)
        .values({column.name: fresh})
    )
    if result.rowcount == 1:
        report.resealed += 1
    else:
        report.changed_meanwhile += 1


def run_command(
    database_url: str,
    keyring: Callable[[], Keyring],
    reencrypt: Callable[[Engine, Keyring], ReencryptionReport],
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """A service's `reencrypt` command: 0 when everything is under the current key,
    1 when a rerun is needed or a field did not decrypt, 2 without a usable keyring."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        loaded = keyring()
    except (CryptoError, OSError) as error:
        err.write(f"error: {error}\n")
        return 2
    engine = make_engine(database_url)
    try:
        report = reencrypt(engine, loaded)
    finally:
        engine.dispose()
    out.write(report.summary() + "\n")
    if not report.complete:
        return 1
    out.write("every sealed field is under the current key; older keys can go\n")
    return 0
