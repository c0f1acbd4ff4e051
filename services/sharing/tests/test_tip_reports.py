"""Tips is told of every release: an outbox row written with the release, delivered
by the app's reporter thread, on SQLite and PostgreSQL."""

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from samverkan_sharing.tip_reports.models import TipReportRecord
from tests.support.payloads import (
    BEDRAGERI,
    GROVT_BEDRAGERI,
    PROCUREMENT_TIP,
    TIP_ID,
    tip_document,
)
from tests.support.sharing import Sharing, request_disclosure

QUIET = {"tip_report_poll_interval": 3600.0}  # the reporter looks once, at start
BRISK = {"tip_report_poll_interval": 0.05, "tip_report_backoff_base": 0.05}


def reports(sharing: Sharing) -> list[TipReportRecord]:
    engine = sharing.client.app.platform.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        statement = select(TipReportRecord).order_by(col(TipReportRecord.tip_id))
        return list(session.exec(statement).all())


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.02)


def _expected_body(sharing: Sharing, disclosure: dict[str, Any]) -> dict[str, Any]:
    entry = sharing.audit.entries[0]
    return {
        "disclosure_id": disclosure["id"],
        "audit_index": disclosure["audit"]["index"],
        "recipient": entry["recipient"],
        "legal_basis": entry["legal_basis"],
        "data_categories": entry["data_categories"],
        "released_at": reports(sharing)[0].report["released_at"],
    }


