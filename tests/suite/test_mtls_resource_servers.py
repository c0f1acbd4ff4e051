"""Certificate-bound tokens at the three resource servers (RFC 8705 §3): accepted
only with the TLS client certificate they are bound to, as the ingress forwards it
(RFC 9440 ``Client-Cert``); each refusal on its own, at tips, sharing and audit-log,
with ``WWW-Authenticate: Bearer error=…``."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.dpop import ProofSigner
from samverkan_sharing.oauth.registration import register_client
from tests.support.certificates import Certificate, make_certificate
from tests.support.suite import HOLDER_ORG_NUMBER, ISSUER, ROLES, InProcessSuite

TOKEN_URL = f"{ISSUER}/oauth/token"
SERVICES = ("tips", "sharing", "audit-log")
_numbers = itertools.count()


@pytest.fixture
def suite_settings(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Every service trusts the ingress's Client-Cert, or those the test names."""
    trusting = getattr(request, "param", SERVICES)
    return {name: {"trust_client_cert_header": name in trusting} for name in SERVICES}


@dataclass(frozen=True)
class Resource:
    """A protected GET of one service, and the suite's role allowed to read it."""

    service: str
    role: str
    path: str

    def client(self, suite: InProcessSuite) -> TestClient:
        return {"tips": suite.tips, "sharing": suite.sharing, "audit-log": suite.audit}[
            self.service
        ]

    def url(self, suite: InProcessSuite) -> str:
        return f"{self.client(suite).base_url}{self.path}"


TIPS = Resource("tips", "adda", "/v1/tips")
SHARING = Resource("sharing", "police", "/v1/disclosure-requests")
AUDIT_LOG = Resource("audit-log", "compliance", "/v1/entries")
RESOURCES = [
    pytest.param(TIPS, id="tips"),
    pytest.param(SHARING, id="sharing"),
    pytest.param(AUDIT_LOG, id="audit-log"),
]


def bound_token(suite: InProcessSuite, role: str, certificate: Certificate) -> str:
    """A token of a self_signed_tls_client_auth client with ``role``'s scopes, bound
    to ``certificate``."""
    fields = ROLES[role]
    client_id = f"{role}-mtls-{next(_numbers)}"
    engine = suite.sharing.app.platform.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        register_client(
            session,
            name=client_id,
            org_number=fields.get("org_number", HOLDER_ORG_NUMBER),
            kind=fields["kind"],
            scopes=fields["scopes"],
            recipient=fields.get("recipient"),
            municipality_code=fields.get("municipality_code"),
            client_id=client_id,
            tls_certificates=[ClientCertificate.from_der(certificate.der)],
        )
    response = suite.sharing.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers=certificate.header,
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_bound_token_with_its_certificate_is_accepted(
    in_process_suite: InProcessSuite, resource: Resource
) -> None:
    certificate = make_certificate()
    token = bound_token(in_process_suite, resource.role, certificate)
    headers = {"Authorization": f"Bearer {token}", **certificate.header}
    for _ in range(2):  # the certificate, unlike a DPoP proof, is the same each time
        response = resource.client(in_process_suite).get(resource.path, headers=headers)
        assert response.status_code == 200, response.text


Headers = dict[str, str]
Make = Callable[[InProcessSuite, Resource], Headers]


def _without_certificate(suite: InProcessSuite, resource: Resource) -> Headers:
    token = bound_token(suite, resource.role, make_certificate())
    return {"Authorization": f"Bearer {token}"}


def _stolen(suite: InProcessSuite, resource: Resource) -> Headers:
    """The token copied from its holder, with the thief's own certificate (of the
    same subject: only the thumbprint tells them apart)."""
    token = bound_token(suite, resource.role, make_certificate())
    return {"Authorization": f"Bearer {token}", **make_certificate().header}


def _as_dpop(suite: InProcessSuite, resource: Resource) -> Headers:
    certificate = make_certificate()
    token = bound_token(suite, resource.role, certificate)
    proof = ProofSigner.generate().proof("GET", resource.url(suite), access_token=token)
    return {"Authorization": f"DPoP {token}", "DPoP": proof, **certificate.header}


# (what is wrong, the request's headers, the challenge's start, words of it)
REFUSALS: list[tuple[str, Make, str, str]] = [
    (
        "no certificate",
        _without_certificate,
        'Bearer error="invalid_token"',
        "none was presented",
    ),
    (
        "another certificate",
        _stolen,
        'Bearer error="invalid_token"',
        "another TLS client certificate",
    ),
    ("presented as DPoP", _as_dpop, 'DPoP error="invalid_token"', "not bound to a key"),
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    ("make", "challenge", "words"),
    [pytest.param(*refusal[1:], id=refusal[0]) for refusal in REFUSALS],
)
def test_each_refusal_at_each_service(
    in_process_suite: InProcessSuite,
    resource: Resource,
    make: Make,
    challenge: str,
    words: str,
) -> None:
    headers = make(in_process_suite, resource)
    response = resource.client(in_process_suite).get(resource.path, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith(
        f'{challenge}, error_description="'
    )
    assert words in response.headers["www-authenticate"]
    assert words in response.json()["detail"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_malformed_certificate_header_is_invalid_request(
    in_process_suite: InProcessSuite, resource: Resource
) -> None:
    token = bound_token(in_process_suite, resource.role, make_certificate())
    response = resource.client(in_process_suite).get(
        resource.path,
        headers={"Authorization": f"Bearer {token}", "Client-Cert": ":not base64!:"},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == (
        'Bearer error="invalid_request", error_description="the Client-Cert header '
        'is not a byte sequence (:base64 of the DER:)"'
    )


@pytest.mark.parametrize("suite_settings", [("sharing",)], indirect=True)
@pytest.mark.parametrize(
    "resource", [pytest.param(TIPS, id="tips"), pytest.param(AUDIT_LOG, id="audit")]
)
def test_a_service_that_does_not_trust_the_header_ignores_it(
    in_process_suite: InProcessSuite, resource: Resource
) -> None:
    """Only sharing trusts its ingress here: tips and audit-log read no certificate,
    so the token, though presented with the right one, is refused."""
    certificate = make_certificate()
    token = bound_token(in_process_suite, resource.role, certificate)
    response = resource.client(in_process_suite).get(
        resource.path,
        headers={"Authorization": f"Bearer {token}", **certificate.header},
    )
    assert response.status_code == 401, response.text
    assert "none was presented" in response.headers["www-authenticate"]


def test_an_unbound_token_needs_no_certificate(
    in_process_suite: InProcessSuite,
) -> None:
    """A malformed header beside a token that is not bound is never read."""
    headers = in_process_suite.headers("adda", **{"Client-Cert": "garbage"})
    assert in_process_suite.tips.get("/v1/tips", headers=headers).status_code == 200
