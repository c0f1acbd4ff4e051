# ruff: noqa: S608 -- the attacker's SQL, built from constants, is what is tested
"""Issue #16: an attacker with the database file (SQLite) or the writer role (PostgreSQL).

Each test acts as that attacker, on a connection of their own: on SQLite a plain
``sqlite3`` connection with ``recursive_triggers`` and foreign keys off (their
defaults), so REPLACE's implicit delete fires no DELETE trigger; on PostgreSQL a
login role that is a member of ``samverkan_audit_writer``, as the service runs.
The log must come out unchanged, and the service must still answer truthfully.
"""

import base64
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from samverkan_audit_log.checkpoints.signed_note import (
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.merkle import verify_inclusion

WRITER = "samverkan_audit_writer"
TABLES = [
    "audit_entries",
    "audit_entry_legal_basis",
    "audit_entry_subjects",
    "audit_entry_tips",
    "audit_tree_nodes",
    "audit_checkpoints",
    "audit_tree_state",
]
VICTIM = "19121212-1212"  # a person no entry names
OTHER_TIP = "99999999-0000-4000-8000-000000000000"  # a tip no entry names


def _tip(number: int) -> str:
    return f"{number:08d}-0000-4000-8000-000000000000"


ZEROS = "00" * 32

# The attacker's statements; run as they are on both databases, with {zeros}
# (32 zero bytes) and {not_json} blob literals in the database's spelling.
Attack = Callable[[str], str]


@pytest.fixture
def owner(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def filled(client: TestClient, appender, make_entry) -> list[dict[str, Any]]:
    return [
        client.post(
            "/v1/entries",
            json=make_entry(number, tip_ids=[_tip(number)]),
            headers=appender,
        ).json()
        for number in range(3)
    ]


@pytest.fixture
def attacker_url(backend: str, database_url: str, owner: Engine) -> Iterator[str]:
    """SQLite: the file. PostgreSQL: a login role in the writer role, like the service."""
    if backend == "sqlite":
        yield make_url(database_url).database or ""
        return
    login = f"audit_attacker_{secrets.token_hex(4)}"
    with owner.begin() as connection:
        connection.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE {WRITER}"))
    try:
        yield make_url(database_url).set(username=login).render_as_string(False)
    finally:
        with owner.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {login}"))
            connection.execute(text(f"DROP ROLE {login}"))


@pytest.fixture
def attack(backend: str, attacker_url: str) -> Attack:
    """Runs one statement as the attacker; the database's refusal as text, or ''."""

    def on_sqlite(statement: str) -> str:
        sql = statement.format(zeros=f"x'{ZEROS}'", not_json="CAST('no' AS BLOB)")
        with closing(sqlite3.connect(attacker_url, isolation_level=None)) as db:
            db.execute("PRAGMA recursive_triggers = OFF")
            db.execute("PRAGMA foreign_keys = OFF")
            try:
                db.execute(sql)
            except sqlite3.DatabaseError as error:
                return str(error)
        return ""

    def on_postgresql(statement: str) -> str:
        sql = statement.format(zeros=f"'\\x{ZEROS}'::bytea", not_json="'no'::bytea")
        engine = create_engine(attacker_url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql(sql)
        except DBAPIError as error:
            return str(error.orig)
        finally:
            engine.dispose()
        return ""

    return on_sqlite if backend == "sqlite" else on_postgresql


def _snapshot(owner: Engine) -> dict[str, list[tuple[object, ...]]]:
    with owner.connect() as connection:
        return {
            table: sorted(
                (
                    tuple(row)
                    for row in connection.execute(text(f"SELECT * FROM {table}"))
                ),
                key=repr,
            )
            for table in TABLES
        }


NOW = "'2026-12-01 00:00:00+00:00'"
# Each statement would remove or change a logged row if the database let it.
OVERWRITES = {
    "checkpoint": "REPLACE INTO audit_checkpoints (tree_size, root_hash, note, issued_at) "
    "VALUES (3, {zeros}, 'forged', " + NOW + ")",
    "checkpoint by rowid": "INSERT OR REPLACE INTO audit_checkpoints "
    "(rowid, tree_size, root_hash, note, issued_at) VALUES (1, 99, {zeros}, 'x', "
    + NOW
    + ")",
    "tree node": "INSERT OR REPLACE INTO audit_tree_nodes (level, node_index, hash) "
    "VALUES (0, 0, {zeros})",
    "sequencer": "REPLACE INTO audit_tree_state (id, tree_size) VALUES (1, 0)",
    "entry by decision": "INSERT OR REPLACE INTO audit_entries (entry_index, leaf, "
    "leaf_hash, event, decision_id, occurred_at, recipient_code, legal_basis, "
    "appended_at) VALUES (3, CAST('{{}}' AS BLOB), {zeros}, 'disclosure.released', "
    "'decision-0', " + NOW + ", 'x', '[]', " + NOW + ")",
    "legal-basis index": "INSERT OR REPLACE INTO audit_entry_legal_basis "
    "(basis, entry_index) VALUES ('osl-10-24', 0)",
    "subject index": "INSERT OR REPLACE INTO audit_entry_subjects (subject, "
    "entry_index) SELECT subject, entry_index FROM audit_entry_subjects LIMIT 1",
    "tip index": "INSERT OR REPLACE INTO audit_entry_tips (tip_id, entry_index) "
    "SELECT tip_id, entry_index FROM audit_entry_tips LIMIT 1",
}
UPSERTS = {
    "checkpoint": "INSERT INTO audit_checkpoints (tree_size, root_hash, note, "
    "issued_at) VALUES (3, {zeros}, 'forged', " + NOW + ") "
    "ON CONFLICT (tree_size) DO UPDATE SET note = excluded.note",
    "tree node": "INSERT INTO audit_tree_nodes (level, node_index, hash) "
    "VALUES (0, 0, {zeros}) ON CONFLICT (level, node_index) "
    "DO UPDATE SET hash = excluded.hash",
    "sequencer": "INSERT INTO audit_tree_state (id, tree_size) VALUES (1, 0) "
    "ON CONFLICT (id) DO UPDATE SET tree_size = 0",
}


@pytest.mark.usefixtures("filled")
class TestReplaceOnSQLite:
    """Finding 1: REPLACE deletes the row in its way without a DELETE trigger."""

    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"  # PostgreSQL has no REPLACE: see the upserts

    @pytest.mark.parametrize("statement", OVERWRITES.values(), ids=OVERWRITES.keys())
    def test_replace_is_refused_on_the_attackers_connection(
        self, owner: Engine, attack: Attack, statement: str
    ) -> None:
        before = _snapshot(owner)
        assert "append-only" in attack(statement)
        assert _snapshot(owner) == before


@pytest.mark.usefixtures("filled")
class TestNoRowIsReplaced:
    """Finding 1: upserts, and the proofs the server serves after every attempt."""

    @pytest.mark.parametrize("statement", UPSERTS.values(), ids=UPSERTS.keys())
    def test_an_upsert_is_refused(
        self, owner: Engine, attack: Attack, statement: str
    ) -> None:
        before = _snapshot(owner)
        assert attack(statement) != ""
        assert _snapshot(owner) == before

    def test_the_server_still_proves_inclusion_truthfully(
        self,
        client: TestClient,
        reader,
        signer,
        attack: Attack,
        filled: list[dict[str, Any]],
    ) -> None:
        for statement in (*OVERWRITES.values(), *UPSERTS.values()):
            attack(statement)
        key = parse_verifier_key(signer.verifier_key)
        checkpoint = open_signed_checkpoint(
            client.get("/v1/checkpoint", headers=reader).text, key
        )
        for index, receipt in enumerate(filled):
            response = client.get(
                "/v1/proofs/inclusion",
                params={"index": index, "tree_size": checkpoint.tree_size},
                headers=reader,
            )
            proof = [base64.b64decode(item) for item in response.json()["hashes"]]
            leaf_hash = base64.b64decode(receipt["leaf_hash"])
            assert verify_inclusion(
                leaf_hash, index, checkpoint.tree_size, proof, checkpoint.root_hash
            )


@pytest.mark.usefixtures("filled")
class TestIndexRowsComeFromTheirEntry:
    """Finding 2: a subject or legal-basis row the entry's leaf does not name."""

    def test_the_database_derives_the_index_from_each_leaf(
        self, owner: Engine, subject_of
    ) -> None:
        tables = _snapshot(owner)
        assert tables["audit_entry_subjects"] == [
            (subject_of("556677-8899"), index) for index in range(3)
        ]
        assert tables["audit_entry_legal_basis"] == [
            ("osl-10-24", index) for index in range(3)
        ]
        assert tables["audit_entry_tips"] == [
            (_tip(index), index) for index in range(3)
        ]

    @pytest.mark.parametrize(
        ("table", "column", "value", "index"),
        [
            ("audit_entry_subjects", "subject", "victim", 0),
            ("audit_entry_subjects", "subject", "victim", 1000),  # not yet appended
            ("audit_entry_legal_basis", "basis", "osl-10-2", 0),
            ("audit_entry_tips", "tip_id", OTHER_TIP, 0),
            ("audit_entry_tips", "tip_id", _tip(0), 1),  # another entry's tip
        ],
        ids=[
            "subject",
            "subject of a future entry",
            "legal basis",
            "tip",
            "tip of another entry",
        ],
    )
    def test_a_forged_index_row_is_refused(
        self,
        owner: Engine,
        attack: Attack,
        subject_of,
        table: str,
        column: str,
        value: str,
        index: int,
    ) -> None:
        value = subject_of(VICTIM) if value == "victim" else value
        before = _snapshot(owner)
        refusal = attack(
            f"INSERT INTO {table} ({column}, entry_index) VALUES ('{value}', {index})"
        )
        assert "must match the leaf of its entry" in refusal
        assert _snapshot(owner) == before

    def test_a_subject_look_up_attributes_nothing_to_the_victim(
        self, client: TestClient, reader, attack: Attack, subject_of
    ) -> None:
        attack(
            "INSERT INTO audit_entry_subjects (subject, entry_index) "
            f"VALUES ('{subject_of(VICTIM)}', 1)"
        )
        found = client.post(
            "/v1/subjects/lookup", json={"identifier": VICTIM}, headers=reader
        )
        assert found.json() == {"items": [], "next_cursor": None}

    def test_an_entry_whose_leaf_is_not_json_is_refused(
        self, owner: Engine, attack: Attack
    ) -> None:
        # The index could not be derived from it, and no verifier would accept it.
        before = _snapshot(owner)
        refusal = attack(
            "INSERT INTO audit_entries (entry_index, leaf, leaf_hash, event, "
            "decision_id, occurred_at, recipient_code, legal_basis, appended_at) "
            "VALUES (3, {not_json}, {zeros}, 'e', 'forged', "
            + NOW
            + ", 'x', '[]', "
            + NOW
            + ")"
        )
        assert refusal != ""
        assert _snapshot(owner) == before


@pytest.mark.postgres
@pytest.mark.usefixtures("filled")
class TestTheWriterCannotSwitchTriggersOff:
    """Finding 3: TRUNCATE, DISABLE TRIGGER and session_replication_role."""

    @pytest.fixture
    def backend(self) -> str:
        return "postgresql"

    @pytest.mark.parametrize("table", TABLES)
    def test_truncate_is_refused(
        self, owner: Engine, attack: Attack, table: str
    ) -> None:
        before = _snapshot(owner)
        assert "permission denied" in attack(f"TRUNCATE {table} CASCADE")
        assert _snapshot(owner) == before

    @pytest.mark.parametrize("table", TABLES)
    def test_triggers_cannot_be_disabled(self, attack: Attack, table: str) -> None:
        refusal = attack(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert f"must be owner of table {table}" in refusal

    @pytest.mark.parametrize(
        "statement",
        [
            "SET session_replication_role = replica",
            "SET LOCAL session_replication_role = replica",
            "SELECT set_config('session_replication_role', 'replica', false)",
        ],
    )
    def test_the_replication_role_cannot_be_changed(
        self, attack: Attack, statement: str
    ) -> None:
        assert 'permission denied to set parameter "session_replication_role"' in (
            attack(statement)
        )

    def test_the_writer_neither_owns_nor_may_act_as_the_owner(
        self, owner: Engine
    ) -> None:
        with owner.connect() as connection:
            rights = connection.execute(
                text(
                    "SELECT c.relname, pg_has_role(:writer, c.relowner, 'USAGE') "
                    "FROM pg_class AS c WHERE c.relname = ANY(:tables)"
                ),
                {"writer": WRITER, "tables": TABLES},
            ).all()
            settable = connection.execute(
                text(
                    "SELECT has_parameter_privilege(:w, 'session_replication_role', 'SET')"
                ),
                {"w": WRITER},
            ).scalar()
        assert sorted(rights) == sorted((table, False) for table in TABLES)
        assert settable is False

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_checkpoints SET note = 'forged'",
            "DELETE FROM audit_tree_nodes",
            "TRUNCATE audit_entries CASCADE",
            "INSERT INTO audit_entry_subjects (subject, entry_index) VALUES ('x', 0)",
            "INSERT INTO audit_entry_tips (tip_id, entry_index) VALUES ('x', 0)",
            "DELETE FROM audit_entry_tips",
        ],
    )
    def test_the_triggers_fire_in_the_replica_role_too(
        self, owner: Engine, statement: str
    ) -> None:
        # Whoever may set session_replication_role (the owner, a superuser)
        # still meets the triggers: they are ENABLE ALWAYS.
        before = _snapshot(owner)
        with pytest.raises(DBAPIError):
            _as_replica(owner, statement)
        assert _snapshot(owner) == before


def _as_replica(owner: Engine, statement: str) -> None:
    with owner.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(statement))