class TestTheOutboxRow:
    def test_a_release_stores_one_report_for_its_tip_without_the_payload(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        disclosure = request_disclosure(sharing, GROVT_BEDRAGERI).json()
        assert disclosure["status"] == "released"
        [row] = reports(sharing)
        assert (row.disclosure_id, row.tip_id) == (disclosure["id"], TIP_ID)
        assert (row.state, row.attempts) == ("pending", 0)
        assert row.report == _expected_body(sharing, disclosure)
        assert row.report["recipient"] == {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        }
        assert row.report["released_at"].endswith("Z")
        assert "Exempel Omsorg AB" not in json.dumps(row.report)  # no released value

    def test_a_request_about_a_supplier_reports_to_each_tip(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        other = tip_document(PROCUREMENT_TIP, holder="procurement_follow_up")
        sharing.tips.tips[PROCUREMENT_TIP] = other
        response = sharing.client.post(
            "/v1/disclosure-requests",
            json={
                "supplier_org_number": "5566778899",
                "purpose": GROVT_BEDRAGERI,
                "partner_reference": "5000-K1",
                "fields": ["supplier.name"],
            },
            headers=sharing.headers("police"),
        )
        assert response.status_code == 201, response.text
        rows = reports(sharing)
        assert sorted(r.tip_id for r in rows) == sorted([TIP_ID, PROCUREMENT_TIP])
        assert rows[0].report == rows[1].report

    def test_a_held_request_reports_nothing_until_it_is_released(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        held = request_disclosure(sharing, BEDRAGERI).json()
        assert held["status"] == "awaiting_assessment"
        assert reports(sharing) == []
        path = f"/v1/disclosure-requests/{held['id']}"
        proposals = [
            {"field": "persons", "decision": "release", "reason": "behövs"},
            {"field": "description", "decision": "withhold", "reason": "onödig"},
        ]
        assessed = sharing.client.post(
            f"{path}/assessment",
            json={"assessment": "Behövs för utredningen.", "proposals": proposals},
            headers=sharing.headers("assessor"),
        )
        assert assessed.status_code == 200, assessed.text
        assert reports(sharing) == []
        approved = sharing.client.post(
            f"{path}/approval",
            json={"decision": "approve", "reason": "Instämmer."},
            headers=sharing.headers("approver"),
        )
        assert approved.json()["status"] == "released"
        [row] = reports(sharing)
        assert row.disclosure_id == held["id"]
        assert row.report["audit_index"] == approved.json()["audit"]["index"]

    def test_a_replayed_request_adds_no_second_report(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        first = request_disclosure(sharing, GROVT_BEDRAGERI, key="k-1").json()
        again = request_disclosure(sharing, GROVT_BEDRAGERI, key="k-1").json()
        assert first["id"] == again["id"]
        assert len(reports(sharing)) == 1


class TestTheReporter:
    def test_tips_gets_the_report_with_the_service_token(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**BRISK)
        disclosure = request_disclosure(sharing, GROVT_BEDRAGERI).json()
        eventually(lambda: reports(sharing)[0].state == "delivered")
        [(tip_id, body)] = sharing.tips.reports
        assert tip_id == TIP_ID
        assert body == _expected_body(sharing, disclosure)
        [posted] = [c for c in sharing.tips.calls if c.method == "POST"]
        assert posted.url.path == "/internal/v1/tip-disclosures"
        claims = _claims(posted.headers["authorization"])
        assert claims["client_id"] == "sharing-service"
        assert "tips:internal" in claims["scope"].split()
        audience = claims["aud"]
        assert "tips" in ([audience] if isinstance(audience, str) else audience)
        [row] = reports(sharing)
        assert (row.attempts, row.last_status, row.lease_until) == (1, 200, None)
        assert row.settled_at is not None

    def test_a_tips_outage_is_retried_until_tips_takes_the_report(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**BRISK)
        sharing.tips.report_answers = [503, 500]
        request_disclosure(sharing, GROVT_BEDRAGERI)
        eventually(lambda: reports(sharing)[0].state == "delivered")
        [row] = reports(sharing)
        assert (row.attempts, row.last_status) == (3, 200)
        assert len(sharing.tips.reports) == 1

    def test_an_unknown_tip_ends_the_report(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**BRISK)
        sharing.tips.report_answers = ["unknown_tip"]
        request_disclosure(sharing, GROVT_BEDRAGERI)
        eventually(lambda: reports(sharing)[0].state == "unknown_tip")
        # Never sent again: test_tip_reports_worker.TestTheEnd, on its own clock.
        [row] = reports(sharing)
        assert (row.attempts, row.last_status) == (1, 200)
        assert sharing.tips.reports == []

    def test_the_disclosure_never_waits_for_tips(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**BRISK)
        sharing.tips.report_gate.clear()  # tips hangs on every report
        try:
            request_disclosure(sharing, GROVT_BEDRAGERI)
            assert sharing.tips.report_waiting.wait(10)
            started = time.monotonic()
            second = request_disclosure(
                sharing, GROVT_BEDRAGERI, partner_reference="5000-K2"
            )
            assert second.json()["status"] == "released", second.text
            assert not sharing.tips.report_gate.is_set()  # still hanging meanwhile
            assert time.monotonic() - started < 5
            assert len(reports(sharing)) == 2
        finally:
            sharing.tips.report_gate.set()
        eventually(lambda: {r.state for r in reports(sharing)} == {"delivered"})

    def test_reports_outlive_the_process_that_released(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        before = sharing_factory(**QUIET)  # released, then gone before reporting
        disclosure = request_disclosure(before, GROVT_BEDRAGERI).json()
        assert reports(before)[0].state == "pending"
        after = sharing_factory(**BRISK)  # a new process on the same database
        eventually(lambda: reports(after)[0].state == "delivered")
        [(_, body)] = after.tips.reports
        assert body["disclosure_id"] == disclosure["id"]
        assert before.tips.reports == []

    def test_metrics_count_attempts_and_the_backlog(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**BRISK)
        sharing.tips.report_answers = [503]
        request_disclosure(sharing, GROVT_BEDRAGERI)
        eventually(lambda: reports(sharing)[0].state == "delivered")
        text = sharing.client.get("/metrics").text
        attempts = "samverkan_sharing_tip_report_attempts_total"
        assert f'{attempts}{{outcome="retrying"}} 1.0' in text
        assert f'{attempts}{{outcome="delivered"}} 1.0' in text
        assert "samverkan_sharing_tip_reports_waiting 0.0" in text


def _claims(authorization: str) -> dict[str, Any]:
    payload = authorization.split(" ", 1)[1].split(".")[1]  # Bearer or DPoP
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return claims
