"""Every tips route wants a token (401) with the right scope (403)."""

import base64
import json
import uuid

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from samverkan_tips.app import create_app
from samverkan_tips.settings import TipsSettings
from tests.support.tokens import TestIssuer

TIP = str(uuid.uuid4())
ORG = "556677-8899"
HOOK = str(uuid.uuid4())
# (method, path, the scope it needs)
ROUTES = [
    ("POST", "/v1/tips", "tips:write"),
    ("GET", "/v1/tips", "tips:read"),
    ("GET", f"/v1/tips/{TIP}", "tips:read"),
    ("POST", f"/v1/tips/{TIP}/transitions", "tips:manage"),
    ("GET", f"/v1/suppliers/{ORG}", "tips:read"),
    ("POST", f"/v1/suppliers/{ORG}/call-off-stop", "tips:manage"),
    ("DELETE", f"/v1/suppliers/{ORG}/call-off-stop", "tips:manage"),
    ("GET", "/v1/agreements", "tips:read"),
    ("GET", "/v1/agreements/hvb-2022/suppliers", "tips:read"),
    ("GET", f"/internal/v1/tips/{TIP}", "tips:internal"),
    ("GET", f"/internal/v1/suppliers/{ORG}/tips", "tips:internal"),
    ("GET", "/v1/statistics/tips", "tips:read"),
    ("POST", "/v1/webhooks", "tips:read"),
    ("GET", "/v1/webhooks", "tips:read"),
    ("GET", f"/v1/webhooks/{HOOK}", "tips:read"),
    ("DELETE", f"/v1/webhooks/{HOOK}", "tips:read"),
    ("POST", f"/v1/tips/{TIP}/notes", "tips:manage"),
    ("GET", f"/v1/tips/{TIP}/timeline", "tips:read"),
    ("GET", "/v1/deadline-policy", "tips:manage"),
    ("PUT", "/v1/deadline-policy", "tips:manage"),
    ("POST", "/internal/v1/tip-disclosures", "tips:internal"),
]


def test_the_table_covers_every_route(tmp_path: str, issuer: TestIssuer) -> None:
    app = create_app(
        TipsSettings(data_dir=tmp_path, demo=True),
        token_validator=issuer.validator("tips"),
    )
    routes = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith(("/v1", "/internal"))
        for method in route.methods
    }
    templates = {
        (
            method,
            path.replace(TIP, "{tip_id}")
            .replace(HOOK, "{subscription_id}")
            .replace(ORG, "{org_number}")
            .replace("hvb-2022", "{agreement_id}"),
        )
        for method, path, _ in ROUTES
    }
    assert routes == templates


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_without_a_token_is_401(
    client: TestClient, method: str, path: str, scope: str
) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Unauthorized"


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_without_the_scope_is_403(
    client: TestClient, issuer: TestIssuer, method: str, path: str, scope: str
) -> None:
    others = {"tips:write", "tips:read", "tips:manage", "tips:internal"} - {scope}
    response = client.request(method, path, json={}, headers=issuer.headers(others))
    assert response.status_code == 403
    assert scope in response.json()["detail"]


def test_a_token_for_another_service_is_401(
    client: TestClient, issuer: TestIssuer
) -> None:
    headers = issuer.headers(["tips:read"], aud=["sharing"])
    assert client.get("/v1/tips", headers=headers).status_code == 401


@pytest.mark.parametrize("algorithm", ["PS256", "RS256", "EdDSA"])
def test_the_real_kid_with_an_algorithm_its_key_cannot_do_is_401(
    client: TestClient, issuer: TestIssuer, algorithm: str
) -> None:
    """A header naming the issuer's ES256 key with another algorithm was a 500."""
    _, payload, signature = issuer.token(["tips:read"]).split(".")
    header = {"alg": algorithm, "kid": issuer.kid, "typ": "at+jwt"}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=")
    forged = f"{encoded.decode()}.{payload}.{signature}"
    response = client.get("/v1/tips", headers={"Authorization": f"Bearer {forged}"})
    description = f"the token's algorithm {algorithm} does not fit its signing key"
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == (
        f'Bearer error="invalid_token", error_description="{description}"'
    )
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": f"A valid access token is required: {description}.",
    }
    # The next request on the same client is served as usual.
    assert client.get("/v1/tips", headers=issuer.headers(["tips:read"])).is_success
