"""Interop: requests-oauth2client, a DPoP client the suite does not use itself, gets a
bound token for the demo's polisen-jwt (private_key_jwt, --dpop required) through the
server nonce and calls sharing's disclosure list with it over real HTTP."""

import json
from pathlib import Path

import jwskate
import pytest
import requests
from requests_oauth2client import DPoPToken, OAuth2Client, PrivateKeyJwt

from samverkan_shared.dpop import jwk_thumbprint
from samverkan_shared.supervisor import Suite

pytestmark = pytest.mark.e2e


def test_a_third_party_dpop_client_gets_a_bound_token_and_uses_it(
    running_suite: Suite,
) -> None:
    document = json.loads((running_suite.data_dir / "demo-clients.json").read_text())
    police = document["clients"]["polisen-jwt"]
    pem = Path(police["private_key_file"]).read_bytes()
    private_key = jwskate.Jwk.from_pem(pem).with_kid_thumbprint()
    sharing = running_suite.url("sharing")
    client = OAuth2Client(
        token_endpoint=f"{sharing}/oauth/token",
        auth=PrivateKeyJwt(police["client_id"], private_key, alg="ES256"),
        testing=True,  # its only check that goes: plain HTTP on loopback
    )
    token = client.client_credentials(scope="disclosures:request", dpop=True)
    assert isinstance(token, DPoPToken)
    assert token.token_type == "DPoP"
    key = token.dpop_key.private_key.public_jwk()
    assert token.access_token_jwt.claims["cnf"] == {"jkt": jwk_thumbprint(dict(key))}

    url = f"{sharing}/v1/disclosure-requests"
    answer = requests.get(url, auth=token, timeout=30)
    assert answer.status_code == 200, answer.text
    # The same token without its key is refused.
    bare = {"Authorization": f"Bearer {token.access_token}"}
    assert requests.get(url, headers=bare, timeout=30).status_code == 401
