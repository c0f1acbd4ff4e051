"""Every protected route: 401 without a token, 403 with the wrong scope."""

import pytest
from fastapi.testclient import TestClient

ROUTES = [
    ("POST", "/v1/entries", "audit:append"),
    ("GET", "/v1/entries", "audit:read"),
    ("GET", "/v1/entries/0", "audit:read"),
    ("POST", "/v1/subjects/lookup", "audit:read"),
    ("GET", "/v1/checkpoint", "audit:read"),
    ("GET", "/v1/proofs/inclusion?index=0&tree_size=1", "audit:read"),
    ("GET", "/v1/proofs/consistency?first=0&second=0", "audit:read"),
    ("GET", "/v1/export?format=csv", "audit:read"),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ROUTES]


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=ROUTE_IDS)
def test_without_a_token_the_answer_is_401(
    client: TestClient, method: str, path: str, scope: str
) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=ROUTE_IDS)
def test_with_the_other_audit_scope_the_answer_is_403(
    client: TestClient, issuer, method: str, path: str, scope: str
) -> None:
    other = "audit:read" if scope == "audit:append" else "audit:append"
    response = client.request(method, path, json={}, headers=issuer.headers([other]))
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"The token lacks the scope {scope} this endpoint needs."
    )


def test_a_token_for_another_service_is_refused(client: TestClient, issuer) -> None:
    response = client.get("/v1/entries", headers=issuer.headers(["tips:read"]))
    assert response.status_code == 401


def test_the_log_key_is_public_key_metadata(client: TestClient, signer) -> None:
    response = client.get("/v1/log-key")
    assert response.status_code == 200
    assert response.text == signer.verifier_key
