"""`samverkan audit verify` end to end against the app, with a stand-in token issuer
(its download against a stand-in log: test_cli_download.py)."""

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.cli import UNPINNED_WARNING, main
from samverkan_audit_log.entries.append import AppendQueue
from samverkan_audit_log.merkle import EMPTY_ROOT
from samverkan_audit_log.verification import log_client

SUPPLIER = "556677-8899"
LOG_URL = "http://audit.test"
ISSUER_URL = "http://issuer.test"
TIP, OTHER_TIP = (f"{number:08d}-0000-4000-8000-000000000000" for number in (1, 2))


@pytest.fixture
def verify(app, issuer, monkeypatch, tmp_path: Path):
    """Runs the CLI; the log is the in-process app, the issuer a fake token endpoint.

    The data directory (where `make run` writes demo-clients.json) is an empty one.
    """
    monkeypatch.delenv("SAMVERKAN_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("SAMVERKAN_DATA_DIR", str(tmp_path / "var"))
    requests: list[httpx.Request] = []

    def fake_issuer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/.well-known/oauth-authorization-server":
            return httpx.Response(200, json={"token_endpoint": f"{ISSUER_URL}/t"})
        assert (
            request.headers["Authorization"]
            == "Basic " + base64.b64encode(b"officer:s3cret").decode()
        )
        assert request.content == b"grant_type=client_credentials&scope=audit%3Aread"
        token = issuer.token(["audit:read"], client_id="officer")
        return httpx.Response(200, json={"access_token": token})

    def client_factory(base_url: str) -> httpx.Client:
        if base_url == ISSUER_URL:
            return httpx.Client(
                base_url=base_url, transport=httpx.MockTransport(fake_issuer)
            )
        assert base_url == LOG_URL
        return TestClient(app, base_url=base_url)

    def run(*extra: str, credentials: bool = True) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        argv = ["--url", LOG_URL, *extra]
        if credentials:
            argv += ["--issuer", ISSUER_URL, "--client-id", "officer"]
            argv += ["--client-secret", "s3cret"]
        code = main(argv, client_factory=client_factory, stdout=out, stderr=err)
        errors.append(err.getvalue())
        return code, out.getvalue()

    errors: list[str] = []
    run.requests = requests  # type: ignore[attr-defined]
    run.errors = errors  # type: ignore[attr-defined]
    return run


def _append(
    client: TestClient, headers: dict[str, str], make_entry, numbers, **fields: Any
) -> None:
    for number in numbers:
        entry = make_entry(number, **fields)
        response = client.post("/v1/entries", json=entry, headers=headers)
        assert response.status_code == 201


def test_verify_saves_then_trusts_a_checkpoint(
    client, appender, reader, make_entry, verify, signer, tmp_path: Path
) -> None:
    empty_root = base64.b64encode(EMPTY_ROOT).decode()
    assert verify() == (
        0,
        f"OK: 0 entries, root {empty_root}, checkpoint signed by {signer.origin}\n",
    )
    _append(client, appender, make_entry, range(5))

    saved = tmp_path / "checkpoint.txt"
    code, output = verify("--save-checkpoint", str(saved))
    assert (code, output.split(",")[0]) == (0, "OK: 5 entries")
    assert saved.read_text() == client.get("/v1/checkpoint", headers=reader).text
    assert len(verify.requests) == 4  # metadata + token, twice

    _append(client, appender, make_entry, range(5, 12))
    code, output = verify(
        "--trusted-checkpoint", str(saved), "--log-key", signer.verifier_key
    )
    assert code == 0, output
    assert output.startswith("OK: 12 entries, root ")


def test_verify_refuses_a_trusted_checkpoint_of_another_log(
    client, appender, make_entry, verify, tmp_path: Path
) -> None:
    _append(client, appender, make_entry, range(3))
    forged = tmp_path / "forged.txt"
    forger = LogSigner("samverkan.test/audit-log", Ed25519PrivateKey.generate())
    forged.write_text(forger.sign(2, bytes(32)))
    code, output = verify("--trusted-checkpoint", str(forged))
    assert code == 1
    assert output.startswith("FAIL: trusted checkpoint: no signature by ")


def test_verify_bridges_a_rotation_of_the_log_key(
    app, client, appender, make_entry, verify, signer, tmp_path: Path
) -> None:
    _append(client, appender, make_entry, range(5))
    before = tmp_path / "before-rotation.txt"
    assert verify("--save-checkpoint", str(before))[0] == 0
    # The operator replaces the checkpoint key; from now on notes carry the new one.
    rotated = LogSigner(signer.origin, Ed25519PrivateKey.generate())
    running = app.running
    queue = AppendQueue(app.platform.engine, rotated)
    app.running = replace(
        running, state=replace(running.state, signer=rotated, appends=queue)
    )
    try:
        _append(client, appender, make_entry, range(5, 12))
    finally:
        queue.close()

    code, output = verify("--trusted-checkpoint", str(before))
    assert code == 1
    assert output.startswith("FAIL: trusted checkpoint: no signature by ")

    code, output = verify(
        "--trusted-checkpoint",
        str(before),
        "--trusted-log-key",
        signer.verifier_key,
        "--log-key",
        rotated.verifier_key,
    )
    assert code == 0, output
    assert output.startswith("OK: 12 entries, root ")
    assert output.endswith(f"checkpoint signed by {rotated.origin}\n")


def test_verify_names_a_malformed_trusted_log_key(
    client, appender, make_entry, verify, tmp_path: Path
) -> None:
    _append(client, appender, make_entry, range(2))
    saved = tmp_path / "saved.txt"
    assert verify("--save-checkpoint", str(saved))[0] == 0
    code, output = verify(
        "--trusted-checkpoint", str(saved), "--trusted-log-key", "not a key"
    )
    assert code == 1
    assert output.startswith("FAIL: trusted log key: ")


def test_a_trusted_log_key_without_a_trusted_checkpoint_is_a_usage_error(
    verify, signer
) -> None:
    assert verify("--trusted-log-key", signer.verifier_key) == (2, "")


def test_verify_catches_a_leaf_rewritten_behind_the_triggers(
    client, appender, make_entry, verify, database_url, backend
) -> None:
    _append(client, appender, make_entry, range(6))
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as connection:
        # What an administrator could do: switch the guard off and edit history.
        if backend == "sqlite":
            connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        connection.execute(
            text("UPDATE audit_entries SET leaf = :leaf WHERE entry_index = 2"),
            {"leaf": b'{"event":"nothing"}'},
        )
    engine.dispose()
    # The server shows the entry parsed from the stored leaf, so the hash gives it away.
    assert verify() == (1, "FAIL: entry 2: leaf_hash is not SHA-256(0x00 || leaf)\n")


def test_verify_refuses_a_pinned_key_that_did_not_sign(
    client, appender, make_entry, verify
) -> None:
    _append(client, appender, make_entry, range(2))
    other = (
        "samverkan.test/audit-log+00000000+"
        + base64.b64encode(b"\x01" + bytes(32)).decode()
    )
    code, output = verify("--log-key", other)
    assert code == 1
    assert output.startswith("FAIL: log key: key hash 00000000 does not match")


class TestTheDemoClientsFile:
    """#17: on `make run`'s own ports or others, verify needs no issuer or client."""

    @pytest.fixture
    def demo_file(self, tmp_path: Path, monkeypatch) -> Path:
        for variable in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"):
            monkeypatch.delenv(f"SAMVERKAN_{variable}", raising=False)
        document = {
            "issuer": ISSUER_URL,
            "clients": {
                "malmo": {"client_id": "demo-malmo", "client_secret": "other"},
                "compliance": {"client_id": "officer", "client_secret": "s3cret"},
            },
        }
        path = tmp_path / "var" / "demo-clients.json"
        path.parent.mkdir()
        path.write_text(json.dumps(document))
        return path

    def test_issuer_and_compliance_client_come_from_it(
        self, client, appender, make_entry, verify, signer, demo_file: Path
    ) -> None:
        _append(client, appender, make_entry, range(2))
        code, output = verify("--log-key", signer.verifier_key, credentials=False)
        assert (code, output.split(":")[0]) == (0, "OK")
        assert verify.errors[-1] == (
            f"note: the demo's issuer and compliance client from {demo_file}\n"
        )

    def test_a_named_client_gets_its_secret_from_it(
        self, client, appender, make_entry, verify, signer, demo_file: Path
    ) -> None:
        _append(client, appender, make_entry, range(1))
        key = signer.verifier_key
        argv = ["--log-key", key, "--issuer", ISSUER_URL, "--client-id", "officer"]
        code, output = verify(*argv, credentials=False)
        assert (code, output.split(":")[0]) == (0, "OK")
        assert verify.errors[-1] == ""

    def test_options_and_the_environment_come_first(
        self, verify, signer, demo_file: Path, monkeypatch
    ) -> None:
        monkeypatch.setenv("SAMVERKAN_ISSUER", "http://elsewhere.test")
        monkeypatch.setenv("SAMVERKAN_CLIENT_ID", "someone")
        code, output = verify("--log-key", signer.verifier_key, credentials=False)
        assert (code, output) == (
            1,
            "FAIL: no credentials: pass --client-id/"
            "--client-secret, set SAMVERKAN_CLIENT_ID/SAMVERKAN_CLIENT_SECRET, or "
            "SAMVERKAN_ACCESS_TOKEN\n",
        )


def test_verify_without_credentials_says_what_to_set(verify, monkeypatch) -> None:
    monkeypatch.delenv("SAMVERKAN_CLIENT_ID", raising=False)
    monkeypatch.delenv("SAMVERKAN_CLIENT_SECRET", raising=False)
    out = io.StringIO()
    code = main(["--url", LOG_URL], stdout=out, stderr=io.StringIO())
    assert code == 1
    assert out.getvalue().startswith("FAIL: no credentials: pass --client-id")


def test_verify_checks_the_log_in_batches(
    client, appender, make_entry, verify, monkeypatch
) -> None:
    monkeypatch.setattr(log_client, "_BATCH", 3)
    _append(client, appender, make_entry, range(10))
    code, output = verify()
    assert (code, output.split(",")[0]) == (0, "OK: 10 entries")


def test_verify_warns_when_the_log_key_is_not_pinned(
    client, appender, make_entry, verify, signer
) -> None:
    _append(client, appender, make_entry, range(2))
    assert verify()[0] == 0
    assert verify.errors[-1] == UNPINNED_WARNING
    assert UNPINNED_WARNING.startswith("WARNING: the log key is not pinned (--log-key)")
    assert verify("--log-key", signer.verifier_key)[0] == 0
    assert verify.errors[-1] == ""


# Switching a trigger off needs the file (SQLite) or the owner (PostgreSQL).
def _without_trigger(backend: str, table: str, trigger: str) -> str:
    if backend == "sqlite":
        return f"DROP TRIGGER {trigger}"
    return f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"


@dataclass(frozen=True)
class _LookUp:
    """One look-up index: its table and column, what verify calls it, the extra
    fields of the entries appended (``entry``), a value they all name, one none does."""

    table: str
    column: str
    label: str
    entry: dict[str, Any]
    named: str
    forged: str


class TestVerifyComparesTheLookUpIndexes:
    """Issue #16: the indexes subject look-ups, legal_basis and tip_id filters read."""

    @pytest.fixture
    def owner(self, database_url: str) -> Iterator[Any]:
        engine = create_engine(database_url, poolclass=NullPool)
        yield engine
        engine.dispose()

    @pytest.fixture(params=["subject", "tip"])
    def look_up(self, request, subject_of) -> _LookUp:
        if request.param == "subject":
            named, forged = subject_of(SUPPLIER), subject_of("19121212-1212")
            return _LookUp(
                "audit_entry_subjects", "subject", "subject", {}, named, forged
            )
        return _LookUp(
            "audit_entry_tips", "tip_id", "tip", {"tip_ids": [TIP]}, TIP, OTHER_TIP
        )

    def _tamper(
        self,
        owner,
        backend: str,
        table: str,
        trigger: str,
        statement: str,
        **values: object,
    ) -> None:
        # The statement names only the tables of the parametrisation above.
        with owner.begin() as connection:
            connection.execute(text(_without_trigger(backend, table, trigger)))
            connection.execute(text(statement), values)

    def test_an_intact_index_verifies(
        self, client, appender, make_entry, verify, signer
    ) -> None:
        _append(client, appender, make_entry, range(3))
        entries = [
            make_entry(3, subjects=[], legal_basis=["a", "b", "a"]),
            make_entry(4, tip_ids=[TIP, OTHER_TIP, TIP]),
        ]
        for entry in entries:
            client.post("/v1/entries", json=entry, headers=appender)
        code, output = verify("--log-key", signer.verifier_key)
        assert (code, output.split(",")[0]) == (0, "OK: 5 entries")

    def test_a_forged_row_fails(
        self, client, appender, make_entry, verify, signer, owner, backend, look_up
    ) -> None:
        _append(client, appender, make_entry, range(3), **look_up.entry)
        self._tamper(
            owner,
            backend,
            look_up.table,
            f"{look_up.table}_matches_entry",
            f"INSERT INTO {look_up.table} ({look_up.column}, entry_index) "  # noqa: S608
            "VALUES (:value, 1)",
            value=look_up.forged,
        )
        assert verify("--log-key", signer.verifier_key) == (
            1,
            f"FAIL: entry 1: the {look_up.label} index does not match the leaf (index "
            f"rows the leaf does not name: ['{look_up.forged}']; named but not indexed: "
            "[]), so look-ups answer wrongly\n",
        )

    def test_a_removed_row_fails(
        self, client, appender, make_entry, verify, signer, owner, backend, look_up
    ) -> None:
        _append(client, appender, make_entry, range(3), **look_up.entry)
        trigger = look_up.table
        trigger += "_no_delete" if backend == "sqlite" else "_append_only"
        self._tamper(
            owner,
            backend,
            look_up.table,
            trigger,
            f"DELETE FROM {look_up.table} WHERE entry_index = 2",  # noqa: S608
        )
        assert verify("--log-key", signer.verifier_key) == (
            1,
            f"FAIL: entry 2: the {look_up.label} index does not match the leaf (index "
            "rows the leaf does not name: []; named but not indexed: "
            f"['{look_up.named}']), so look-ups answer wrongly\n",
        )
