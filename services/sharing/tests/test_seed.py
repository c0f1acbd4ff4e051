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

CONSOLE_SCOPES = (
    "openid profile disclosures:assess disclosures:approve audit:read "
    "tips:write tips:read tips:manage"
)


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
    assert set(document["people"]) == {
        "assessor",
        "approver",
        "compliance",
        "reporter",
        "case_officer",
    }
    assert "approver" not in document["clients"]  # approving is a person's only
    usernames = {person["username"] for person in document["people"].values()}
    assert len(usernames) == 5  # the approver is another person than the assessor
    granted = {}
    for role, person in document["people"].items():
        sign_in = SignIn(
            operator.client,
            console["client_id"],
            console["client_secret"],
            scope=console["scopes"],
            redirect_uri="http://127.0.0.1:8004/auth/callback",
        )
        tokens = sign_in.tokens(person["username"], person["password"])
        granted[role] = set(tokens["scope"].split()) - {"openid", "profile"}
    assert granted == {
        "assessor": {"disclosures:assess"},
        "approver": {"disclosures:approve"},
        "compliance": {"audit:read"},
        "reporter": {"tips:write", "tips:read"},
        "case_officer": {"tips:manage", "tips:read"},
    }


def test_the_case_officer_is_the_purchasing_centre_s_and_the_reporter_malmo_s(
    operator: Sharing, tmp_path: Path
) -> None:
    seed(tmp_path)

    people = _demo_clients(tmp_path)["people"]
    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        repository = PersonRepository(session)
        officer = repository.by_username(people["case_officer"]["username"])
        reporter = repository.by_username(people["reporter"]["username"])
    assert officer is not None
    assert reporter is not None
    # Adda owns the demo agreements (tips seed), so its officer manages their tips.
    assert officer.org_number == "556578-5788"
    assert reporter.org_number == "212000-1124"


def test_an_older_demo_s_console_gains_the_tips_scopes_and_keeps_its_own(
    operator: Sharing, tmp_path: Path
) -> None:
    operator.register(
        client_id="demo-console",
        scopes=["openid", "profile", "audit:read"],
        redirect_uris=["http://127.0.0.1:8004/auth/callback"],
    )

    seed(tmp_path)

    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        record = ClientRepository(session).get("demo-console")
    assert record is not None
    assert set(record.scopes) == set(CONSOLE_SCOPES.split())
    assert record.municipality_code == "1280"


def test_seeding_twice_changes_nothing(operator: Sharing, tmp_path: Path) -> None:
    seed(tmp_path)
    first = _demo_clients(tmp_path)

    seed(tmp_path)

    assert _demo_clients(tmp_path) == first
    with Session(operator.client.app.platform.engine) as session:  # type: ignore[attr-defined]
        assert len(PersonRepository(session).all()) == 5


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
    assert set(upgraded["people"]) == {
        "assessor",
        "approver",
        "compliance",
        "reporter",
        "case_officer",
    }
