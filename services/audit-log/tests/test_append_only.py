"""The database itself keeps the log append-only, whatever the code does."""

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from samverkan_audit_log.entries.models import EntryRecord

LOG_TABLES = [
    "audit_entries",
    "audit_entry_legal_basis",
    "audit_entry_subjects",
    "audit_entry_tips",
    "audit_tree_nodes",
    "audit_checkpoints",
]
WRITER = "samverkan_audit_writer"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def filled(client: TestClient, appender, make_entry) -> None:
    for number in range(3):
        entry = make_entry(
            number, tip_ids=[f"{number:08d}-0000-4000-8000-000000000000"]
        )
        response = client.post("/v1/entries", json=entry, headers=appender)
        assert response.status_code == 201


def _refused(engine: Engine, statement: str) -> str:
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        connection.execute(text(statement))
    return str(raised.value)


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("table", LOG_TABLES)
class TestTriggers:
    def test_update_is_refused(self, engine: Engine, table: str) -> None:
        # Even a no-op update: nothing in an audit table is ever rewritten.
        column = "level" if table == "audit_tree_nodes" else "tree_size"
        if table.startswith("audit_entr"):
            column = "entry_index"
        message = _refused(engine, f"UPDATE {table} SET {column} = {column}")  # noqa: S608
        assert "audit log is append-only" in message

    def test_delete_is_refused(self, engine: Engine, table: str) -> None:
        assert "audit log is append-only" in _refused(engine, f"DELETE FROM {table}")  # noqa: S608


@pytest.mark.postgres
class TestTruncate:
    @pytest.fixture
    def backend(self) -> str:
        return "postgresql"  # SQLite has no TRUNCATE

    @pytest.mark.usefixtures("filled")
    @pytest.mark.parametrize("table", [*LOG_TABLES, "audit_tree_state"])
    def test_truncate_is_refused(self, engine: Engine, table: str) -> None:
        message = _refused(engine, f"TRUNCATE {table} CASCADE")
        assert "audit log is append-only" in message


def _entry_row(index: int) -> dict[str, object]:
    return {
        "entry_index": index,
        "leaf": b"{}",
        "leaf_hash": bytes(32),
        "event": "e",
        "decision_id": f"d{index}",
        "occurred_at": datetime.now(UTC),
        "recipient_code": "r",
        "legal_basis": [],
        "appended_at": datetime.now(UTC),
    }


GROWTH = "the tree grows only onto appended entries, never shrinks"


@pytest.mark.usefixtures("filled")
class TestSequencer:
    """Migrations 0002 and 0004: no gap, no reuse, no reordering, no shrinking."""

    def test_the_tree_cannot_shrink(self, engine: Engine) -> None:
        assert GROWTH in _refused(engine, "UPDATE audit_tree_state SET tree_size = 2")

    def test_the_tree_cannot_grow_past_its_entries(self, engine: Engine) -> None:
        assert GROWTH in _refused(engine, "UPDATE audit_tree_state SET tree_size = 4")

    def test_the_sequencer_row_cannot_be_deleted(self, engine: Engine) -> None:
        assert "append-only" in _refused(engine, "DELETE FROM audit_tree_state")

    def test_an_entry_cannot_skip_or_reuse_an_index(self, engine: Engine) -> None:
        for index in (1, 5):
            with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
                connection.execute(insert(EntryRecord).values(_entry_row(index)))
            assert "appended at the next index only" in str(raised.value)

    def test_a_multi_row_insert_cannot_skip_an_index(self, engine: Engine) -> None:
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(
                insert(EntryRecord).values([_entry_row(3), _entry_row(5)])
            )
        assert "appended at the next index only" in str(raised.value)
        assert _tree_size(engine) == 3

    @pytest.mark.parametrize("multi_row", [False, True])
    def test_a_batch_of_entries_advances_the_sequencer_once(
        self, engine: Engine, multi_row: bool
    ) -> None:
        rows = [_entry_row(index) for index in (3, 4, 5)]
        with engine.begin() as connection:
            if multi_row:  # one INSERT ... VALUES (...), (...): each row sees the last
                connection.execute(insert(EntryRecord).values(rows))
            else:  # executemany
                connection.execute(insert(EntryRecord), rows)
            connection.execute(text("UPDATE audit_tree_state SET tree_size = 6"))
        assert _tree_size(engine) == 6
        assert GROWTH in _refused(engine, "UPDATE audit_tree_state SET tree_size = 5")


def _tree_size(engine: Engine) -> int:
    with engine.connect() as connection:
        size = connection.execute(text("SELECT tree_size FROM audit_tree_state"))
        return int(size.scalar_one())


@pytest.mark.postgres
class TestWriterRole:
    @pytest.fixture
    def backend(self) -> str:
        return "postgresql"

    def test_the_writer_may_read_and_insert_only(self, engine: Engine) -> None:
        with engine.connect() as connection:
            for table in LOG_TABLES:
                for privilege, granted in [
                    ("SELECT", True),
                    ("INSERT", True),
                    ("UPDATE", False),
                    ("DELETE", False),
                    ("TRUNCATE", False),
                    ("TRIGGER", False),
                    ("REFERENCES", False),
                ]:
                    held = connection.execute(
                        text("SELECT has_table_privilege(:role, :table, :privilege)"),
                        {"role": WRITER, "table": table, "privilege": privilege},
                    ).scalar()
                    assert held is granted, (table, privilege)
            sequencer = [
                connection.execute(
                    text("SELECT has_table_privilege(:r, 'audit_tree_state', :p)"),
                    {"r": WRITER, "p": privilege},
                ).scalar()
                for privilege in ("SELECT", "UPDATE", "INSERT", "DELETE", "TRUNCATE")
            ]
            assert sequencer == [True, True, False, False, False]
            can_login = connection.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"),
                {"r": WRITER},
            ).scalar()
            assert can_login is False

    def test_the_service_runs_as_a_member_of_the_writer_role(
        self, database_url: str, engine: Engine, build_app, appender, reader, make_entry
    ) -> None:
        login = f"audit_test_{secrets.token_hex(4)}"
        with engine.begin() as connection:
            connection.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {WRITER}"))
        url = make_url(database_url).set(username=login).render_as_string(False)
        try:
            with TestClient(build_app(url)) as client:
                for number in range(3):
                    response = client.post(
                        "/v1/entries", json=make_entry(number), headers=appender
                    )
                    assert response.status_code == 201, response.text
                items = client.get("/v1/entries", headers=reader).json()["items"]
                assert len(items) == 3
            as_writer = create_engine(url, poolclass=NullPool)
            message = _refused(
                as_writer, "ALTER TABLE audit_entries DISABLE TRIGGER USER"
            )
            assert "must be owner of table audit_entries" in message
            assert "permission denied" in _refused(
                as_writer, "UPDATE audit_checkpoints SET note = 'x'"
            )
            as_writer.dispose()
        finally:
            with engine.begin() as connection:
                connection.execute(text(f"DROP OWNED BY {login}"))
                connection.execute(text(f"DROP ROLE {login}"))
