"""A stolen certificate-bound token is useless over real HTTP (RFC 8705 §3): behind an
ingress the services trust (SAMVERKAN_TRUST_CLIENT_CERT_HEADER), clients registered
with ``samverkan clients add --tls-subject-dn`` or ``--tls-certificate`` get tokens
bound to their certificate; replayed with another certificate, or none, they fail at
tips, sharing and audit-log, while the holder's own requests pass.

The test plays the ingress: it sends the Client-Cert header (RFC 9440) the ingress
would set after verifying the TLS client certificate.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.certificates import POLICE_DN, Certificate, make_certificate
from tests.support.processes import start_suite, suite_logs

pytestmark = pytest.mark.e2e

# (client registration beyond the name, service, a path it may read)
HOLDINGS = [
    (
        [
            "--kind",
            "municipality",
            "--org-number",
            "212000-1124",
            "--scopes",
            "tips:read",
        ],
        "tips",
        "/v1/tips",
    ),
    (
        [
            *("--kind", "partner", "--org-number", "202100-0076"),
            *("--recipient", "polismyndigheten", "--scopes", "disclosures:request"),
        ],
        "sharing",
        "/v1/disclosure-requests",
    ),
    (
        [
            "--kind",
            "compliance",
            "--org-number",
            "202100-0076",
            "--scopes",
            "audit:read",
        ],
        "audit-log",
        "/v1/entries",
    ),
]


@pytest.fixture(scope="module")
def suite_behind_ingress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    suite = start_suite(
        tmp_path_factory.mktemp("mtls-suite"),
        env={"SAMVERKAN_TRUST_CLIENT_CERT_HEADER": "true"},
    )
    try:
        suite.wait_ready()
        suite.after_start()
    except Exception:  # any start-up failure: show the services' own logs
        suite.stop()
        pytest.fail(f"the suite did not start:\n{suite_logs(suite)}")
    yield suite
    suite.stop()


def _add_client(suite: Suite, arguments: list[str]) -> str:
    """``samverkan clients add`` against the running suite's database."""
    command = Path(sys.executable).parent / "samverkan"
    finished = subprocess.run(
        [str(command), "clients", "add", "--name", "Ingress-klient", *arguments],
        env=suite.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    client_id: str = json.loads(finished.stdout)["client_id"]
    return client_id


def _token(suite: Suite, client_id: str, certificate: Certificate) -> str:
    response = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers=certificate.header,
        timeout=30.0,
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize(("registration", "service", "path"), HOLDINGS)
def test_a_stolen_bound_token_fails_where_its_holder_s_request_passes(
    suite_behind_ingress: Suite,
    tmp_path: Path,
    registration: list[str],
    service: str,
    path: str,
) -> None:
    suite = suite_behind_ingress
    holder = make_certificate()
    (tmp_path / "holder.pem").write_bytes(holder.pem)
    client_id = _add_client(
        suite, [*registration, "--tls-certificate", str(tmp_path / "holder.pem")]
    )
    token = _token(suite, client_id, holder)
    url = f"{suite.url(service)}{path}"
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url, headers={**bearer, **holder.header}).status_code == 200

    with_thief_s_certificate = httpx.get(
        url, headers={**bearer, **make_certificate().header}
    )
    without_certificate = httpx.get(url, headers=bearer)
    for refused, words in (
        (with_thief_s_certificate, "another TLS client certificate"),
        (without_certificate, "none was presented"),
    ):
        assert refused.status_code == 401, refused.text
        challenge = refused.headers["www-authenticate"]
        assert challenge.startswith('Bearer error="invalid_token"')
        assert words in challenge


def test_a_partner_authenticated_by_its_subject_dn_gets_a_bound_token(
    suite_behind_ingress: Suite,
) -> None:
    """tls_client_auth: any certificate with the registered subject (the ingress
    vouches for its issuer) authenticates; the token is bound to that one only."""
    suite = suite_behind_ingress
    registration, service, path = HOLDINGS[1]
    client_id = _add_client(suite, [*registration, "--tls-subject-dn", POLICE_DN])
    first, second = make_certificate(), make_certificate()
    token = _token(suite, client_id, first)
    url = f"{suite.url(service)}{path}"
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url, headers={**bearer, **first.header}).status_code == 200
    assert httpx.get(url, headers={**bearer, **second.header}).status_code == 401
    refused = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers=make_certificate(common_name="Tullverket").header,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_client"
