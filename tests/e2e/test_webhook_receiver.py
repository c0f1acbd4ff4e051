"""The demo's webhook receiver over real processes: `samverkan run`'s demo subscribes
it for Malmö, and a call-off stop made in the running suite reaches it, verified."""

import json
import time
from typing import Any

import httpx
import pytest

from samverkan_shared.demo_receiver import EVENTS_FILE
from samverkan_shared.supervisor import Suite
from tests.support.demo import demo_headers, file_demo_tip

pytestmark = pytest.mark.e2e

# A supplier on a demo agreement that no demo tip is about: no other test stops it.
SUPPLIER = {"org_number": "556345-6788", "name": "Personal Assistans Väst AB"}


def _events(suite: Suite) -> list[dict[str, Any]]:
    path = suite.data_dir.resolve() / EVENTS_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _stopped(event: dict[str, Any]) -> bool:
    return (
        event.get("type") == "supplier.call_off_stopped"
        and event["data"]["supplier_org_number"] == SUPPLIER["org_number"]
    )


def test_a_stop_in_the_running_demo_reaches_the_receiver(running_suite: Suite) -> None:
    suite, receiver = running_suite, running_suite.receiver
    assert receiver is not None
    process = receiver.process
    assert process is not None, "the demo did not start its receiver"
    # Malmö files a tip about the supplier, so Malmö hears of its stop.
    tip_id = file_demo_tip(
        suite,
        supplier=SUPPLIER,
        agreement_id="assistans-2024",
        categories=("invoicing",),
        description="Tidrapporter för pass som inte utförts.",
    )["id"]
    stop = httpx.post(
        f"{suite.url('tips')}/v1/suppliers/{SUPPLIER['org_number']}/call-off-stop",
        json={"reason": "Fakturering utan utförda pass", "tip_ids": [tip_id]},
        headers=demo_headers(suite, "adda-manager"),
        timeout=30,
    )
    assert stop.status_code in (200, 201), stop.text
    deadline = time.monotonic() + 60
    while not any(_stopped(event) for event in _events(suite)):
        assert time.monotonic() < deadline, f"no stop event in {_events(suite)}"
        assert process.poll() is None, "the receiver exited"
        time.sleep(0.2)
    [event] = [event for event in _events(suite) if _stopped(event)]
    assert event["webhook_id"].startswith("msg_")
    assert event["data"] == {
        "supplier_org_number": SUPPLIER["org_number"],
        "agreement_ids": ["assistans-2024"],
        "call_off_stop": {"active": True},
    }
    # Tips saw the receiver's 2xx: the delivery is delivered, not retried.
    listed = httpx.get(
        f"{suite.url('tips')}/v1/webhooks",
        headers=demo_headers(suite, "malmo"),
        timeout=30,
    )
    [subscription] = listed.json()["items"]
    assert subscription["url"] == receiver.url
    detail = httpx.get(
        f"{suite.url('tips')}/v1/webhooks/{subscription['id']}",
        headers=demo_headers(suite, "malmo"),
        timeout=30,
    ).json()
    event_id = event["webhook_id"].removeprefix("msg_")
    [delivery] = [
        d for d in detail["deliveries"] if d["event_id"].replace("-", "") == event_id
    ]
    assert (delivery["event_type"], delivery["state"]) == (event["type"], "delivered")


def test_the_receiver_refuses_an_unsigned_delivery(running_suite: Suite) -> None:
    assert running_suite.receiver is not None
    forged = httpx.post(
        running_suite.receiver.url,
        json={"type": "supplier.call_off_stopped", "data": {}},
        headers={
            "webhook-id": "msg_forged",
            "webhook-timestamp": str(int(time.time())),
        },
        timeout=10,
    )
    assert forged.status_code == 401
    assert all(event["webhook_id"] != "msg_forged" for event in _events(running_suite))
