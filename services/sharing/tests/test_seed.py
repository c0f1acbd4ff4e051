"""The demo's clients: a demo seeded before clients named their municipality is upgraded."""

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.seed import seed


def test_a_demo_seeded_before_gets_its_filing_client_s_municipality(
    sharing: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As an older `make run` left it: the filing client has no municipality code.
    sharing.register(client_id="demo-malmo", scopes=["tips:read"])
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)

    seed(tmp_path)

    with Session(sharing.client.app.platform.engine) as session:
        record = ClientRepository(session).get("demo-malmo")
    assert record is not None
    assert record.municipality_code == "1280"
