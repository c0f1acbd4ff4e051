"""Fixtures of the sharing service's tests: an app on a fresh database, demo clients."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.settings import SharingSettings
from tests.support.databases import DatabaseFactory
from tests.support.fakes import FakeAuditLog, FakeTips
from tests.support.sharing import HOLDER_ORG_NUMBER, ISSUER, Sharing


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
            # Outside the demo (``demo=False``) the keys an earlier app of this
            # test generated are read, not made.
            defaults = {"demo": True, "holder_org_number": HOLDER_ORG_NUMBER}
            settings = SharingSettings(
                data_dir=tmp_path,
                database_url=sharing_database,
                issuer=ISSUER,
                **{**defaults, **overrides},
            )
            tips, audit = tips or FakeTips(), FakeAuditLog()
            app = create_app(
                settings, tips_http=tips.client(), audit_http=audit.client()
            )
            client = running.enter_context(TestClient(app, base_url=ISSUER))
            sharing = Sharing(client, settings, tips, audit)
            with Session(app.platform.engine) as session:
                if ClientRepository(session).get("sharing-service") is not None:
                    return sharing
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


@pytest.fixture
def mtls(sharing_factory: Callable[..., Sharing]) -> Sharing:
    """sharing behind an ingress it trusts to forward client certificates."""
    return sharing_factory(trust_client_cert_header=True)
