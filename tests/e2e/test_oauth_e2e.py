"""OAuth over real HTTP: a third-party client gets a token; revocation reaches every service."""

import base64
import json
import os
import subprocess
import sys
from functools import partial

import httpx
import pytest
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

from samverkan_shared.supervisor import Suite
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


def _demo(suite: Suite, key: str) -> dict[str, str]:
    document = json.loads((suite.data_dir / "demo-clients.json").read_text())
    client: dict[str, str] = document["clients"][key]
    return client


def test_third_party_oauth_client_gets_a_token(
    running_suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests-oauthlib, not our code, speaks the client credentials grant."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain HTTP on loopback
    malmo = _demo(running_suite, "malmo")
    session = OAuth2Session(
        client=BackendApplicationClient(client_id=malmo["client_id"])
    )
    token = session.fetch_token(
        token_url=f"{running_suite.url('sharing')}/oauth/token",
        client_id=malmo["client_id"],
        client_secret=malmo["client_secret"],
        scope=["tips:read"],
    )
    assert token["token_type"] == "Bearer"
    assert token["scope"] == ["tips:read"]
    assert token["expires_in"] == 300


def _token(suite: Suite, client: dict[str, str], scope: str) -> str:
    response = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_issuer_metadata_and_jwks_are_public(running_suite: Suite) -> None:
    base = running_suite.url("sharing")
    metadata = httpx.get(f"{base}/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == base
    assert httpx.get(metadata["jwks_uri"]).json()["keys"][0]["alg"] == "ES256"


def test_client_revoked_by_the_operator_is_refused_everywhere(
    running_suite: Suite,
) -> None:
    env = {**os.environ, **running_suite.env}
    added = subprocess.run(
        [
            sys.executable, "-m", "samverkan_shared.cli", "clients", "add",
            "--name", "Revisor", "--org-number", "212000-1124", "--kind", "compliance",
            "--scopes", "audit:read tips:read",
        ],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    client = json.loads(added.stdout)
    token = _token(running_suite, client, "audit:read tips:read")
    subprocess.run(
        [sys.executable, "-m", "samverkan_shared.cli", "clients", "revoke", client["client_id"]],
        env=env, capture_output=True, check=True,
    )  # fmt: skip
    refused = httpx.post(
        f"{running_suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert refused.status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    for service, path in (("tips", "/v1/tips"), ("audit-log", "/v1/entries")):
        url = f"{running_suite.url(service)}{path}"
        # Resource servers poll the revocation list every two seconds.
        wait_until(partial(_refuses, url, bearer), what=f"{service} refusing")
        response = httpx.get(url, headers=bearer)
        assert response.status_code == 401, (service, response.text)
        assert "revoked" in response.json()["detail"]


def _refuses(url: str, headers: dict[str, str]) -> bool:
    return httpx.get(url, headers=headers).status_code != 200


def _with_algorithm(token: str, algorithm: str) -> str:
    """The token with its header's alg changed; kid and signature kept."""
    header, payload, signature = token.split(".")
    head = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    head["alg"] = algorithm
    encoded = base64.urlsafe_b64encode(json.dumps(head).encode()).rstrip(b"=")
    return f"{encoded.decode()}.{payload}.{signature}"


@pytest.mark.parametrize("algorithm", ["PS256", "RS256", "EdDSA"])
def test_the_real_kid_with_a_foreign_algorithm_is_401_at_every_service(
    running_suite: Suite, algorithm: str
) -> None:
    """Once a 500 with a stack trace that also closed the kept-alive connection."""
    malmo = _demo(running_suite, "malmo")
    token = _token(running_suite, malmo, "tips:read")
    forged = {"Authorization": f"Bearer {_with_algorithm(token, algorithm)}"}
    for service, path in (
        ("tips", "/v1/tips"),
        ("audit-log", "/v1/entries"),
        ("sharing", "/v1/notifications"),
    ):
        with httpx.Client(base_url=running_suite.url(service)) as client:
            refused = client.get(path, headers=forged)
            assert refused.status_code == 401, (service, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["www-authenticate"].startswith(
                'Bearer error="invalid_token"'
            )
            assert f"algorithm {algorithm} does not fit" in refused.json()["detail"]
            port = refused.extensions["network_stream"].get_extra_info("client_addr")
            after = client.get("/healthz")
            assert after.status_code == 200
            # Served on the same kept-alive connection, not a new one.
            stream = after.extensions["network_stream"]
            assert stream.get_extra_info("client_addr") == port
