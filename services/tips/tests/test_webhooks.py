"""Webhooks: subscriptions, the URL guard, the outbox and signed, retried deliveries."""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.sessions import writing_session
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.reencrypt import reencrypt_tips
from samverkan_tips.tips.schemas import TipCreate
from samverkan_tips.tips.service import file_tip
from samverkan_tips.webhooks.destinations import DestinationGuard, UnsafeDestination
from samverkan_tips.webhooks.models import WebhookEventRecord, WebhookSubscriptionRecord
from samverkan_tips.webhooks.presenter import secret_associated_data
from tests.support.tokens import TestIssuer
from tests.support.waiting import wait_until

HOOKS = "/v1/webhooks"
# A global address, so no DNS is needed (nothing is sent there).
PUBLIC = "https://93.184.216.34"


# -- a real receiver on 127.0.0.1 ---------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread that records requests and answers ``statuses``
    in turn (then 204)."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self, received: Received) -> int:
        with self.lock:
            self.received.append(received)
            return self.statuses.pop(0) if self.statuses else 204

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received = Received({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(state.next_status(received))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


# -- apps with webhook settings ---------------------------------------------------------


@pytest.fixture
def make_app(make_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """Apps over the test database; the allow-list names 127.0.0.1, retries are quick."""

    def make(**changes: Any) -> TestClient:
        options: dict[str, Any] = {
            "webhook_allow": "127.0.0.1",
            "webhook_backoff_base": 0.05,
            "webhook_max_attempts": 3,
            "webhook_poll_interval": 0.02,
            **changes,
        }
        client: TestClient = make_client(**options)
        return client

    return make


@pytest.fixture
def hooks(make_app: Callable[..., TestClient]) -> TestClient:
    client: TestClient = make_app()
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


def verify(secret: str, received: Received) -> bool:
    """The Standard Webhooks check, written here from the specification."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    headers = received.headers
    signed = (
        f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode()
        + received.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [
        s.partition(",")[2]
        for s in headers["webhook-signature"].split()
        if s.startswith("v1,")
    ]
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def deliveries(
    client: TestClient, headers: dict[str, str], hook_id: str
) -> list[dict[str, Any]]:
    response = client.get(f"{HOOKS}/{hook_id}", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


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


# -- deliveries -------------------------------------------------------------------------


def test_a_filed_tip_reaches_the_agreement_owner_signed(
    hooks: TestClient,
    receiver: Receiver,
    issuer: TestIssuer,
    writer: dict[str, str],
    kit: Any,
) -> None:
    owner = org_headers(issuer, kit.purchasing_centre)
    hook = subscribe(hooks, owner, receiver.url, ["tip.filed"])
    # Malmö subscribes too, but it does not own hvb-2022.
    subscribe(hooks, org_headers(issuer, kit.malmo), receiver.url, ["tip.filed"])
    tip = kit.file(hooks, writer)
    wait_until(lambda: receiver.count() >= 1, what="a delivery")
    [received] = receiver.received
    assert verify(hook["secret"], received)
    assert not verify("whsec_" + base64.b64encode(b"x" * 32).decode(), received)
    assert received.headers["webhook-id"].startswith("msg_")
    body = received.json()
    assert body == {
        "type": "tip.filed",
        "timestamp": body["timestamp"],
        "data": {
            "tip_id": tip["id"],
            "supplier_org_number": kit.example_org,
            "agreement_id": "hvb-2022",
            "status": "received",
            "received_at": body["data"]["received_at"],
        },
    }
    assert kit.narrative not in received.body.decode()
    wait_until(
        lambda: [d["state"] for d in deliveries(hooks, owner, hook["id"])]
        == ["delivered"],
        what="delivered",
    )
    assert receiver.count() == 1


def test_status_changes_reach_the_filer_and_stops_those_who_filed_or_follow(
    hooks: TestClient,
    receiver: Receiver,
    issuer: TestIssuer,
    writer: dict[str, str],
    manager: dict[str, str],
    kit: Any,
) -> None:
    every = [
        "tip.status_changed",
        "supplier.call_off_stopped",
        "supplier.call_off_lifted",
    ]
    malmo = subscribe(hooks, org_headers(issuer, kit.malmo), receiver.url, every)
    subscribe(hooks, org_headers(issuer, kit.lund), receiver.url, every)  # no tips
    follows = subscribe(
        hooks,
        org_headers(issuer, "212000-0142"),
        receiver.url,
        ["supplier.call_off_stopped"],
        agreement_ids=["hvb-2022"],
    )
    tip = kit.file(hooks, writer)  # filed by Malmö's system
    moved = hooks.post(
        f"/v1/tips/{tip['id']}/transitions",
        json={"to": "investigating", "reason": "Utreds"},
        headers=manager,
    )
    assert moved.status_code == 200, moved.text
    stop = hooks.post(
        f"/v1/suppliers/{kit.example_org}/call-off-stop",
        json={"reason": "Brister", "tip_ids": [tip["id"]]},
        headers=manager,
    )
    assert stop.status_code == 201, stop.text
    wait_until(lambda: receiver.count() >= 3, what="three deliveries")
    by_secret = {
        name: sorted(
            r.json()["type"] for r in receiver.received if verify(hook["secret"], r)
        )
        for name, hook in (("malmo", malmo), ("follows", follows))
    }
    assert by_secret == {
        "malmo": ["supplier.call_off_stopped", "tip.status_changed"],
        "follows": ["supplier.call_off_stopped"],
    }
    [changed] = [
        r for r in receiver.received if r.json()["type"] == "tip.status_changed"
    ]
    assert changed.json()["data"] == {
        "tip_id": tip["id"],
        "supplier_org_number": kit.example_org,
        "agreement_id": "hvb-2022",
        "previous_status": "received",
        "status": "investigating",
    }
    assert receiver.count() == 3  # Lund filed nothing about the supplier


def test_failures_are_retried_and_end_dead(
    hooks: TestClient,
    receiver: Receiver,
    issuer: TestIssuer,
    writer: dict[str, str],
    kit: Any,
) -> None:
    owner = org_headers(issuer, kit.purchasing_centre)
    hook = subscribe(hooks, owner, receiver.url, ["tip.filed"])
    receiver.statuses = [500, 503]  # then 204
    kit.file(hooks, writer)
    wait_until(
        lambda: [d["state"] for d in deliveries(hooks, owner, hook["id"])]
        == ["delivered"],
        what="delivered after two failures",
    )
    [delivery] = deliveries(hooks, owner, hook["id"])
    assert (delivery["attempts"], delivery["last_status"]) == (3, 204)
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(ids) == 1  # the same message each time

    receiver.statuses = [500] * 10
    kit.file(hooks, writer)
    wait_until(
        lambda: next(d["state"] for d in deliveries(hooks, owner, hook["id"]))
        == "dead",
        what="dead after three attempts",
    )
    dead = deliveries(hooks, owner, hook["id"])[0]
    assert (dead["attempts"], dead["last_status"], dead["next_attempt_at"]) == (
        3,
        500,
        None,
    )
    assert receiver.count() == 6


def test_a_new_process_resumes_what_the_last_one_left(
    make_app: Callable[..., TestClient],
    receiver: Receiver,
    issuer: TestIssuer,
    writer: dict[str, str],
    kit: Any,
    engine: Engine,
    keyring: Keyring,
) -> None:
    owner = org_headers(issuer, kit.purchasing_centre)
    first = make_app(webhook_backoff_base=0.5)
    hook = subscribe(first, owner, receiver.url, ["tip.filed"])
    receiver.statuses = [500] * 10
    kit.file(first, writer)
    wait_until(
        lambda: [d["state"] for d in deliveries(first, owner, hook["id"])]
        == ["failed-retrying"],
        what="a failed attempt",
    )
    first.__exit__(None, None, None)  # the process stops
    # And a tip is filed while no deliverer runs: its event waits in the outbox.
    with writing_session(engine) as session:
        file_tip(
            session,
            TipCreate.model_validate(kit.body()),
            caller=Caller("seed", kit.malmo, municipality_code="1280"),
            keyring=keyring,
        )
    receiver.statuses = []
    second = make_app()
    wait_until(
        lambda: [d["state"] for d in deliveries(second, owner, hook["id"])]
        == ["delivered", "delivered"],
        what="both delivered by the new process",
    )
