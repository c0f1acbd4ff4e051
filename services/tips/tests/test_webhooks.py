"""Webhooks: subscriptions, the URL guard and the outbox (deliveries are
test_webhook_deliveries.py's)."""

import base64
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_tips.tips.reencrypt import reencrypt_tips
from samverkan_tips.webhooks.destinations import DestinationGuard, UnsafeDestination
from samverkan_tips.webhooks.models import WebhookEventRecord, WebhookSubscriptionRecord
from samverkan_tips.webhooks.presenter import secret_associated_data
from tests.support.tokens import TestIssuer
from tests.support.webhooks import HOOKS, org_headers, subscribe, webhook_app

# A global address, so no DNS is needed (nothing is sent there).
PUBLIC = "https://93.184.216.34"


@pytest.fixture
def make_app(make_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """Apps over the test database; the allow-list names 127.0.0.1, retries are quick."""
    return partial(webhook_app, make_client)


@pytest.fixture
def hooks(make_app: Callable[..., TestClient]) -> TestClient:
    client: TestClient = make_app()
    return client


def events_stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count()).select_from(WebhookEventRecord)
            ).scalar_one()
        )


# -- subscriptions ----------------------------------------------------------------------


class TestSubscriptions:
    def test_the_secret_is_shown_once_and_stored_sealed(
        self, hooks: TestClient, issuer: TestIssuer, kit: Any, engine: Engine
    ) -> None:
        headers = org_headers(issuer, kit.malmo)
        url = PUBLIC + "/samverkan"
        response = hooks.post(
            HOOKS, json={"url": url, "events": ["tip.status_changed"]}, headers=headers
        )
        assert response.status_code == 201, response.text
        created = response.json()
        assert response.headers["Location"] == f"{HOOKS}/{created['id']}"
        secret = created.pop("secret")
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
        assert created == {
            "id": created["id"],
            "url": url,
            "events": ["tip.status_changed"],
            "supplier_org_numbers": [],
            "agreement_ids": [],
            "created_at": created["created_at"],
        }
        listed = hooks.get(HOOKS, headers=headers)
        assert listed.json() == {"items": [created]}
        detail = hooks.get(f"{HOOKS}/{created['id']}", headers=headers)
        assert detail.json() == {**created, "deliveries": []}
        with Session(engine) as session:
            [record] = session.execute(select(WebhookSubscriptionRecord)).scalars()
        stored = record.secret_sealed
        assert secret not in stored
        assert secret.removeprefix("whsec_") not in stored

    def test_reencryption_moves_the_secrets_to_the_new_key(
        self,
        hooks: TestClient,
        issuer: TestIssuer,
        kit: Any,
        engine: Engine,
        keyring: Keyring,
    ) -> None:
        headers = org_headers(issuer, kit.malmo)
        secret = subscribe(hooks, headers, PUBLIC + "/a", ["tip.filed"])["secret"]
        rotated = keyring.with_new_current_key()

        report = reencrypt_tips(engine, rotated)

        assert report.table == "tips, tip_notes and webhook_subscriptions"
        assert (report.rows, report.resealed, report.complete) == (1, 1, True)
        with Session(engine) as session:
            [record] = session.execute(select(WebhookSubscriptionRecord)).scalars()
        only_new = Keyring(
            rotated.current, {rotated.current: rotated.keys[rotated.current]}
        )
        opened = only_new.decrypt(
            record.secret_sealed,
            associated_data=secret_associated_data(record.id),
        )
        assert opened.decode() == secret
        assert reencrypt_tips(engine, rotated).resealed == 0

    def test_another_organisation_sees_none_of_them(
        self, hooks: TestClient, issuer: TestIssuer, kit: Any
    ) -> None:
        created = subscribe(
            hooks,
            org_headers(issuer, kit.malmo),
            PUBLIC + "/a",
            ["tip.filed"],
        )
        lund = org_headers(issuer, kit.lund)
        assert hooks.get(HOOKS, headers=lund).json() == {"items": []}
        for method in ("GET", "DELETE"):
            response = hooks.request(method, f"{HOOKS}/{created['id']}", headers=lund)
            assert response.status_code == 404
            assert (
                response.json()["detail"]
                == f"There is no webhook subscription {created['id']}."
            )

    def test_delete_removes_it(
        self, hooks: TestClient, issuer: TestIssuer, kit: Any
    ) -> None:
        headers = org_headers(issuer, kit.malmo)
        created = subscribe(hooks, headers, PUBLIC + "/a", ["tip.filed"])
        response = hooks.delete(f"{HOOKS}/{created['id']}", headers=headers)
        assert response.status_code == 204
        assert hooks.get(f"{HOOKS}/{created['id']}", headers=headers).status_code == 404
        assert hooks.get(HOOKS, headers=headers).json() == {"items": []}

    def test_a_client_without_an_organisation_is_refused(
        self, hooks: TestClient, issuer: TestIssuer
    ) -> None:
        headers = issuer.headers(["tips:read"], org_number=None)
        response = hooks.get(HOOKS, headers=headers)
        assert response.status_code == 403
        assert response.json() == {
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
            "detail": "This client is registered without an organisation number, so it "
            "has no webhook subscriptions: register it with its organisation's number.",
        }


