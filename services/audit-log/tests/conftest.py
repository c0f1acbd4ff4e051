"""Fixtures of the audit-log tests: a migrated database per test, the app, entry builders."""

import copy
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient

from samverkan_audit_log.app import create_app
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.db import migrate
from samverkan_shared.pseudonyms import pseudonymise
from tests.support.databases import DatabaseFactory
from tests.support.tokens import TestIssuer

ORIGIN = "samverkan.test/audit-log"
PSEUDONYM_KEY = b"audit-log tests pseudonym key, 32+ bytes long"
SUPPLIER = "556677-8899"


def migrate_audit_log(url: str) -> None:
    migrate(url, "samverkan_audit_log")


def _subject(identifier: str) -> str:
    return pseudonymise(identifier, PSEUDONYM_KEY)


def _make_entry(number: int = 0, **changes: Any) -> dict[str, Any]:
    """A valid entry; ``number`` varies the decision id and payload hash."""
    entry: dict[str, Any] = {
        "event": "disclosure.released",
        "decision_id": f"decision-{number}",
        "occurred_at": "2026-11-23T10:00:00Z",
        "actor": "sharing-service",
        "recipient": {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        },
        "legal_basis": ["osl-10-24"],
        "data_categories": ["supplier_company"],
        "subjects": [_subject(SUPPLIER)],
        "payload_sha256": hashlib.sha256(str(number).encode()).hexdigest(),
        "partner_reference": f"AM-{number}",
    }
    entry.update(copy.deepcopy(changes))
    return entry


@pytest.fixture(scope="session")
def make_entry() -> Callable[..., dict[str, Any]]:
    """Builds a valid entry: ``make_entry(3, recipient={...})``."""
    return _make_entry


@pytest.fixture(scope="session")
def subject_of() -> Callable[[str], str]:
    """The pseudonym the sharing service would write for an identity number."""
    return _subject


@pytest.fixture(scope="session")
def signer() -> LogSigner:
    return LogSigner(ORIGIN, Ed25519PrivateKey.generate())


@pytest.fixture
def database_url(backend: str, database_factory: DatabaseFactory) -> str:
    return database_factory.new(backend, "audit-log", migrate_audit_log)


@pytest.fixture
def build_app(
    tmp_path: Path, issuer: TestIssuer, signer: LogSigner
) -> Callable[[str], FastAPI]:
    def build(url: str) -> FastAPI:
        settings = AuditLogSettings(data_dir=tmp_path, database_url=url, demo=True)
        return create_app(
            settings,
            token_validator=issuer.validator("audit-log"),
            signing_key=signer,
            pseudonym_key=PSEUDONYM_KEY,
        )

    return build


@pytest.fixture
def app(database_url: str, build_app: Callable[[str], FastAPI]) -> FastAPI:
    return build_app(database_url)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def reader(issuer: TestIssuer) -> dict[str, str]:
    return issuer.headers(["audit:read"], client_id="compliance")


@pytest.fixture
def appender(issuer: TestIssuer) -> dict[str, str]:
    return issuer.headers(["audit:append"], client_id="sharing-service")
