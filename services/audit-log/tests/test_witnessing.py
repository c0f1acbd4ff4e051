"""The log asks its witnesses to cosign (C2SP tlog-witness), serves the cosigned
checkpoint, and hands out receipts as tlog-proofs; a witness outage blocks nothing.

The witnesses are the real witness app, in process, behind a switch that can take
them off the network.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from samverkan_audit_log.app import create_app
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.cosignature import verified_cosignatures
from samverkan_shared.db import migrate
from samverkan_shared.signed_note import parse_verifier_key
from samverkan_witness.app import create_app as create_witness
from samverkan_witness.keys import WitnessSigner
from samverkan_witness.receipts.verify import ReceiptInvalid, verify_receipt
from samverkan_witness.settings import WitnessSettings
from tests.support.databases import DatabaseFactory
from tests.support.tokens import TestIssuer

PSEUDONYM_KEY = b"witnessing tests pseudonym key, 32+ bytes long"


class Switch(httpx.BaseTransport):
    """Routes requests by host to the witnesses' in-process apps, unless taken down."""

    def __init__(self) -> None:
        self.routes: dict[str, httpx.BaseTransport] = {}
        self.down: set[str] = set()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        first_line = request.content.split(b"\n", 1)[0].decode()
        self.requests.append(f"{host} {first_line}")
        if host in self.down or host not in self.routes:
            raise httpx.ConnectError("witness unreachable", request=request)
        return self.routes[host].handle_request(request)


class Witnesses:
    """Witness apps ``w0``, ``w1``... reachable at ``http://w0`` and so on."""

    def __init__(self, tmp_path: Path, factory: DatabaseFactory, backend: str) -> None:
        self.tmp_path = tmp_path
        self.factory = factory
        self.backend = backend
        self.switch = Switch()
        self.signers: dict[str, WitnessSigner] = {}
        self.clients: dict[str, TestClient] = {}
        self.stack = ExitStack()

    def start(self, host: str, log: LogSigner) -> WitnessSigner:
        signer = WitnessSigner(f"{host}.test/witness", Ed25519PrivateKey.generate())
        logs = self.tmp_path / f"{host}-logs.txt"
        logs.write_text(f"{log.origin} {log.verifier_key}\n")
        url = self.factory.new(self.backend, "witness", _migrate_witness)
        settings = WitnessSettings(
            data_dir=self.tmp_path, database_url=url, logs_file=logs
        )
        client = self.stack.enter_context(
            TestClient(create_witness(settings, signer=signer))
        )
        self.switch.routes[host] = client._transport
        self.signers[host] = signer
        self.clients[host] = client
        return signer


def _migrate_witness(url: str) -> None:
    migrate(url, "samverkan_witness")


@pytest.fixture
def witnesses(tmp_path, database_factory, backend) -> Iterator[Witnesses]:
    pool = Witnesses(tmp_path, database_factory, backend)
    with pool.stack:
        yield pool


@pytest.fixture
def log_app(
    tmp_path, database_url, issuer: TestIssuer, signer: LogSigner, witnesses: Witnesses
) -> Iterator[Callable[..., TestClient]]:
    """``log_app(["w0", "w1"], policy=2)``: the log asking those witnesses."""
    stack = ExitStack()

    def start(hosts: list[str], policy: int = 1) -> TestClient:
        lines = [f"http://{h} {witnesses.start(h, signer).key.encode()}" for h in hosts]
        witnesses_file = tmp_path / "audit-log-witnesses.txt"
        witnesses_file.write_text("\n".join(lines) + "\n")
        settings = AuditLogSettings(
            data_dir=tmp_path,
            database_url=database_url,
            demo=True,
            witnesses_file=witnesses_file,
            witness_policy=policy,
            witness_interval=3600,  # the tests run the rounds themselves
        )
        app = create_app(
            settings,
            token_validator=issuer.validator("audit-log"),
            signing_key=signer,
            pseudonym_key=PSEUDONYM_KEY,
            witness_client=httpx.Client(transport=witnesses.switch),
        )
        return stack.enter_context(TestClient(app))

    with stack:
        yield start


