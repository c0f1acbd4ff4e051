"""The README's walkthrough, as a user follows it: a request whose answer has
released, withheld and held fields; the officer finds what waits and assesses it; a
second officer approves; the compliance officer finds the entry by its tip."""

from typing import Any

from tests.support.payloads import BEDRAGERI
from tests.support.suite import InProcessSuite

# demo-tip-5 of `make run`: a health-care unit's tip naming a child and a relative.
HEALTH_CARE_TIP = {
    "supplier": {"org_number": "559234-5671", "name": "Nya Vägen Stödboende AB"},
    "agreement_id": "hvb-2022",
    "categories": ["care_quality", "permits"],
    "description": "Boende utan tillstånd från IVO för målgruppen.",
    "occurred_on": "2026-05-10",
    "reporter": {
        "municipality_code": "1280",
        "unit": "Avtalsuppföljning",
        "activity": "health_care",
        "contact_email": "tips@malmo.se",
    },
    "persons": [
        {"personal_number": "20090228-3399", "role": "placed_child"},
        {"personal_number": "19720315-4823", "role": "relative"},
    ],
}
# Bedrägeri (BrB 9:1, fängelse i högst två år; the least prison is 14 days, BrB
# 26:1): OSL 10:24 reaches the narrative, not the persons' health-care data; the
# reporter always waits for a person. As the README's walkthrough asks.
WALKTHROUGH_BEDRAGERI = BEDRAGERI


def _outcomes(disclosure: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["outcome"] for f in disclosure["decision"]["fields"]}


def _file_the_walkthrough_tip(suite: InProcessSuite) -> str:
    # The walkthrough's supplier is added by the tip itself (not on the agreement).
    filed = suite.tips.post(
        "/v1/tips", json=HEALTH_CARE_TIP, headers=suite.headers("malmo")
    )
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])


def _police_ask(suite: InProcessSuite, tip_id: str) -> dict[str, Any]:
    """The police's request: released, withheld and held fields, nothing out yet."""
    police = suite.headers("police", **{"Idempotency-Key": "5000-K124-26-1"})
    asked = suite.sharing.post(
        "/v1/disclosure-requests",
        json={
            "tip_id": tip_id,
            "partner_reference": "5000-K124-26",
            "purpose": WALKTHROUGH_BEDRAGERI,
        },
        headers=police,
    )
    assert asked.status_code == 201, asked.text
    request: dict[str, Any] = asked.json()
    outcomes = _outcomes(request)
    assert outcomes["supplier.name"] == "release"
    assert outcomes["description"] == "release"
    assert outcomes["persons"] == "withhold"
    assert outcomes["reporter"] == "needs_assessment"
    assert (request["status"], request["released"]) == ("awaiting_assessment", {})
    return request


def _officer_finds_it_waiting(
    suite: InProcessSuite, assessor: dict[str, str], request_id: str
) -> None:
    # The officer finds what waits for them, most urgent first is newest first.
    waiting = suite.sharing.get(
        "/v1/disclosure-requests",
        params={"status": "awaiting_assessment"},
        headers=assessor,
    ).json()["items"]
    assert [item["id"] for item in waiting] == [request_id]
    assert waiting[0]["held_fields"] == ["reporter"]
    assert "released" not in waiting[0]


def _assess_and_approve(
    suite: InProcessSuite, assessor: dict[str, str], request_id: str
) -> None:
    """The officer proposes to withhold the reporter; a second officer approves."""
    assessed = suite.sharing.post(
        f"/v1/disclosure-requests/{request_id}/assessment",
        json={
            "assessment": "Anmälarens identitet behövs inte för att utreda bedrägeriet.",
            "proposals": [
                {
                    "field": "reporter",
                    "decision": "withhold",
                    "reason": "Anmälaren riskerar repressalier; uppgiften behövs inte.",
                }
            ],
        },
        headers=assessor,
    )
    assert assessed.status_code == 200, assessed.text
    approved = suite.sharing.post(
        f"/v1/disclosure-requests/{request_id}/approval",
        json={"decision": "approve", "reason": "Bedömningen delas."},
        headers=suite.headers("approver"),
    )
    assert approved.status_code == 200, approved.text


def _police_get_the_partial_answer(suite: InProcessSuite, request_id: str) -> None:
    answer = suite.sharing.get(
        f"/v1/disclosure-requests/{request_id}", headers=suite.headers("police")
    ).json()
    assert answer["status"] == "released"
    assert answer["outcome"] == "partial"
    assert answer["released"]["supplier.name"] == "Nya Vägen Stödboende AB"
    assert "description" in answer["released"]
    withheld = {w["field"]: w["reason"] for w in answer["withheld"]}
    assert set(withheld) == {"persons", "persons.adults", "reporter"}
    assert withheld["reporter"].endswith(
        "Withheld after the manual assessment: Anmälaren riskerar repressalier; "
        "uppgiften behövs inte."
    )
    reporter = {f["name"]: f for f in answer["decision"]["fields"]}["reporter"]
    assert reporter["manual_assessment"]["proposal"] == "withhold"
    assert reporter["manual_assessment"]["approval"]["decision"] == "approve"


def _compliance_finds_the_entry_by_its_tip(
    suite: InProcessSuite, tip_id: str, request_id: str
) -> None:
    entries = suite.audit.get(
        "/v1/entries", params={"tip_id": tip_id}, headers=suite.headers("compliance")
    ).json()["items"]
    assert [e["entry"]["decision_id"] for e in entries] == [request_id]
    assert entries[0]["entry"]["tip_ids"] == [tip_id]


def test_released_withheld_and_held_then_found_assessed_and_approved(
    in_process_suite: InProcessSuite,
) -> None:
    suite = in_process_suite
    tip_id = _file_the_walkthrough_tip(suite)
    request = _police_ask(suite, tip_id)
    assessor = suite.headers("assessor")
    _officer_finds_it_waiting(suite, assessor, request["id"])
    _assess_and_approve(suite, assessor, request["id"])
    _police_get_the_partial_answer(suite, request["id"])
    _compliance_finds_the_entry_by_its_tip(suite, tip_id, request["id"])
