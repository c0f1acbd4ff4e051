"""`samverkan people add|list` and `samverkan clients add --redirect-uri`."""

import json
from typing import Any

import pytest

from samverkan_shared.cli import main
from samverkan_sharing.oauth.registration import InvalidClient, register_client
from tests.support.sharing import Sharing
from tests.support.signing_in import REDIRECT_URI, SignIn


@pytest.fixture
def operator(sharing: Sharing, monkeypatch: pytest.MonkeyPatch) -> Sharing:
    """The operator's shell: the commands see the app's database and data folder."""
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    monkeypatch.setenv("SAMVERKAN_DATA_DIR", str(sharing.settings.data_dir))
    return sharing


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_person_added_on_the_command_line_can_sign_in(
    operator: Sharing,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMVERKAN_DEMO", "false")
    code, out, _ = _run(
        capsys,
        "people", "add", "--name", "Cecilia Chef", "--org-number", "212000-1124",
        "--username", "cecilia", "--roles", "approver compliance",
    )  # fmt: skip
    assert code == 0
    added = json.loads(out)
    assert added["totp_uri"].startswith("otpauth://totp/")  # outside the demo: always
    code, out, _ = _run(capsys, "clients", "add", "--name", "Konsol", "--org-number",
                        "212000-1124", "--kind", "municipality", "--scopes",
                        "openid profile disclosures:approve", "--redirect-uri",
                        REDIRECT_URI)  # fmt: skip
    assert code == 0
    client = json.loads(out)
    sign_in = SignIn(
        operator.client,
        client["client_id"],
        client["client_secret"],
        scope="openid profile disclosures:approve",
    )
    tokens = sign_in.tokens("cecilia", added["password"], added["totp_uri"])
    assert "disclosures:approve" in tokens["scope"].split()

    code, out, _ = _run(capsys, "people", "list")
    listed: list[dict[str, Any]] = [json.loads(line) for line in out.splitlines()]
    assert listed == [
        {
            "person_id": added["person_id"],
            "username": "cecilia",
            "name": "Cecilia Chef",
            "org_number": "212000-1124",
            "roles": ["approver", "compliance"],
            "second_factor": True,
            "active": True,
        }
    ]
    assert added["password"] not in out


def test_without_a_second_factor_only_in_the_demo(
    operator: Sharing,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["people", "add", "--name", "D", "--org-number", "212000-1124",
            "--username", "david", "--roles", "assessor", "--no-totp"]  # fmt: skip
    monkeypatch.setenv("SAMVERKAN_DEMO", "false")
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert "second factor" in err
    monkeypatch.setenv("SAMVERKAN_DEMO", "true")
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    assert "totp_uri" not in json.loads(out)


def test_a_bad_person_is_refused_with_the_reason(
    operator: Sharing, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "people", "add", "--name", "E", "--org-number",
                        "212000-1124", "--username", "eva", "--roles", "admin")  # fmt: skip
    assert code == 2
    assert "Roles are one or more of" in err


@pytest.mark.parametrize(
    "uri",
    [
        "http://console.example/cb",  # not HTTPS, not this machine
        "https://console.example/cb#fragment",  # RFC 6749 §3.1.2
        "/relative/cb",
        "console.example/cb",
    ],
)
def test_a_redirect_uri_must_be_absolute_https_without_fragment(
    operator: Sharing, uri: str
) -> None:
    from sqlmodel import Session

    app: Any = operator.client.app
    with Session(app.platform.engine) as session, pytest.raises(InvalidClient):
        register_client(
            session,
            name="Konsol",
            org_number="212000-1124",
            kind="municipality",
            scopes=["openid"],
            redirect_uris=[uri],
        )
