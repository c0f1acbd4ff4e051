"""Tips hears of a release over real processes: a partner's request about a supplier is
released by sharing, and the tips it covered show the disclosure in their timelines."""

import time
from typing import Any

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.demo import demo_headers, file_demo_tip
from tests.support.payloads import GROVT_BEDRAGERI

pytestmark = pytest.mark.e2e

# A supplier no demo tip and no other test's tip is about (filing a tip adds it), and
# one with a demo tip.
ALONE = {"org_number": "559876-5435", "name": "Endast Rapporttest AB"}
WITH_A_DEMO_TIP = {"org_number": "556781-2341", "name": "Familjestöd Syd AB"}
RECIPIENT = {
    "code": "ekobrottsmyndigheten",
    "org_number": "202100-4979",
    "name": "Ekobrottsmyndigheten",
}


def _disclosures_in_timeline(suite: Suite, tip_id: str) -> list[dict[str, Any]]:
    """The disclosure events of the tip, as its agreement's owner reads them."""
    response = httpx.get(
        f"{suite.url('tips')}/v1/tips/{tip_id}/timeline",
        headers=demo_headers(suite, "adda-manager"),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [e for e in response.json()["events"] if e["kind"] == "disclosure"]


def _released_about(suite: Suite, supplier: str) -> dict[str, Any]:
    """Ekobrottsmyndigheten asks about every tip of the supplier; the disclosure."""
    response = httpx.post(
        f"{suite.url('sharing')}/v1/disclosure-requests",
        json={
            "supplier_org_number": supplier,
            "purpose": GROVT_BEDRAGERI,
            "partner_reference": f"EBM-2026-{supplier}",
            "fields": ["supplier.name", "categories"],
        },
        headers=demo_headers(suite, "ekobrottsmyndigheten"),
        timeout=60,
    )
    assert response.status_code == 201, response.text
    disclosure: dict[str, Any] = response.json()
    assert disclosure["status"] == "released"
    return disclosure


def _wait_for_timelines(
    suite: Suite, disclosure: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Each released tip's disclosure events of ``disclosure``, once all have one."""
    tips = set(disclosure["released"])
    deadline = time.monotonic() + 60
    found: dict[str, list[dict[str, Any]]] = {}
    while set(found) != tips:
        assert time.monotonic() < deadline, f"timelines without it: {tips - set(found)}"
        for tip in tips - set(found):
            events = [
                e
                for e in _disclosures_in_timeline(suite, tip)
                if e["disclosure_id"] == disclosure["id"]
            ]
            if events:
                found[tip] = events
        time.sleep(0.2)
    return found


def _assert_reported(events: list[dict[str, Any]], disclosure: dict[str, Any]) -> None:
    [event] = events  # once, however often it was reported
    assert set(event) == {
        "kind",
        "at",
        "disclosure_id",
        "audit_index",
        "recipient",
        "legal_basis",
        "data_categories",
    }
    assert event["audit_index"] == disclosure["audit"]["index"]
    assert event["recipient"] == RECIPIENT
    assert event["legal_basis"]
    assert event["data_categories"]


def test_a_released_tip_shows_the_disclosure_in_its_timeline(
    running_suite: Suite,
) -> None:
    tip_id = file_demo_tip(running_suite, supplier=ALONE, agreement_id="hvb-2022")["id"]
    disclosure = _released_about(running_suite, ALONE["org_number"])
    assert set(disclosure["released"]) == {tip_id}
    found = _wait_for_timelines(running_suite, disclosure)
    _assert_reported(found[tip_id], disclosure)


def test_every_tip_of_a_release_shows_it(running_suite: Suite) -> None:
    """A request about a supplier covers each of its tips: each timeline lists it."""
    file_demo_tip(
        running_suite, supplier=WITH_A_DEMO_TIP, agreement_id="familjehem-2023"
    )
    disclosure = _released_about(running_suite, WITH_A_DEMO_TIP["org_number"])
    assert len(disclosure["released"]) >= 2
    for events in _wait_for_timelines(running_suite, disclosure).values():
        _assert_reported(events, disclosure)
