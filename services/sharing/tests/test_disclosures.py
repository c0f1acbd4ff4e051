"""Disclosure requests: rule-checked per field, logged before release."""

import json
from typing import Any

from samverkan_shared.pseudonyms import pseudonymise
from tests.support.payload_digest import payload_sha256
from tests.support.payloads import (
    BEDRAGERI,
    CHILD,
    GROVT_BEDRAGERI,
    PROCUREMENT_TIP,
    TIP_ID,
    tip_document,
)
from tests.support.sharing import request_disclosure


class TestRelease:
    def test_grovt_bedrageri_releases_every_field_under_osl_10_23(
        self, sharing: Any
    ) -> None:
        response = request_disclosure(sharing, GROVT_BEDRAGERI)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["outcome"] == "release"
        assert body["status"] == "released"
        assert body["released"]["persons"] == [
            {"personal_number": CHILD, "role": "placed_child"}
        ]
        assert body["withheld"] == []
        assert body["legal_basis"] == ["OSL 10:23", "OSL 6:5"]
        assert body["recipient"] == {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        }
        [entry] = sharing.audit.entries
        assert body["audit"]["index"] == 0
        assert entry["payload_sha256"] == payload_sha256(body["released"])
        assert entry["decision_id"] == body["id"]
        assert entry["recipient"]["code"] == "polismyndigheten"
        assert entry["partner_reference"] == "5000-K123-26"
        key = sharing.settings.pseudonym_key()
        assert entry["subjects"] == sorted(
            {pseudonymise(CHILD, key), pseudonymise("556677-8899", key)}
        )
        assert CHILD not in json.dumps(entry)

    def test_the_answer_is_what_reading_the_disclosure_gives(
        self, sharing: Any
    ) -> None:
        """The route serialises the answer itself; it must match the read model."""
        created = request_disclosure(sharing, GROVT_BEDRAGERI)
        read = sharing.client.get(
            f"/v1/disclosure-requests/{created.json()['id']}",
            headers=sharing.headers("police"),
        )
        assert (created.status_code, read.status_code) == (201, 200)
        assert created.headers["content-type"] == "application/json"
        assert created.json() == read.json()
        assert [step["event"] for step in created.json()["history"]] == [
            "decided",
            "audit_pending",
            "released",
        ]

    def test_only_the_fields_asked_for_are_released(self, sharing: Any) -> None:
        body = request_disclosure(
            sharing, GROVT_BEDRAGERI, fields=["supplier.org_number"]
        ).json()
        assert body["released"] == {"supplier.org_number": "556677-8899"}
        entry = sharing.audit.entries[0]
        assert entry["subjects"] == [
            pseudonymise("556677-8899", sharing.settings.pseudonym_key())
        ]
        assert entry["data_categories"] == ["supplier_company"]

    def test_unknown_field_is_a_422_naming_it(self, sharing: Any) -> None:
        response = request_disclosure(sharing, GROVT_BEDRAGERI, fields=["salary"])
        assert response.status_code == 422
        assert "salary" in response.json()["detail"]
        assert sharing.audit.entries == []

    def test_partial_release_withholds_with_the_reason(self, sharing: Any) -> None:
        tip = tip_document(PROCUREMENT_TIP, holder="procurement_follow_up")
        tip["fields"].append(
            {"name": "health", "category": "health_care", "value": "journal"}
        )
        sharing.tips.tips[PROCUREMENT_TIP] = tip
        response = request_disclosure(
            sharing,
            BEDRAGERI,
            tip_id=PROCUREMENT_TIP,
            fields=["supplier.name", "health"],
        )
        body = response.json()
        assert body["outcome"] == "partial"
        assert body["released"] == {"supplier.name": "Exempel Omsorg AB"}
        [withheld] = body["withheld"]
        assert withheld["field"] == "health"
        assert withheld["category"] == "health_care"
        assert withheld["outcome"] == "withhold"
        assert withheld["reason"]
        assert sharing.audit.entries[0]["payload_sha256"] == payload_sha256(
            body["released"]
        )

    def test_the_recipient_cannot_be_chosen_in_the_body(self, sharing: Any) -> None:
        response = request_disclosure(
            sharing, GROVT_BEDRAGERI, recipient="skatteverket"
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "#/recipient"

    def test_a_municipal_client_cannot_request(self, sharing: Any) -> None:
        response = sharing.client.post(
            "/v1/disclosure-requests",
            json={
                "tip_id": TIP_ID,
                "purpose": GROVT_BEDRAGERI,
                "partner_reference": "x",
            },
            headers=sharing.headers("assessor"),
        )
        assert response.status_code == 403

    def test_unknown_tip_is_404_and_nothing_logged(self, sharing: Any) -> None:
        response = request_disclosure(
            sharing, GROVT_BEDRAGERI, tip_id="00000000-0000-4000-8000-000000000000"
        )
        assert response.status_code == 404
        assert sharing.audit.entries == []


class TestFailClosed:
    def test_audit_log_down_releases_nothing_and_the_retry_logs_once(
        self, sharing: Any
    ) -> None:
        sharing.audit.down = True
        failed = request_disclosure(sharing, GROVT_BEDRAGERI, key="k-1")
        assert failed.status_code == 503
        assert failed.headers["retry-after"] == "5"
        assert failed.headers["content-type"] == "application/problem+json"
        assert "nothing was released" in failed.json()["detail"]
        assert CHILD not in failed.text
        sharing.audit.down = False
        retried = request_disclosure(sharing, GROVT_BEDRAGERI, key="k-1")
        assert retried.status_code == 201
        assert retried.json()["status"] == "released"
        again = request_disclosure(sharing, GROVT_BEDRAGERI, key="k-1")
        assert again.json()["id"] == retried.json()["id"]
        assert len(sharing.audit.entries) == 1

    def test_pending_disclosure_shows_no_data(self, sharing: Any) -> None:
        sharing.audit.down = True
        request_disclosure(sharing, GROVT_BEDRAGERI, key="k-2")
        from sqlmodel import Session, select

        from samverkan_sharing.disclosures.models import DisclosureRecord

        with Session(sharing.client.app.platform.engine) as session:
            record = session.exec(select(DisclosureRecord)).one()
        assert record.status == "pending_audit"
        read = sharing.client.get(
            f"/v1/disclosure-requests/{record.id}", headers=sharing.headers("police")
        ).json()
        assert read["released"] == {}
        assert read["audit"] is None
        assert read["status"] == "pending_audit"


class TestReceipts:
    """`GET /v1/disclosure-requests/{id}/receipt`: the log's tlog-proof of the
    release, for the recipient (verified offline in tests/e2e/test_witness_e2e.py)."""

    def _receipt(self, sharing: Any, disclosure_id: str, who: str) -> Any:
        return sharing.client.get(
            f"/v1/disclosure-requests/{disclosure_id}/receipt",
            headers=sharing.headers(who),
        )

    def test_the_recipient_gets_the_receipt_of_its_release(self, sharing: Any) -> None:
        released = request_disclosure(sharing, GROVT_BEDRAGERI).json()
        index = released["audit"]["index"]
        response = self._receipt(sharing, released["id"], "police")
        assert response.status_code == 200, response.text
        assert response.text == f"c2sp.org/tlog-proof@v1\nindex {index}\n"
        assert response.headers["Samverkan-Witnessed"] == "false"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="disclosure-{released["id"]}.tlog-proof"'
        )

    def test_another_partner_learns_nothing(self, sharing: Any) -> None:
        released = request_disclosure(sharing, GROVT_BEDRAGERI).json()
        response = self._receipt(sharing, released["id"], "skatteverket")
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"

    def test_nothing_released_has_no_receipt(self, sharing: Any) -> None:
        held = request_disclosure(sharing, BEDRAGERI).json()
        assert held["status"] == "awaiting_assessment"
        response = self._receipt(sharing, held["id"], "police")
        assert response.status_code == 409
        assert "released yet" in response.json()["detail"]

    def test_the_log_away_is_a_503_that_changes_nothing(self, sharing: Any) -> None:
        released = request_disclosure(sharing, GROVT_BEDRAGERI).json()
        sharing.audit.down = True
        response = self._receipt(sharing, released["id"], "police")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "disclosure and its entry are unchanged" in response.json()["detail"]


