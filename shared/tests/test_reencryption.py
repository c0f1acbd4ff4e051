"""Walking a table to re-seal its fields under the current key, on both backends."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select, update

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.reencryption import SealedColumn, reencrypt_table
from tests.support.databases import DatabaseFactory

ROWS = 7
PAGE = 3  # pages of 3, 3 and 1: the walk must cross page boundaries

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String, nullable=False),
    Column("remark", String, nullable=True),
)


def _aad(column: str) -> Any:
    return lambda identifier: f"notes/{identifier}/{column}".encode()


COLUMNS = [SealedColumn("body", _aad("body")), SealedColumn("remark", _aad("remark"))]


@pytest.fixture
def engine(backend: str, database_factory: DatabaseFactory) -> Iterator[Engine]:
    engine = make_engine(database_factory.empty(backend))
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def old_keyring() -> Keyring:
    return Keyring.generate()


def _fill(engine: Engine, keyring: Keyring) -> None:
    with engine.begin() as connection:
        for number in range(ROWS):
            remark = None if number % 2 else f"remark {number}"
            connection.execute(
                notes.insert().values(
                    id=number,
                    body=keyring.encrypt(
                        f"body {number}", associated_data=b"notes/%d/body" % number
                    ),
                    remark=None
                    if remark is None
                    else keyring.encrypt(
                        remark, associated_data=b"notes/%d/remark" % number
                    ),
                )
            )


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(notes).order_by(notes.c.id)))


def test_every_field_of_every_page_is_resealed_and_reads_the_same(
    engine: Engine, old_keyring: Keyring
) -> None:
    _fill(engine, old_keyring)
    rotated = old_keyring.with_new_current_key()

    report = reencrypt_table(engine, notes, "id", COLUMNS, rotated, page_size=PAGE)

    remarks = len([n for n in range(ROWS) if n % 2 == 0])
    assert (report.rows, report.resealed, report.complete) == (
        ROWS,
        ROWS + remarks,
        True,
    )
    only_new = Keyring(
        rotated.current, {rotated.current: rotated.keys[rotated.current]}
    )
    for row in _rows(engine):
        body = only_new.decrypt(row.body, associated_data=b"notes/%d/body" % row.id)
        assert body == f"body {row.id}".encode()
        if row.id % 2:
            assert row.remark is None  # NULL stays NULL
        else:
            assert only_new.key_id_of(row.remark) == rotated.current
    again = reencrypt_table(engine, notes, "id", COLUMNS, rotated, page_size=PAGE)
    assert (again.rows, again.resealed) == (ROWS, 0)


def test_an_unreadable_field_is_named_and_the_rest_still_moves(
    engine: Engine, old_keyring: Keyring
) -> None:
    _fill(engine, old_keyring)
    rows = _rows(engine)
    with engine.begin() as connection:  # row 1's body copied into row 2: wrong AAD
        connection.execute(
            update(notes).where(notes.c.id == 2).values(body=rows[1].body)
        )
    rotated = old_keyring.with_new_current_key()

    report = reencrypt_table(engine, notes, "id", COLUMNS, rotated, page_size=PAGE)

    assert not report.complete
    assert len(report.unreadable) == 1
    assert report.unreadable[0].startswith("2/body: ")
    assert rows[1].body not in report.summary()  # never the token itself
    assert "could not be decrypted" in report.summary()
    assert report.resealed == ROWS - 1 + len([n for n in range(ROWS) if n % 2 == 0])


# PostgreSQL only: on SQLite the walk holds the write lock (BEGIN IMMEDIATE) for its
# page, so no one can change a row between the read and the compare-and-set.
@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_field_changed_meanwhile_is_left_for_the_next_run(
    engine: Engine, old_keyring: Keyring
) -> None:
    _fill(engine, old_keyring)
    rotated = old_keyring.with_new_current_key()
    newer = rotated.encrypt("edited meanwhile", associated_data=b"notes/0/body")

    class EditingKeyring(Keyring):
        """Another writer commits a change to row 0 while its token is re-sealed."""

        def reseal(self, token: str, *, associated_data: bytes) -> str | None:
            if associated_data == b"notes/0/body":
                with other.begin() as connection:
                    connection.execute(
                        update(notes).where(notes.c.id == 0).values(body=newer)
                    )
            return super().reseal(token, associated_data=associated_data)

    other = make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        editing = EditingKeyring(rotated.current, rotated.keys)
        report = reencrypt_table(engine, notes, "id", COLUMNS, editing, page_size=PAGE)
    finally:
        other.dispose()

    assert report.changed_meanwhile == 1
    assert not report.complete
    assert "run again" in report.summary()
    assert _rows(engine)[0].body == newer  # the concurrent edit was not overwritten
