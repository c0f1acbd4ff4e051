"""Fixtures of the witness tests: a log's key, a migrated database per test, the app."""

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from samverkan_audit_log.merkle import (
    consistency_proof,
    leaf_hash,
    root_from_leaf_hashes,
)
from samverkan_shared.db import migrate
from samverkan_shared.signed_note import Checkpoint, sign_checkpoint, verifier_key_for
from samverkan_witness.app import create_app
from samverkan_witness.keys import WitnessSigner
from samverkan_witness.settings import WitnessSettings
from tests.support.databases import DatabaseFactory

ORIGIN = "samverkan.test/audit-log"
WITNESS = "samverkan.test/witness"


def migrate_witness(url: str) -> None:
    migrate(url, "samverkan_witness")


class SignedLog:
    """A log of numbered leaves signed by one key: checkpoints of any size, and forks."""

    def __init__(self, key: Ed25519PrivateKey, origin: str = ORIGIN) -> None:
        self.key = key
        self.origin = origin

    def hashes(self, size: int, fork: bytes = b"") -> list[bytes]:
        return [leaf_hash(fork + str(i).encode()) for i in range(size)]

    def checkpoint(self, size: int, fork: bytes = b"") -> str:
        root = root_from_leaf_hashes(self.hashes(size, fork))
        return sign_checkpoint(
            Checkpoint(self.origin, size, root), self.key, self.origin
        )

    def proof(self, old: int, size: int, fork: bytes = b"") -> list[bytes]:
        """RFC 9162 consistency proof from ``old`` to ``size`` (the log's own code)."""
        hashes = self.hashes(size, fork)
        return consistency_proof(
            old, size, lambda start, end: root_from_leaf_hashes(hashes[start:end])
        )

    @staticmethod
    def body(old: int, proof: list[bytes], note: str) -> bytes:
        """An add-checkpoint request body."""
        lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
        return ("\n".join(lines) + "\n\n" + note).encode()

    @property
    def verifier_key(self) -> str:
        return verifier_key_for(self.key, self.origin)


@pytest.fixture(scope="session")
def log() -> SignedLog:
    return SignedLog(Ed25519PrivateKey.generate())


@pytest.fixture(scope="session")
def signer() -> WitnessSigner:
    return WitnessSigner(WITNESS, Ed25519PrivateKey.generate())


@pytest.fixture
def database_url(backend: str, database_factory: DatabaseFactory) -> str:
    return database_factory.new(backend, "witness", migrate_witness)


@pytest.fixture
def build_app(
    tmp_path: Path, log: SignedLog, signer: WitnessSigner
) -> Callable[[str], FastAPI]:
    logs_file = tmp_path / "witness-logs.txt"
    logs_file.write_text(f"# the test log\n{log.origin} {log.verifier_key}\n")

    def build(url: str) -> FastAPI:
        settings = WitnessSettings(
            data_dir=tmp_path, database_url=url, logs_file=logs_file
        )
        return create_app(settings, signer=signer)

    return build


@pytest.fixture
def client(
    database_url: str, build_app: Callable[[str], FastAPI]
) -> Iterator[TestClient]:
    with TestClient(build_app(database_url)) as test_client:
        yield test_client


Submit = Callable[..., Response]


@pytest.fixture
def submit(client: TestClient, log: SignedLog) -> Submit:
    """``submit(old, size)``: the log's checkpoint of ``size`` with its proof from ``old``;
    ``fork=b"x"`` signs a tree of other leaves; ``note=`` sends a note as given."""

    def send(
        old: int,
        size: int,
        *,
        fork: bytes = b"",
        proof: list[bytes] | None = None,
        note: str | None = None,
    ) -> Response:
        if proof is None:
            proof = log.proof(old, size, fork) if 0 < old < size else []
        content = log.body(old, proof, note or log.checkpoint(size, fork))
        return client.post("/add-checkpoint", content=content)

    return send
