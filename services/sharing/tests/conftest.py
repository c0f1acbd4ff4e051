"""Fixtures of the sharing service's tests: an app on a fresh database, demo clients."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app
from samverkan_sharing.oauth.service import register_client
from samverkan_sharing.settings import SharingSettings
from tests.support.databases import DatabaseFactory

ISSUER = "http://sharing.test"


@dataclass
class Sharing:
    client: TestClient
    settings: SharingSettings

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
def sharing(sharing_database: str, tmp_path: Path) -> Iterator[Sharing]:
    settings = SharingSettings(
        data_dir=tmp_path, database_url=sharing_database, demo=True, issuer=ISSUER
    )
    with TestClient(create_app(settings), base_url=ISSUER) as client:
        yield Sharing(client, settings)