def _round(client: TestClient) -> None:
    client.app.running.state.witnessing.round()  # type: ignore[attr-defined]


def _append(
    client: TestClient, appender, make_entry, count: int, first: int = 0
) -> None:
    for number in range(first, first + count):
        response = client.post("/v1/entries", json=make_entry(number), headers=appender)
        assert response.status_code == 201, response.text


def _cosigners(note: str, *signers: WitnessSigner) -> list[str]:
    return [c.name for c in verified_cosignatures(note, [s.key for s in signers])]


def test_a_round_cosigns_the_newest_checkpoint(
    log_app, witnesses, appender, reader, make_entry
) -> None:
    client = log_app(["w0"])
    _append(client, appender, make_entry, 3)
    before = client.get("/v1/checkpoint", headers=reader)
    assert before.headers["Samverkan-Witnessed"] == "false"
    assert _cosigners(before.text, witnesses.signers["w0"]) == []
    _round(client)
    after = client.get("/v1/checkpoint", headers=reader)
    assert after.headers["Samverkan-Witnessed"] == "true"
    assert after.text.startswith(before.text)
    assert _cosigners(after.text, witnesses.signers["w0"]) == ["w0.test/witness"]
    # The public tlog-tiles checkpoint is the same cosigned note, without a token.
    public = client.get("/checkpoint")
    assert (public.text, public.headers["Samverkan-Witnessed"]) == (after.text, "true")
    status = client.get("/v1/witnesses", headers=reader).json()
    assert status["witnessed_size"] == status["tree_size"] == 3
    assert status["witnesses"][0]["acknowledged_size"] == 3
    # Nothing new: the next round asks no one.
    asked = len(witnesses.switch.requests)
    _round(client)
    assert len(witnesses.switch.requests) == asked


def test_an_outage_blocks_no_append_and_the_witness_catches_up(
    log_app, witnesses, appender, reader, make_entry
) -> None:
    client = log_app(["w0"])
    _append(client, appender, make_entry, 2)
    _round(client)
    witnesses.switch.down.add("w0")
    _append(client, appender, make_entry, 3, first=2)
    _round(client)
    status = client.get("/v1/witnesses", headers=reader).json()["witnesses"][0]
    assert status["acknowledged_size"] == 2
    assert "cannot reach http://w0" in status["last_error"]
    assert (
        client.get("/v1/checkpoint", headers=reader).headers["Samverkan-Witnessed"]
        == "false"
    )
    _append(client, appender, make_entry, 2, first=5)
    witnesses.switch.down.clear()
    _round(client)
    # One request, from the size the witness acknowledged, with its proof.
    assert witnesses.switch.requests[-1] == "w0 old 2"
    checkpoint = client.get("/v1/checkpoint", headers=reader)
    assert checkpoint.headers["Samverkan-Witnessed"] == "true"
    assert checkpoint.text.split("\n")[1] == "7"
    assert (
        client.get("/v1/witnesses", headers=reader).json()["witnesses"][0]["last_error"]
        is None
    )


def test_a_409_is_answered_by_sending_again_from_the_witness_size(
    log_app, witnesses, appender, reader, make_entry
) -> None:
    client = log_app(["w0"])
    _append(client, appender, make_entry, 3)
    note = client.get("/v1/checkpoint", headers=reader).text
    # The witness saw size 3 without the log knowing (its answer was lost, say).
    witness = witnesses.clients["w0"]
    assert (
        witness.post("/add-checkpoint", content=f"old 0\n\n{note}".encode()).status_code
        == 200
    )
    _append(client, appender, make_entry, 2, first=3)
    _round(client)
    assert witnesses.switch.requests[-2:] == ["w0 old 0", "w0 old 3"]
    assert (
        client.get("/v1/checkpoint", headers=reader).headers["Samverkan-Witnessed"]
        == "true"
    )


