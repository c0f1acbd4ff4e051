"""A console started before its client is registered runs, and says what is missing."""

from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from samverkan_console.app import create_app
from samverkan_console.settings import ClientCredentials, ConsoleSettings


def _provider(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, json={"issuer": "https://idp.example", "jwks_uri": "https://idp.example/k"}
    )


def test_signing_in_names_the_missing_registration(tmp_path: Path) -> None:
    settings = ConsoleSettings(
        data_dir=tmp_path, demo=False, oidc_issuer="https://idp.example"
    )
    app = create_app(settings, transport=httpx.MockTransport(_provider))
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        page = client.get("/auth/login", follow_redirects=False)

    assert page.status_code == 503
    assert "Konsolen är inte registrerad" in page.text
    assert "CONSOLE_CLIENT_ID" in page.text


def test_the_demo_console_reads_its_client_from_the_demo_file(tmp_path: Path) -> None:
    (tmp_path / "demo-clients.json").write_text(
        '{"clients": {"console": {"client_id": "demo-console", "client_secret": "s"}}}'
    )
    settings = ConsoleSettings(data_dir=tmp_path, demo=True)
    assert settings.client() == ClientCredentials("demo-console", secret="s")
    configured = ConsoleSettings(
        data_dir=tmp_path, demo=True, client_id="mine", client_secret="x"
    )
    assert configured.client() == ClientCredentials("mine", secret="x")
    (tmp_path / "key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----")
    keyed = ConsoleSettings(
        data_dir=tmp_path,
        client_id="mine",
        client_secret="x",
        client_key_file=tmp_path / "key.pem",
    )
    # A key wins: the secret is then never sent.
    assert keyed.client() == ClientCredentials(
        "mine", key_pem=b"-----BEGIN PRIVATE KEY-----"
    )