class TestIdempotency:
    def test_same_key_same_body_returns_the_same_disclosure(self, sharing: Any) -> None:
        first = request_disclosure(sharing, GROVT_BEDRAGERI, key="abc").json()
        second = request_disclosure(sharing, GROVT_BEDRAGERI, key="abc").json()
        assert first["id"] == second["id"]
        assert len(sharing.audit.entries) == 1

    def test_same_key_other_body_is_422(self, sharing: Any) -> None:
        request_disclosure(sharing, GROVT_BEDRAGERI, key="abc")
        response = request_disclosure(sharing, BEDRAGERI, key="abc")
        assert response.status_code == 422
        assert "another request body" in response.json()["detail"]


class TestSupplierRequests:
    def test_every_tip_about_the_supplier_is_evaluated_on_its_own(
        self, sharing: Any
    ) -> None:
        other = tip_document(PROCUREMENT_TIP, holder="procurement_follow_up")
        sharing.tips.tips[PROCUREMENT_TIP] = other
        response = sharing.client.post(
            "/v1/disclosure-requests",
            json={
                "supplier_org_number": "5566778899",
                "purpose": GROVT_BEDRAGERI,
                "partner_reference": "5000-K1",
                "fields": ["supplier.name", "categories"],
            },
            headers=sharing.headers("police"),
        )
        body = response.json()
        assert response.status_code == 201, body
        assert set(body["released"]) == {TIP_ID, PROCUREMENT_TIP}
        assert body["released"][TIP_ID] == {
            "supplier.name": "Exempel Omsorg AB",
            "categories": ["staffing"],
        }
        names = {f["name"] for f in body["decision"]["fields"]}
        assert f"{TIP_ID}/supplier.name" in names


