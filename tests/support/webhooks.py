"""Webhook subscriptions in the tips tests: apps whose deliverer may reach a receiver
on 127.0.0.1 and retries quickly, an organisation's headers, and subscribing."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.support.tokens import TestIssuer

__all__ = ["HOOKS", "org_headers", "subscribe", "webhook_app"]

HOOKS = "/v1/webhooks"


def webhook_app(make_client: Callable[..., TestClient], **changes: Any) -> TestClient:
    """An app from the tips tests' ``make_client``; the allow-list names 127.0.0.1,
    retries are quick, and ``changes`` set other settings."""
    options: dict[str, Any] = {
        "webhook_allow": "127.0.0.1",
        "webhook_backoff_base": 0.05,
        "webhook_max_attempts": 3,
        "webhook_poll_interval": 0.02,
        **changes,
    }
    client: TestClient = make_client(**options)
    return client


def org_headers(issuer: TestIssuer, org: str, **kwargs: Any) -> dict[str, str]:
    return issuer.headers(
        ["tips:read"], org_number=org, client_id=f"system-{org}", **kwargs
    )


def subscribe(
    client: TestClient,
    headers: dict[str, str],
    url: str,
    events: list[str],
    **extra: Any,
) -> dict[str, Any]:
    response = client.post(
        HOOKS, json={"url": url, "events": events, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
