"""No endpoint but the listed public ones answers anything but 401 without a valid token."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.suite import InProcessSuite

PUBLIC = {
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/.well-known/oauth-authorization-server"),
    ("get", "/.well-known/openid-configuration"),
    # The sign-in pages: a person's browser, before there is any token.
    ("get", "/oauth/authorize"),
    ("post", "/oauth/authorize"),
    ("get", "/.well-known/jwks.json"),
    ("post", "/oauth/token"),
    ("post", "/oauth/par"),
    ("post", "/oauth/introspect"),
    ("post", "/oauth/revoke"),
    ("get", "/oauth/revocations"),
    ("get", "/v1/log-key"),
    # C2SP tlog-tiles: the tree size and hashes, for monitors and witnesses.
    ("get", "/checkpoint"),
    ("get", "/tile/{level}/{path}"),
}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return [
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _concrete(path: str) -> str:
    # Any value will do: the token is checked before the parameters.
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


@pytest.mark.parametrize("service", ["tips", "sharing", "audit"])
def test_every_protected_operation_refuses_a_missing_or_bad_token(
    in_process_suite: InProcessSuite, service: str
) -> None:
    client: TestClient = getattr(in_process_suite, service)
    protected = [op for op in _operations(client) if op not in PUBLIC]
    assert protected
    for method, path in protected:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = client.request(method, _concrete(path), headers=headers, json={})
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.headers["content-type"] == "application/problem+json"


def test_the_public_operations_are_only_the_listed_ones(
    in_process_suite: InProcessSuite,
) -> None:
    seen = set()
    for client in (
        in_process_suite.tips,
        in_process_suite.sharing,
        in_process_suite.audit,
    ):
        document = client.get("/openapi.json").json()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if not operation.get("security"):
                    seen.add((method, path))
    assert seen <= PUBLIC
