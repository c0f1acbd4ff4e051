"""Fixtures of the tips tests: a migrated database per test, the app, tip bodies."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine, migrate
from samverkan_tips.agreements.csv_import import parse_agreements_csv
from samverkan_tips.agreements.service import import_agreements
from samverkan_tips.app import create_app
from samverkan_tips.settings import TipsSettings
from tests.support.databases import DatabaseFactory
from tests.support.payloads import CHILD
from tests.support.tokens import TestIssuer

# The agreement owners: a purchasing centre, and a municipality for its own agreement.
PURCHASING_CENTRE = "556578-5788"
MALMO = "212000-1124"
LUND = "212000-1173"
_HVB = (
    "hvb-2022,HVB 2022,HVB,2022-04-01,2027-03-31,1:Bemanning|2:Utbildning|3:Tillstånd,"
    + PURCHASING_CENTRE
)
_ASSISTANS = (
    "assistans-2024,Assistans 2024,Personlig assistans,2024-01-01,,1:Kollektivavtal,"
    + LUND
)
AGREEMENTS_CSV = f"""\
agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,supplier_org_number,supplier_name
{_HVB},556677-8899,Exempel Omsorg AB
{_HVB},559123-4561,Trygga Hem HVB AB
{_ASSISTANS},559012-3450,Assistansbolaget Norr AB
"""
EXAMPLE_ORG = "556677-8899"
OTHER_ORG = "559123-4561"
ADULT = "19850412-4564"
NARRATIVE = "Nattpersonal saknades och barnet lämnades ensamt hela natten."
EMAIL = "handlaggare@malmo.se"

ALL_SCOPES = ["tips:write", "tips:read", "tips:manage", "tips:internal"]


def tip_body(**changes: Any) -> dict[str, Any]:
    """A valid POST /v1/tips body; keyword arguments replace top-level members."""
    body: dict[str, Any] = {
        "supplier": {"org_number": EXAMPLE_ORG, "name": "Exempel Omsorg AB"},
        "agreement_id": "hvb-2022",
        "categories": ["staffing", "safety"],
        "description": NARRATIVE,
        "occurred_on": "2026-10-01",
        "reporter": {
            "municipality_code": "1280",
            "unit": "IFO",
            "activity": "social_services",
            "contact_email": EMAIL,
        },
        "persons": [{"personal_number": CHILD, "role": "placed_child"}],
    }
    body.update(changes)
    return body


@pytest.fixture
def tips_url(backend: str, database_factory: DatabaseFactory) -> str:
    url = database_factory.new(backend, "tips", lambda u: migrate(u, "samverkan_tips"))
    engine = make_engine(url)
    with Session(engine) as session:
        import_agreements(session, parse_agreements_csv(AGREEMENTS_CSV))
    engine.dispose()
    return url


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.fixture
def settings(tmp_path: Path, tips_url: str) -> TipsSettings:
    return TipsSettings(data_dir=tmp_path, database_url=tips_url, demo=True)


@pytest.fixture
def make_client(
    settings: TipsSettings, issuer: TestIssuer, keyring: Keyring
) -> Iterator[Callable[..., TestClient]]:
    """Builds clients over apps on the same database (e.g. with another keyring)."""
    clients: list[TestClient] = []

    def make(keys: Keyring | None = None, **changes: Any) -> TestClient:
        # ``changes``: other settings for this app (e.g. the webhook allow-list).
        configured = settings.model_copy(update=changes) if changes else settings
        app = create_app(
            configured,
            token_validator=issuer.validator("tips"),
            keyring=keys or keyring,
        )
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    made: TestClient = make_client()
    return made


@pytest.fixture
def engine(tips_url: str) -> Iterator[Engine]:
    engine = make_engine(tips_url)
    yield engine
    engine.dispose()


@pytest.fixture
def writer(issuer: TestIssuer) -> dict[str, str]:
    return issuer.headers(["tips:write", "tips:read"])


@pytest.fixture
def manager(issuer: TestIssuer) -> dict[str, str]:
    """The tip function of the purchasing centre that owns hvb-2022."""
    return issuer.headers(
        ALL_SCOPES, client_id="adda-tip-function", org_number=PURCHASING_CENTRE
    )


class Kit:
    """Test data and helpers, handed to tests as the `kit` fixture.

    (Test modules cannot import the conftest under --import-mode=importlib.)
    """

    example_org = EXAMPLE_ORG
    purchasing_centre = PURCHASING_CENTRE
    malmo = MALMO
    lund = LUND
    other_org = OTHER_ORG
    child = CHILD
    adult = ADULT
    narrative = NARRATIVE
    email = EMAIL
    all_scopes = ALL_SCOPES
    agreements_csv = AGREEMENTS_CSV

    @staticmethod
    def body(**changes: Any) -> dict[str, Any]:
        return tip_body(**changes)

    @staticmethod
    def file(
        client: TestClient, headers: dict[str, str], **changes: Any
    ) -> dict[str, Any]:
        response = client.post("/v1/tips", json=tip_body(**changes), headers=headers)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