class TestRules:
    def test_catalogue_is_served(self, sharing: Any) -> None:
        body = sharing.client.get("/v1/rules", headers=sharing.headers("police")).json()
        ids = {rule["id"] for rule in body["items"]}
        assert body["catalogue_version"]
        assert len(ids) == len(body["items"]) >= 20

    def test_a_partner_evaluates_only_as_itself(self, sharing: Any) -> None:
        query = {
            "holder_activity": "social_services",
            "recipient": "private",
            "initiative": "request",
            "purpose": GROVT_BEDRAGERI,
            "fields": [{"name": "persons", "category": "child_social"}],
        }
        answer = sharing.client.post(
            "/v1/rules/evaluate", json=query, headers=sharing.headers("police")
        ).json()
        assert answer["fields"][0]["outcome"] == "release"
        assert answer["fields"][0]["legal_basis"] == ["OSL 10:23"]
        assert sharing.audit.entries == []

    def test_invalid_query_is_422(self, sharing: Any) -> None:
        response = sharing.client.post(
            "/v1/rules/evaluate",
            json={"recipient": "nobody"},
            headers=sharing.headers("assessor"),
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


def test_metrics_count_disclosures_by_outcome_and_basis(sharing: Any) -> None:
    request_disclosure(sharing, GROVT_BEDRAGERI)
    text = sharing.client.get("/metrics").text
    assert (
        'samverkan_disclosures_total{kind="request",outcome="release",status="released"} 1.0'
        in text
    )
    assert (
        'samverkan_disclosures_by_legal_basis_total{legal_basis="OSL 10:23"} 1.0'
        in text
    )


def test_concurrent_requests_all_succeed_and_each_is_logged_once(sharing: Any) -> None:
    """16 partners at once: no 'database is locked', one audit entry per disclosure."""
    from concurrent.futures import ThreadPoolExecutor

    headers = sharing.headers("police")
    body = {"tip_id": TIP_ID, "purpose": GROVT_BEDRAGERI, "partner_reference": "x"}

    def ask(n: int) -> Any:
        return sharing.client.post(
            "/v1/disclosure-requests",
            json=body,
            headers={**headers, "Idempotency-Key": f"burst-{n % 24}"},
        )

    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(ask, range(48)))
    assert {r.status_code for r in responses} == {201}, [
        r.text for r in responses if r.status_code != 201
    ][:2]
    assert len({r.json()["id"] for r in responses}) == 24
    decisions = [entry["decision_id"] for entry in sharing.audit.entries]
    assert len(decisions) == 24, sorted(decisions)
    assert sorted(sharing.audit.by_key) == sorted(f"{d}:disclosure" for d in decisions)
