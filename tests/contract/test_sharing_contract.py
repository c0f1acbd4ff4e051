"""Schemathesis against the sharing service's OpenAPI document, with real tokens."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.specs.openapi.checks import missing_required_header
from sqlmodel import Session

from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app
from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.settings import SharingSettings
from tests.support.contract_checks import (
    CHECKS,
    EXAMPLES,
    OAUTH_ENDPOINTS,
    assert_problem_errors,
)
from tests.support.databases import DatabaseFactory
from tests.support.fakes import FakeAuditLog, FakeTips
from tests.support.sharing import ISSUER

pytestmark = pytest.mark.contract


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
        with Session(app.platform.engine) as session:
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


# The OAuth endpoints take HTTP Basic *or* a client assertion in the form (their
# security requirements are alternatives). schemathesis 4.3.3 reads every http scheme
# of any alternative as a required Authorization header and expects 401 without it;
# RFC 6749 §5.2 answers a client that sent no credentials 400 invalid_client, with no
# challenge for a scheme it did not use (assert_problem_errors checks that body).
OR_ED_CLIENT_AUTHENTICATION = [missing_required_header]


@schema.parametrize()
@EXAMPLES
def test_sharing_api_honours_its_contract(
    case: Any, sharing_api: tuple[Any, dict[str, str]]
) -> None:
    oauth = case.path in OAUTH_ENDPOINTS
    response = case.call_and_validate(
        headers=sharing_api[1],
        checks=CHECKS,
        excluded_checks=OR_ED_CLIENT_AUTHENTICATION if oauth else None,
    )
    assert_problem_errors(response)
