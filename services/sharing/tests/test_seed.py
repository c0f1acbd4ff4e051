"""The demo's clients and people: seeded once, an older demo upgraded in place."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.seed import seed
from tests.support.sharing import Sharing
from tests.support.signing_in import SignIn

CONSOLE_SCOPES = "openid profile disclosures:assess disclosures:approve audit:read"


@pytest.fixture
def operator(sharing: Sharing, monkeypatch: pytest.MonkeyPatch) -> Sharing:
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    return sharing


def _demo_clients(data_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((data_dir / "demo-clients.json").read_text())
    return document


def test_a_demo_seeded_before_gets_its_filing_client_s_municipality(
    operator: Sharing, tmp_path: Path
) -> None:
    # As an older `make run` left it: the filing client has no municipality code.
    operator.register(client_id="demo-malmo", scopes=["tips:read"])

    seed(tmp_path)

    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        record = ClientRepository(session).get("demo-malmo")
    assert record is not None
    assert record.municipality_code == "1280"


def test_the_demo_people_sign_in_through_the_console_client(
    operator: Sharing, tmp_path: Path
) -> None:
    seed(tmp_path)

    document = _demo_clients(tmp_path)
    console = document["clients"]["console"]
    assert console["client_id"] == "demo-console"
    assert console["scopes"] == CONSOLE_SCOPES
    assert set(document["people"]) == {"assessor", "approver", "compliance"}
    assert "approver" not in document["clients"]  # approving is a person's only
    usernames = {person["username"] for person in document["people"].values()}
    assert len(usernames) == 3  # the approver is another person than the assessor
    granted = {}
    for role, person in document["people"].items():
        sign_in = SignIn(
            operator.client,
            console["client_id"],
            console["client_secret"],
            redirect_uri="http://127.0.0.1:8004/auth/callback",
        )
        tokens = sign_in.tokens(person["username"], person["password"])
        granted[role] = set(tokens["scope"].split()) - {"openid", "profile"}
    assert granted == {
        "assessor": {"disclosures:assess"},
        "approver": {"disclosures:approve"},
        "compliance": {"audit:read"},
    }


def test_seeding_twice_changes_nothing(operator: Sharing, tmp_path: Path) -> None:
    seed(tmp_path)
    first = _demo_clients(tmp_path)

    seed(tmp_path)

    assert _demo_clients(tmp_path) == first
    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        assert len(PersonRepository(session).all()) == 3


def test_a_demo_seeded_before_people_gains_them_and_keeps_its_secrets(
    operator: Sharing, tmp_path: Path
) -> None:
    seed(tmp_path)
    older = _demo_clients(tmp_path)
    del older["people"], older["clients"]["console"]
    (tmp_path / "demo-clients.json").write_text(json.dumps(older))
    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        for person in PersonRepository(session).all():
            session.delete(person)
        console = ClientRepository(session).get("demo-console")
        session.delete(console)
        session.commit()

    seed(tmp_path)

    upgraded = _demo_clients(tmp_path)
    assert upgraded["clients"]["polisen"] == older["clients"]["polisen"]
    assert upgraded["clients"]["console"]["client_id"] == "demo-console"
    assert set(upgraded["people"]) == {"assessor", "approver", "compliance"}
