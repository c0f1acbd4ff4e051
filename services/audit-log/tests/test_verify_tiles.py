"""`samverkan audit verify --via tiles` against the app, through a transport that
can alter what the log serves."""

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient

from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.cli import main
from tests.support.tokens import TestIssuer

LOG_URL = "http://audit.test"
# (path, byte offset) of a served response to flip one bit of, or None.
Alteration = tuple[str, int] | None


@pytest.fixture
def verify(
    app: FastAPI, issuer: TestIssuer, signer: LogSigner, monkeypatch, tmp_path: Path
) -> Callable[..., tuple[int, str]]:
    """Runs the CLI with a pinned key and a token; ``alter`` flips one bit of one
    response, ``served`` records the paths requested."""
    monkeypatch.setenv("SAMVERKAN_ACCESS_TOKEN", issuer.token(["audit:read"]))
    monkeypatch.setenv("SAMVERKAN_DATA_DIR", str(tmp_path / "var"))
    app_client = TestClient(app, base_url=LOG_URL)

    def run(
        *extra: str, alter: Alteration = None, served: list[str] | None = None
    ) -> tuple[int, str]:
        def handle(request: httpx.Request) -> httpx.Response:
            response = app_client.send(request)
            if served is not None:
                served.append(request.url.path)
            if alter is None or request.url.path != alter[0]:
                return response
            content = bytearray(response.content)
            content[alter[1]] ^= 1
            return httpx.Response(
                response.status_code, headers=response.headers, content=bytes(content)
            )

        def client_factory(base_url: str) -> httpx.Client:
            return httpx.Client(
                base_url=base_url, transport=httpx.MockTransport(handle)
            )

        out = io.StringIO()
        argv = ["--url", LOG_URL, "--log-key", signer.verifier_key, *extra]
        code = main(
            argv, client_factory=client_factory, stdout=out, stderr=io.StringIO()
        )
        return code, out.getvalue()

    return run


@pytest.fixture
def filled(client: TestClient, appender: dict[str, str], make_entry) -> None:
    for number in range(300):
        response = client.post("/v1/entries", json=make_entry(number), headers=appender)
        assert response.status_code == 201


@pytest.mark.usefixtures("filled")
class TestVerifyThroughTiles:
    def test_a_genuine_log_verifies_as_through_the_export(self, verify) -> None:
        served: list[str] = []
        through_tiles = verify("--via", "tiles", served=served)
        assert through_tiles == verify()
        assert through_tiles[1].startswith("OK: 300 entries, root ")
        assert served[0] == "/checkpoint"
        assert set(served) >= {
            "/tile/entries/000",
            "/tile/entries/001.p/44",
            "/tile/0/000",
            "/tile/0/001.p/44",
            "/tile/1/000.p/1",
        }
        assert "/v1/export" not in served

    @pytest.mark.parametrize(
        ("altered", "failure"),
        [
            (
                ("/tile/0/000", 32 * 9),
                "entry 9: hash 9 of tile/0/000 is not SHA-256(0x00 || leaf) of its "
                "leaf in tile/entries/000",
            ),
            (
                ("/tile/1/000.p/1", 0),
                "tile/1/000.p/1: hash 0 is not the Merkle root of tile/0/000",
            ),
            (
                # {"actor":"sharing-service",... becomes "rharing-service": still
                # canonical JSON, another leaf.
                ("/tile/entries/000", 2 + 10),
                "entry 0: hash 0 of tile/0/000 is not SHA-256(0x00 || leaf) of its "
                "leaf in tile/entries/000",
            ),
            (
                ("/tile/entries/000", 2 + 1),  # {"actor" becomes {#actor
                "entry 0: its leaf is not the RFC 8785 canonical JSON of an object",
            ),
            (("/tile/entries/001.p/44", 1), "tile/entries/001.p/44: "),
        ],
        ids=[
            "level-0 tile",
            "level-1 tile",
            "entry in a bundle",
            "entry no longer JSON",
            "bundle length",
        ],
    )
    def test_one_altered_byte_fails_naming_what(
        self, verify, altered: tuple[str, int], failure: str
    ) -> None:
        code, output = verify("--via", "tiles", alter=altered)
        assert code == 1
        assert output.startswith(f"FAIL: {failure}"), output

    def test_a_checkpoint_signed_by_another_key_fails(self, verify) -> None:
        other = LogSigner("samverkan.test/audit-log", Ed25519PrivateKey.generate())
        code, output = verify("--via", "tiles", "--log-key", other.verifier_key)
        assert code == 1
        assert output.startswith("FAIL: checkpoint: no signature by ")


def test_an_entry_too_long_for_a_bundle_is_read_from_the_entries(
    verify, client: TestClient, appender: dict[str, str], make_entry
) -> None:
    """The log cannot bundle an entry beyond 65,535 bytes: the verifier reads that
    tile's leaves one by one and still checks them against the tile."""
    subjects = [f"hmac-sha256:{n:064x}" for n in range(900)]
    for entry in (make_entry(0), make_entry(1, subjects=subjects), make_entry(2)):
        response = client.post("/v1/entries", json=entry, headers=appender)
        assert response.status_code == 201
    served: list[str] = []
    code, output = verify("--via", "tiles", served=served)
    assert (code, output) == verify()
    assert output.startswith("OK: 3 entries, root ")
    assert "/tile/entries/000.p/3" in served
    assert {"/v1/entries/0", "/v1/entries/1", "/v1/entries/2"} <= set(served)
