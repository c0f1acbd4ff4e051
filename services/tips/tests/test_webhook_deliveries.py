"""Webhook deliveries: signed, sent to the organisations an event concerns, retried
until they succeed or end dead, and resumed by a new process."""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.sessions import writing_session
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.schemas import TipCreate
from samverkan_tips.tips.service import file_tip
from tests.support.tokens import TestIssuer
from tests.support.waiting import wait_until
from tests.support.webhooks import HOOKS, org_headers, subscribe, webhook_app

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
    return partial(webhook_app, make_client)


@pytest.fixture
def hooks(make_app: Callable[..., TestClient]) -> TestClient:
    client: TestClient = make_app()
    return client


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


def _subscribe_the_filer_and_followers(
    hooks: TestClient, issuer: TestIssuer, kit: Any, url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Malmö (the filer) and Lund to every event, and a follower of hvb-2022 to
    stops: Malmö's subscription and the follower's."""
    every = [
        "tip.status_changed",
        "supplier.call_off_stopped",
        "supplier.call_off_lifted",
    ]
    malmo = subscribe(hooks, org_headers(issuer, kit.malmo), url, every)
    subscribe(hooks, org_headers(issuer, kit.lund), url, every)  # no tips
    follows = subscribe(
        hooks,
        org_headers(issuer, "212000-0142"),
        url,
        ["supplier.call_off_stopped"],
        agreement_ids=["hvb-2022"],
    )
    return malmo, follows


def _investigate_and_stop(
    hooks: TestClient, manager: dict[str, str], kit: Any, tip_id: str
) -> None:
    """The agreement owner moves the tip and stops call-offs from the supplier."""
    moved = hooks.post(
        f"/v1/tips/{tip_id}/transitions",
        json={"to": "investigating", "reason": "Utreds"},
        headers=manager,
    )
    assert moved.status_code == 200, moved.text
    stop = hooks.post(
        f"/v1/suppliers/{kit.example_org}/call-off-stop",
        json={"reason": "Brister", "tip_ids": [tip_id]},
        headers=manager,
    )
    assert stop.status_code == 201, stop.text


def test_status_changes_reach_the_filer_and_stops_those_who_filed_or_follow(
    hooks: TestClient,
    receiver: Receiver,
    issuer: TestIssuer,
    writer: dict[str, str],
    manager: dict[str, str],
    kit: Any,
) -> None:
    malmo, follows = _subscribe_the_filer_and_followers(
        hooks, issuer, kit, receiver.url
    )
    tip = kit.file(hooks, writer)  # filed by Malmö's system
    _investigate_and_stop(hooks, manager, kit, tip["id"])
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
