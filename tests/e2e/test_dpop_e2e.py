"""A stolen token is useless over real HTTP: a DPoP-bound token copied from its holder
fails at tips, sharing and audit-log, as Bearer and with a proof of the thief's key,
while the holder's own requests pass; the demo's polisen-jwt gets only bound tokens."""

import json
import secrets
import time
from pathlib import Path

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.supervisor import Suite
from tests.support.dpop_client import DPoPClient

pytestmark = pytest.mark.e2e

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# (demo client, service, a path it may read)
HOLDINGS = [
    ("malmo", "tips", "/v1/tips"),
    ("polisen-jwt", "sharing", "/v1/disclosure-requests"),
    ("compliance", "audit-log", "/v1/entries"),
]


def _credentials(suite: Suite, key: str) -> dict[str, str]:
    document = json.loads((suite.data_dir / "demo-clients.json").read_text())
    client: dict[str, str] = document["clients"][key]
    return client


def _assertion_form(suite: Suite, client: dict[str, str]) -> dict[str, str]:
    key = JsonWebKey.import_key(Path(client["private_key_file"]).read_bytes())
    now = int(time.time())
    claims = {
        "iss": client["client_id"],
        "sub": client["client_id"],
        "aud": suite.url("sharing"),
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_hex(16),
    }
    signed = JsonWebToken(["ES256"]).encode({"alg": "ES256"}, claims, key).decode()
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": signed,
    }


def _bound_token(suite: Suite, holder: DPoPClient, key: str) -> str:
    client = _credentials(suite, key)
    if "private_key_file" in client:
        return holder.token(_assertion_form(suite, client))
    auth = (client["client_id"], client["client_secret"])
    return holder.token({"grant_type": "client_credentials"}, auth=auth)


@pytest.mark.parametrize(("key", "service", "path"), HOLDINGS)
def test_a_stolen_bound_token_fails_where_its_holder_s_request_passes(
    running_suite: Suite, key: str, service: str, path: str
) -> None:
    holder = DPoPClient(f"{running_suite.url('sharing')}/oauth/token")
    token = _bound_token(running_suite, holder, key)
    url = f"{running_suite.url(service)}{path}"
    assert holder.request("GET", url, token).status_code == 200

    as_bearer = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
    thief = DPoPClient(holder.token_url, ProofSigner.generate())
    with_thief_s_key = thief.request("GET", url, token)
    for refused, error in (
        (as_bearer, "invalid_token"),
        (with_thief_s_key, "invalid_dpop_proof"),
    ):
        assert refused.status_code == 401, refused.text
        challenge = refused.headers["www-authenticate"]
        assert challenge.startswith(f'DPoP error="{error}"')


def test_a_replayed_request_fails_at_every_service(running_suite: Suite) -> None:
    for key, service, path in HOLDINGS:
        holder = DPoPClient(f"{running_suite.url('sharing')}/oauth/token")
        token = _bound_token(running_suite, holder, key)
        url = f"{running_suite.url(service)}{path}"
        headers = holder.headers("GET", url, token)
        assert httpx.get(url, headers=headers).status_code == 200
        replayed = httpx.get(url, headers=headers)
        assert replayed.status_code == 401, (service, replayed.text)
        assert "used before" in replayed.headers["www-authenticate"]


def test_polisen_jwt_gets_no_token_without_a_proof(running_suite: Suite) -> None:
    client = _credentials(running_suite, "polisen-jwt")
    response = httpx.post(
        f"{running_suite.url('sharing')}/oauth/token",
        data=_assertion_form(running_suite, client),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