# -- the URL guard ----------------------------------------------------------------------

REFUSED = [
    ("http without the allow-list", "http://hooks.example.org/a", "only https URLs"),
    ("private IPv4", "https://10.1.2.3/a", "a private address (10.1.2.3)"),
    ("loopback IPv4", "https://127.0.0.1/a", "a loopback address (127.0.0.1)"),
    ("loopback IPv6", "https://[::1]/a", "a loopback address (::1)"),
    ("a name of the loopback", "https://localhost/a", "a loopback address"),
    ("link-local (cloud metadata)", "https://169.254.169.254/", "a link-local address"),
    ("multicast", "https://224.0.0.1/", "a multicast address"),
    ("unspecified", "https://0.0.0.0/", "an unspecified address"),
    (
        "IPv4-mapped IPv6",
        "https://[::ffff:192.168.0.1]/",
        "a private address (192.168.0.1)",
    ),
    ("another scheme", "ftp://hooks.example.org/", "give an absolute https URL"),
    ("credentials", "https://user:pw@hooks.example.org/", "may not hold a user name"),
]


@pytest.mark.parametrize(
    ("url", "reason"), [(u, r) for _, u, r in REFUSED], ids=[c for c, _, _ in REFUSED]
)
def test_unsafe_urls_are_refused(
    make_app: Callable[..., TestClient],
    issuer: TestIssuer,
    kit: Any,
    url: str,
    reason: str,
) -> None:
    """Without an allow-list: no operator has named any host."""
    response = make_app(webhook_allow="").post(
        HOOKS,
        json={"url": url, "events": ["tip.filed"]},
        headers=org_headers(issuer, kit.malmo),
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["title"] == "Unprocessable Content"
    [error] = problem["errors"]
    assert error["pointer"] == "#/url"
    assert reason.replace("a unspecified", "an unspecified") in error["detail"].replace(
        "a unspecified", "an unspecified"
    )
    assert problem["detail"] == f"#/url: {error['detail']}"


def test_the_allow_list_admits_http_and_private_hosts_it_names() -> None:
    guard = DestinationGuard.from_setting("127.0.0.1, receiver.internal:8080")
    guard.check("http://127.0.0.1:9999/a")
    guard.check("http://receiver.internal:8080/a")
    with pytest.raises(UnsafeDestination, match="only https"):
        guard.check("http://receiver.internal:8081/a")


def test_the_guard_checks_every_address_a_name_resolves_to() -> None:
    guard = DestinationGuard(resolve=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(UnsafeDestination, match=r"a private address \(10\.0\.0\.7\)"):
        guard.check("https://rebinding.example/")
    DestinationGuard(resolve=lambda host, port: ["93.184.216.34"]).check(
        "https://ok.example/"
    )


# -- the outbox -------------------------------------------------------------------------


def test_events_are_written_with_the_change_and_not_without_it(
    hooks: TestClient,
    writer: dict[str, str],
    manager: dict[str, str],
    kit: Any,
    engine: Engine,
) -> None:
    tip = kit.file(hooks, writer)
    assert events_stored(engine) == 1  # tip.filed, committed with the tip
    path = f"/v1/tips/{tip['id']}/transitions"
    refused = hooks.post(path, json={"to": "closed", "reason": "x"}, headers=manager)
    assert refused.status_code == 409
    assert events_stored(engine) == 1  # the failed transition wrote none
    moved = hooks.post(
        path, json={"to": "investigating", "reason": "Utreds"}, headers=manager
    )
    assert moved.status_code == 200, moved.text
    assert events_stored(engine) == 2
    with Session(engine) as session:
        rows = session.execute(select(WebhookEventRecord)).scalars().all()
    stored = json.dumps([row.data for row in rows], ensure_ascii=False)
    assert kit.narrative not in stored
    assert kit.child not in stored
    assert kit.email not in stored
