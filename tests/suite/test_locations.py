"""Every 201 names where the created resource is read, and reading it there works."""

from typing import Any

from tests.support.filing import file_tip
from tests.support.payloads import GROVT_BEDRAGERI
from tests.support.suite import InProcessSuite


def _followed(client: Any, response: Any, headers: dict[str, str]) -> Any:
    """GET the created response's Location with the same client; the body it reads."""
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    assert location.startswith("/v1/"), location
    read = client.get(location, headers=headers)
    assert read.status_code == 200, read.text
    return read.json()


def test_a_filed_tip_and_a_call_off_stop_are_read_at_their_location(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    malmo = suite.headers("malmo")
    tip_id = file_tip(suite)
    filed = suite.tips.post(
        "/v1/tips", json=_tip_body(), headers=malmo | {"Idempotency-Key": "loc-1"}
    )
    tip = _followed(suite.tips, filed, malmo)
    assert tip == filed.json()
    assert filed.headers["Location"] == f"/v1/tips/{tip['id']}"
    owner = suite.headers("adda")  # the agreement's owner stops call-offs
    stop = suite.tips.post(
        "/v1/suppliers/556677-8899/call-off-stop",
        json={"reason": "Bemanning saknas", "tip_ids": [tip_id]},
        headers=owner,
    )
    supplier = _followed(suite.tips, stop, owner)
    assert stop.headers["Location"] == "/v1/suppliers/556677-8899"
    assert supplier["call_off_stop"]["active"] is True


def test_a_disclosure_request_and_a_notice_are_read_at_their_location(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    tip_id = file_tip(suite)
    police = suite.headers("police")
    asked = suite.sharing.post(
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "purpose": GROVT_BEDRAGERI,
            "partner_reference": "5000-K9",
            "fields": ["supplier.org_number"],
        },
        headers=police,
    )
    disclosure = _followed(suite.sharing, asked, police)
    assert asked.headers["Location"] == f"/v1/disclosure-requests/{disclosure['id']}"
    assert disclosure == asked.json()

    suite.headers("skatteverket")  # its client exists, so the notice can be delivered
    sent = suite.sharing.post(
        "/v1/notifications",
        json={
            "tip_id": tip_id,
            "recipient": "skatteverket",
            "purpose": {"code": "notify_population_register_error"},
            "fields": ["supplier.org_number", "supplier.name"],
        },
        headers=suite.headers("case-system"),
    )
    notice = _followed(suite.sharing, sent, suite.headers("skatteverket"))
    assert sent.headers["Location"] == f"/v1/disclosure-requests/{notice['id']}"
    assert notice["kind"] == "notification"


def _tip_body() -> dict[str, Any]:
    return {
        "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
        "agreement_id": "hvb-2022",
        "categories": ["staffing"],
        "description": "Nattpersonal saknades.",
        "occurred_on": "2026-10-01",
        "reporter": {
            "municipality_code": "1280",
            "unit": "IFO",
            "activity": "social_services",
        },
    }
