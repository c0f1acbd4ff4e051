"""Schemathesis against the sharing service's OpenAPI document, with real tokens."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app
from samverkan_sharing.oauth.service import register_client
from samverkan_sharing.settings import SharingSettings
from services.sharing.tests.fakes import FakeAuditLog, FakeTips
from tests.contract.checks import CHECKS, EXAMPLES, assert_problem_errors
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.contract
ISSUER = "http://sharing.test"


@pytest.fixture
def sharing_api(
    database_factory: DatabaseFactory, tmp_path: Path
) -> Iterator[tuple[Any, dict[str, str]]]:
    url = database_factory.new(
        "sqlite", "sharing", lambda u: migrate(u, "samverkan_sharing")
    )
    settings = SharingSettings(
        data_dir=tmp_path, database_url=url, demo=True, issuer=ISSUER
    )
    tips, audit = FakeTips(), FakeAuditLog()
    app = create_app(settings, tips_http=tips.client(), audit_http=audit.client())
    with TestClient(app, base_url=ISSUER) as client:
        with Session(app.state.engine) as session:
            register_client(
                session, client_id="sharing-service", name="svc", org_number="212000-1124",
                kind="service", scopes=["audit:append", "tips:internal"],
            )  # fmt: skip
            record, secret = register_client(
                session, name="Polisen", org_number="202100-0076", kind="partner",
                recipient="polismyndigheten",
                scopes=["disclosures:request", "disclosures:assess", "disclosures:approve"],
            )  # fmt: skip
            client_id = record.client_id
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret or ""),
        ).json()["access_token"]
        yield app, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def sharing_schema(sharing_api: tuple[Any, dict[str, str]]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", sharing_api[0])


schema = schemathesis.pytest.from_fixture("sharing_schema")


@schema.parametrize()
@EXAMPLES
def test_sharing_api_honours_its_contract(
    case: Any, sharing_api: tuple[Any, dict[str, str]]
) -> None:
    response = case.call_and_validate(headers=sharing_api[1], checks=CHECKS)
    assert_problem_errors(response)
