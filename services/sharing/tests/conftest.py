"""Fixtures of the sharing service's tests: an app on a fresh database, demo clients."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app
from samverkan_sharing.oauth.service import register_client
from samverkan_sharing.settings import SharingSettings
from services.sharing.tests.fakes import FakeAuditLog, FakeTips
from tests.support.databases import DatabaseFactory

ISSUER = "http://sharing.test"
STANDARD_CLIENTS: dict[str, dict[str, object]] = {
    "police": {
        "name": "Polismyndigheten",
        "org_number": "202100-0076",
        "kind": "partner",
        "recipient": "polismyndigheten",
        "scopes": ["disclosures:request"],
    },
    "skatteverket": {
        "name": "Skatteverket",
        "org_number": "202100-5448",
        "kind": "partner",
        "recipient": "skatteverket",
        "scopes": ["disclosures:request"],
    },
    "assessor": {"name": "Handläggare", "scopes": ["disclosures:assess", "tips:read"]},
    "assessor2": {"name": "Handläggare 2", "scopes": ["disclosures:assess"]},
    "approver": {"name": "Enhetschef", "scopes": ["disclosures:approve"]},
    "both": {
        "name": "Ensam chef",
        "scopes": ["disclosures:assess", "disclosures:approve"],
    },
}


@dataclass
class Sharing:
    client: TestClient
    settings: SharingSettings
    tips: FakeTips
    audit: FakeAuditLog

    def headers(self, key: str, scope: str | None = None) -> dict[str, str]:
        """Bearer headers for one of the standard test clients (registered on first use)."""
        if key not in self._clients:
            self._clients[key] = self.register(**STANDARD_CLIENTS[key])
        client_id, secret = self._clients[key]
        return {"Authorization": f"Bearer {self.token(client_id, secret, scope)}"}

    @property
    def _clients(self) -> dict[str, tuple[str, str | None]]:
        return self.__dict__.setdefault("_registered", {})

    def register(self, **fields: object) -> tuple[str, str | None]:
        defaults: dict[str, object] = {
            "name": "Malmö stad",
            "org_number": "212000-1124",
            "kind": "municipality",
            "scopes": ["tips:read"],
        }
        with Session(self.client.app.state.engine) as session:  # type: ignore[attr-defined]
            record, secret = register_client(session, **{**defaults, **fields})  # type: ignore[arg-type]
            return record.client_id, secret

    def token(
        self, client_id: str, secret: str | None, scope: str | None = None
    ) -> str:
        data = {"grant_type": "client_credentials"}
        if scope:
            data["scope"] = scope
        response = self.client.post(
            "/oauth/token", data=data, auth=(client_id, secret or "")
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


@pytest.fixture
def sharing_database(backend: str, database_factory: DatabaseFactory) -> str:
    return database_factory.new(
        backend, "sharing", lambda url: migrate(url, "samverkan_sharing")
    )


@pytest.fixture
def sharing_factory(
    sharing_database: str, tmp_path: Path
) -> Iterator[Callable[..., Sharing]]:
    """Makes the app with other fakes or settings (``outbound_threads=2``, say)."""
    with ExitStack() as running:

        def make(tips: FakeTips | None = None, **overrides: Any) -> Sharing:
            settings = SharingSettings(
                data_dir=tmp_path,
                database_url=sharing_database,
                demo=True,
                issuer=ISSUER,
                **overrides,
            )
            tips, audit = tips or FakeTips(), FakeAuditLog()
            app = create_app(
                settings, tips_http=tips.client(), audit_http=audit.client()
            )
            client = running.enter_context(TestClient(app, base_url=ISSUER))
            sharing = Sharing(client, settings, tips, audit)
            sharing.register(
                client_id="sharing-service",
                name="Samverkan sharing",
                kind="service",
                scopes=["audit:append", "tips:internal"],
            )
            return sharing

        yield make


@pytest.fixture
def sharing(sharing_factory: Callable[..., Sharing]) -> Sharing:
    return sharing_factory()