def test_the_policy_counts_the_cosignatures_of_pinned_witnesses(
    log_app, witnesses, appender, reader, make_entry
) -> None:
    client = log_app(["w0", "w1"], policy=2)
    witnesses.switch.down.add("w1")
    _append(client, appender, make_entry, 2)
    _round(client)
    checkpoint = client.get("/v1/checkpoint", headers=reader)
    assert _cosigners(checkpoint.text, witnesses.signers["w0"]) == ["w0.test/witness"]
    assert checkpoint.headers["Samverkan-Witnessed"] == "false"
    witnesses.switch.down.clear()
    _round(client)
    assert (
        client.get("/v1/checkpoint", headers=reader).headers["Samverkan-Witnessed"]
        == "true"
    )


def _receipt(client: TestClient, index: int, headers: dict[str, str]) -> httpx.Response:
    return client.get(f"/v1/entries/{index}/tlog-proof", headers=headers)


def test_a_receipt_is_a_tlog_proof_that_verifies_offline(
    log_app, witnesses, appender, reader, make_entry
) -> None:
    client = log_app(["w0"])
    _append(client, appender, make_entry, 3)
    log_key = parse_verifier_key(client.get("/v1/log-key").text)
    witness_key = witnesses.signers["w0"].key
    unwitnessed = _receipt(client, 1, reader)
    assert unwitnessed.headers["Samverkan-Witnessed"] == "false"
    assert unwitnessed.text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    with pytest.raises(ReceiptInvalid, match="witnesses: 0 of the 1 required"):
        verify_receipt(unwitnessed.text, log_key, [witness_key])
    assert verify_receipt(unwitnessed.text, log_key).index == 1
    _round(client)
    _append(client, appender, make_entry, 2, first=3)
    # Entry 1 is proved against the witnessed checkpoint of size 3, entry 4 only
    # against the newest, which is not witnessed yet.
    witnessed = _receipt(client, 1, reader)
    assert witnessed.headers["Samverkan-Witnessed"] == "true"
    verdict = verify_receipt(witnessed.text, log_key, [witness_key])
    assert (verdict.tree_size, verdict.witnesses) == (3, ("w0.test/witness",))
    assert verdict.payload_sha256 == make_entry(1)["payload_sha256"]
    newest = _receipt(client, 4, reader)
    assert newest.headers["Samverkan-Witnessed"] == "false"
    assert verify_receipt(newest.text, log_key).tree_size == 5


def test_a_receipt_needs_audit_read_or_audit_append(
    log_app, appender, reader, issuer, make_entry
) -> None:
    """The appender (sharing) fetches receipts to hand them to recipients."""
    client = log_app([])
    _append(client, appender, make_entry, 1)
    assert client.get("/v1/entries/0/tlog-proof").status_code == 401
    other = issuer.headers(["tips:read"], client_id="someone", aud=["audit-log"])
    assert _receipt(client, 0, other).status_code == 403
    assert _receipt(client, 0, appender).text == _receipt(client, 0, reader).text
    assert _receipt(client, 5, reader).status_code == 404
    assert client.get("/v1/witnesses", headers=appender).status_code == 403


def test_cosignatures_are_append_only(
    log_app, appender, make_entry, database_url, backend
) -> None:
    client = log_app(["w0"])
    _append(client, appender, make_entry, 1)
    _round(client)
    engine = create_engine(database_url, poolclass=NullPool)
    statements = [
        "UPDATE audit_cosignatures SET signed_at = signed_at",
        "DELETE FROM audit_cosignatures",
    ]
    if backend == "postgresql":
        statements.append("TRUNCATE audit_cosignatures")
    try:
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
                c.execute(text(statement))
        if backend == "postgresql":
            with engine.connect() as connection:
                held = [
                    connection.execute(
                        text(
                            "SELECT has_table_privilege(:r, 'audit_cosignatures', :p)"
                        ),
                        {"r": "samverkan_audit_writer", "p": privilege},
                    ).scalar()
                    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")
                ]
            assert held == [True, True, False, False]
    finally:
        engine.dispose()
