"""DPoP at the three resource servers (RFC 9449 §7): a bound token works only with a
fresh proof of its key for the very request; each refusal on its own, at tips,
sharing and audit-log, with ``WWW-Authenticate: DPoP error=…, algs=…``."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from samverkan_shared.dpop import ProofSigner
from tests.support.suite import ISSUER, InProcessSuite

TOKEN_URL = f"{ISSUER}/oauth/token"
ALGS = 'algs="ES256 PS256 EdDSA"'


@dataclass(frozen=True)
class Resource:
    """A protected GET of one service, and the suite's client allowed to read it."""

    service: str
    role: str
    path: str

    def client(self, suite: InProcessSuite) -> TestClient:
        return {"tips": suite.tips, "sharing": suite.sharing, "audit": suite.audit}[
            self.service
        ]

    def url(self, suite: InProcessSuite) -> str:
        return f"{self.client(suite).base_url}{self.path}"


RESOURCES = [
    pytest.param(Resource("tips", "malmo", "/v1/tips"), id="tips"),
    pytest.param(
        Resource("sharing", "police", "/v1/disclosure-requests"), id="sharing"
    ),
    pytest.param(Resource("audit", "compliance", "/v1/entries"), id="audit-log"),
]


def bound_token(suite: InProcessSuite, role: str, signer: ProofSigner) -> str:
    """A token of ``role`` bound to ``signer``'s key: the nonce, then the token."""
    client_id, secret = suite.secrets[role]

    first = suite.sharing.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        headers={"DPoP": signer.proof("POST", TOKEN_URL)},
    )
    assert first.json()["error"] == "use_dpop_nonce"
    response = suite.sharing.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        headers={
            "DPoP": signer.proof("POST", TOKEN_URL, nonce=first.headers["dpop-nonce"])
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "DPoP"
    token: str = response.json()["access_token"]
    return token


def test_a_bound_token_with_a_fresh_proof_is_accepted_everywhere(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    for parameter in RESOURCES:
        (resource,) = parameter.values
        assert isinstance(resource, Resource)
        signer = ProofSigner.generate()
        token = bound_token(suite, resource.role, signer)
        for _ in range(2):  # each request its own proof
            proof = signer.proof("GET", resource.url(suite), access_token=token)
            response = resource.client(suite).get(
                resource.path, headers={"Authorization": f"DPoP {token}", "DPoP": proof}
            )
            assert response.status_code == 200, (resource.service, response.text)


Headers = dict[str, str]
Make = Callable[[InProcessSuite, Resource], Headers]


def _as_bearer(suite: InProcessSuite, resource: Resource) -> Headers:
    token = bound_token(suite, resource.role, ProofSigner.generate())
    return {"Authorization": f"Bearer {token}"}


def _no_proof(suite: InProcessSuite, resource: Resource) -> Headers:
    token = bound_token(suite, resource.role, ProofSigner.generate())
    return {"Authorization": f"DPoP {token}"}


def _proof_for(method: str, path: str | None = None) -> Make:
    def make(suite: InProcessSuite, resource: Resource) -> Headers:
        signer = ProofSigner.generate()
        token = bound_token(suite, resource.role, signer)
        url = resource.url(suite) if path is None else f"{ISSUER}{path}"
        proof = signer.proof(method, url, access_token=token)
        return {"Authorization": f"DPoP {token}", "DPoP": proof}

    return make


def _replayed(suite: InProcessSuite, resource: Resource) -> Headers:
    headers = _proof_for("GET")(suite, resource)
    first = resource.client(suite).get(resource.path, headers=headers)
    assert first.status_code == 200, first.text
    return headers


def _stolen(suite: InProcessSuite, resource: Resource) -> Headers:
    """The token copied from its holder, with a proof of the thief's own key."""
    token = bound_token(suite, resource.role, ProofSigner.generate())
    thief = ProofSigner.generate()
    proof = thief.proof("GET", resource.url(suite), access_token=token)
    return {"Authorization": f"DPoP {token}", "DPoP": proof}


def _without_ath(suite: InProcessSuite, resource: Resource) -> Headers:
    signer = ProofSigner.generate()
    token = bound_token(suite, resource.role, signer)
    return {
        "Authorization": f"DPoP {token}",
        "DPoP": signer.proof("GET", resource.url(suite)),
    }


def _unbound_as_dpop(suite: InProcessSuite, resource: Resource) -> Headers:
    bearer = suite.headers(resource.role)["Authorization"].removeprefix("Bearer ")
    signer = ProofSigner.generate()
    proof = signer.proof("GET", resource.url(suite), access_token=bearer)
    return {"Authorization": f"DPoP {bearer}", "DPoP": proof}


# (what is wrong, the request's headers, the error, words of its description)
REFUSALS: list[tuple[str, Make, str, str]] = [
    ("a bound token as Bearer", _as_bearer, "invalid_token", "bound to a DPoP key"),
    ("no proof", _no_proof, "invalid_dpop_proof", "exactly one DPoP header"),
    ("a proof for another method", _proof_for("POST"), "invalid_dpop_proof", "htm"),
    (
        "a proof for another URL",
        _proof_for("GET", "/v1/elsewhere"),
        "invalid_dpop_proof",
        "htu",
    ),
    ("a replayed proof", _replayed, "invalid_dpop_proof", "used before"),
    ("a proof of another key", _stolen, "invalid_dpop_proof", "another key"),
    ("a proof without ath", _without_ath, "invalid_dpop_proof", "ath"),
    ("an unbound token as DPoP", _unbound_as_dpop, "invalid_token", "not bound"),
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        pytest.param(make, error, words, id=name)
        for name, make, error, words in REFUSALS
    ],
)
def test_each_refusal_at_each_service(
    in_process_suite: InProcessSuite,
    resource: Resource,
    make: Make,
    error: str,
    words: str,
) -> None:
    headers = make(in_process_suite, resource)
    response = resource.client(in_process_suite).get(resource.path, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith(f'DPoP error="{error}", error_description="')
    assert challenge.endswith(ALGS)
    assert words in challenge


@pytest.mark.parametrize("resource", RESOURCES)
def test_without_a_token_both_schemes_are_offered(
    in_process_suite: InProcessSuite, resource: Resource
) -> None:
    response = resource.client(in_process_suite).get(resource.path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        f'Bearer realm="samverkan", DPoP {ALGS}'
    )
