"""Schemathesis against the witness's OpenAPI document: whatever is sent, no 5xx, and
every refusal but the protocol's 409 is a problem."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient

from samverkan_shared.db import migrate
from samverkan_shared.signed_note import verifier_key_for
from samverkan_witness.app import create_app
from samverkan_witness.keys import WitnessSigner
from samverkan_witness.settings import WitnessSettings
from tests.support.contract_checks import CHECKS, EXAMPLES, assert_problem_errors
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.contract
ORIGIN = "samverkan.test/audit-log"


@pytest.fixture
def witness_api(database_factory: DatabaseFactory, tmp_path: Path) -> Iterator[FastAPI]:
    url = database_factory.new(
        "sqlite", "contract-witness", lambda u: migrate(u, "samverkan_witness")
    )
    logs = tmp_path / "witness-logs.txt"
    logs.write_text(
        f"{ORIGIN} {verifier_key_for(Ed25519PrivateKey.generate(), ORIGIN)}\n"
    )
    settings = WitnessSettings(data_dir=tmp_path, database_url=url, logs_file=logs)
    signer = WitnessSigner("samverkan.test/witness", Ed25519PrivateKey.generate())
    app = create_app(settings, signer=signer)
    with TestClient(app):
        yield app


@pytest.fixture
def witness_schema(witness_api: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", witness_api)


schema = schemathesis.pytest.from_fixture("witness_schema")


@schema.parametrize()
@EXAMPLES
def test_witness_api_honours_its_contract(case: Any) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert_problem_errors(response)
