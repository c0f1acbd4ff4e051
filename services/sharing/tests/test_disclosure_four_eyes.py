"""Disclosures held for assessment: an assessor proposes, another person approves."""

from typing import Any

import pytest

from tests.support.payload_digest import payload_sha256
from tests.support.payloads import BEDRAGERI
from tests.support.sharing import request_disclosure


class TestFourEyes:
    def _pending(self, sharing: Any) -> dict[str, Any]:
        body: dict[str, Any] = request_disclosure(sharing, BEDRAGERI).json()
        assert body["outcome"] == "needs_assessment"
        assert body["status"] == "awaiting_assessment"
        return body

    def _assess(self, sharing: Any, disclosure_id: str, who: str = "assessor") -> Any:
        return sharing.client.post(
            f"/v1/disclosure-requests/{disclosure_id}/assessment",
            json={
                "assessment": "Uppgifterna om barnet behövs för utredningen; menet är litet.",
                "proposals": [
                    {"field": "persons", "decision": "release", "reason": "behövs"},
                    {
                        "field": "description",
                        "decision": "withhold",
                        "reason": "ej nödvändig",
                    },
                ],
            },
            headers=sharing.headers(who),
        )

    def _approve(
        self, sharing: Any, disclosure_id: str, who: str, decision: str = "approve"
    ) -> Any:
        return sharing.client.post(
            f"/v1/disclosure-requests/{disclosure_id}/approval",
            json={"decision": decision, "reason": "Bedömningen delas."},
            headers=sharing.headers(who),
        )

    def test_waiting_request_releases_nothing_and_logs_nothing(
        self, sharing: Any
    ) -> None:
        body = self._pending(sharing)
        assert body["released"] == {}
        assert body["audit"] is None
        assert body["assessment_due"] is not None
        assert {w["field"] for w in body["withheld"]} == {"description", "persons"}
        assert sharing.audit.entries == []

    def test_a_different_approver_releases_what_was_proposed(
        self, sharing: Any
    ) -> None:
        disclosure_id = self._pending(sharing)["id"]
        assessed = self._assess(sharing, disclosure_id)
        assert assessed.json()["status"] == "assessed"
        approved = self._approve(sharing, disclosure_id, "approver")
        assert approved.status_code == 200, approved.text
        body = approved.json()
        assert body["status"] == "released"
        assert "persons" in body["released"]
        assert "description" not in body["released"]
        [withheld] = [w for w in body["withheld"] if w["field"] == "description"]
        assert withheld["reason"].endswith(
            "Withheld after the manual assessment: ej nödvändig"
        )
        [entry] = sharing.audit.entries
        assert entry["payload_sha256"] == payload_sha256(body["released"])
        assert [h["event"] for h in body["history"]] == [
            "decided",
            "assessed",
            "approved",
            "audit_pending",
            "released",
        ]
        partner_view = sharing.client.get(
            f"/v1/disclosure-requests/{disclosure_id}",
            headers=sharing.headers("police"),
        ).json()
        assert partner_view["released"] == body["released"]

    def test_each_held_field_shows_the_assessment_beside_the_engines_reason(
        self, sharing: Any
    ) -> None:
        pending = self._pending(sharing)
        engine = {f["name"]: f for f in pending["decision"]["fields"]}
        assert "manual_assessment" not in engine["persons"]
        assessed = self._assess(sharing, pending["id"]).json()
        fields = {f["name"]: f for f in assessed["decision"]["fields"]}
        assert fields["persons"]["reason"] == engine["persons"]["reason"]
        assert fields["persons"]["assessment"] == engine["persons"]["assessment"]
        assessor_view = fields["persons"]["manual_assessment"]
        assert assessor_view == {
            "proposal": "release",
            "reason": "behövs",
            "assessor": sharing.person_id("assessor"),
            "assessor_name": "Anna Andersson",
            "assessed_at": assessor_view["assessed_at"],
            "approval": None,
        }
        assert fields["description"]["manual_assessment"]["proposal"] == "withhold"
        assert fields["description"]["manual_assessment"]["reason"] == "ej nödvändig"

        self._approve(sharing, pending["id"], "approver")
        read = sharing.client.get(
            f"/v1/disclosure-requests/{pending['id']}",
            headers=sharing.headers("police"),
        ).json()
        fields = {f["name"]: f for f in read["decision"]["fields"]}
        approval = fields["persons"]["manual_assessment"]["approval"]
        assert approval == {
            "decision": "approve",
            "reason": "Bedömningen delas.",
            "approver": sharing.person_id("approver"),
            "approver_name": "Bertil Berg",
            "at": approval["at"],
        }
        assert fields["persons"]["reason"] == engine["persons"]["reason"]
        released_by_rule = [
            f for f in read["decision"]["fields"] if f["outcome"] == "release"
        ]
        assert all("manual_assessment" not in f for f in released_by_rule)

    def test_the_assessor_cannot_approve_their_own_assessment(
        self, sharing: Any
    ) -> None:
        disclosure_id = self._pending(sharing)["id"]
        self._assess(sharing, disclosure_id, who="both")
        response = self._approve(sharing, disclosure_id, "both")
        assert response.status_code == 403
        assert "four eyes" in response.json()["detail"]
        assert sharing.audit.entries == []

    @pytest.mark.parametrize("step", ["assessment", "approval"])
    def test_a_client_s_own_token_cannot_assess_or_approve(
        self, sharing: Any, step: str
    ) -> None:
        """Even with the scope: the decision is a named official's (a person's)."""
        disclosure_id = self._pending(sharing)["id"]
        if step == "approval":
            self._assess(sharing, disclosure_id)
        body: dict[str, Any] = (
            {"decision": "approve", "reason": "x"}
            if step == "approval"
            else {"assessment": "x", "proposals": []}
        )
        response = sharing.client.post(
            f"/v1/disclosure-requests/{disclosure_id}/{step}",
            json=body,
            headers=sharing.headers("assessing-client"),
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
            "detail": "This needs a person's token: sign the person in (OpenID "
            "Connect, the authorization code flow); a client's own token cannot do "
            "this.",
        }
        status = "assessed" if step == "approval" else "awaiting_assessment"
        read = sharing.client.get(
            f"/v1/disclosure-requests/{disclosure_id}",
            headers=sharing.headers("police"),
        )
        assert read.json()["status"] == status
        assert sharing.audit.entries == []

    def test_the_persons_are_named_in_the_history_and_the_audit_entry(
        self, sharing: Any
    ) -> None:
        disclosure_id = self._pending(sharing)["id"]
        self._assess(sharing, disclosure_id)
        body = self._approve(sharing, disclosure_id, "approver").json()
        assessor, approver = (
            sharing.person_id("assessor"),
            sharing.person_id("approver"),
        )
        events = {h["event"]: h for h in body["history"]}
        console = events["assessed"]["client_id"]
        assert {k: v for k, v in events["assessed"].items() if k != "at"} == {
            "event": "assessed",
            "actor": assessor,
            "name": "Anna Andersson",
            "org_number": "212000-1124",
            "client_id": console,
        }
        assert {k: v for k, v in events["approved"].items() if k != "at"} == {
            "event": "approved",
            "actor": approver,
            "name": "Bertil Berg",
            "org_number": "212000-1124",
            "client_id": console,
            "reason": "Bedömningen delas.",
        }
        [entry] = sharing.audit.entries
        assert entry["actor"] == approver
        assert entry["details"]["assessor"] == {
            "person_id": assessor,
            "name": "Anna Andersson",
        }
        assert entry["details"]["approver"] == {
            "person_id": approver,
            "name": "Bertil Berg",
        }

    def test_a_denial_names_the_approver(self, sharing: Any) -> None:
        disclosure_id = self._pending(sharing)["id"]
        self._assess(sharing, disclosure_id)
        body = self._approve(sharing, disclosure_id, "approver", "deny").json()
        denied = body["history"][-1]
        assert (denied["event"], denied["actor"], denied["name"]) == (
            "denied",
            sharing.person_id("approver"),
            "Bertil Berg",
        )

    def test_denial_releases_and_logs_nothing(self, sharing: Any) -> None:
        disclosure_id = self._pending(sharing)["id"]
        self._assess(sharing, disclosure_id)
        body = self._approve(sharing, disclosure_id, "approver", "deny").json()
        assert body["status"] == "denied"
        assert body["outcome"] == "deny"
        assert body["released"] == {}
        assert sharing.audit.entries == []

    def test_approval_before_assessment_is_409(self, sharing: Any) -> None:
        disclosure_id = self._pending(sharing)["id"]
        response = self._approve(sharing, disclosure_id, "approver")
        assert response.status_code == 409
        assert response.json()["status_now"] == "awaiting_assessment"

    def test_proposal_for_a_field_not_held_is_422(self, sharing: Any) -> None:
        disclosure_id = self._pending(sharing)["id"]
        response = sharing.client.post(
            f"/v1/disclosure-requests/{disclosure_id}/assessment",
            json={
                "assessment": "x",
                "proposals": [
                    {"field": "supplier.name", "decision": "release", "reason": "x"}
                ],
            },
            headers=sharing.headers("assessor"),
        )
        assert response.status_code == 422
        assert "supplier.name" in response.json()["detail"]

    def test_the_approver_reads_the_written_assessment_the_partner_does_not(
        self, sharing: Any
    ) -> None:
        disclosure_id = self._pending(sharing)["id"]
        self._assess(sharing, disclosure_id)
        url = f"/v1/disclosure-requests/{disclosure_id}"
        officer = sharing.client.get(url, headers=sharing.headers("approver")).json()
        written = officer["assessment"]
        assert written["text"].startswith("Uppgifterna om barnet behövs")
        assert written["assessor_name"] == "Anna Andersson"
        assert {p["field"]: p["decision"] for p in written["proposals"]} == {
            "persons": "release",
            "description": "withhold",
        }
        assert officer["purpose"]["offence"]["reference"] == "BrB 9:1"
        partner = sharing.client.get(url, headers=sharing.headers("police")).json()
        assert partner["assessment"] is None
        assert partner["purpose"] == officer["purpose"]

    def test_another_partner_cannot_read_it(self, sharing: Any) -> None:
        disclosure_id = self._pending(sharing)["id"]
        response = sharing.client.get(
            f"/v1/disclosure-requests/{disclosure_id}",
            headers=sharing.headers("skatteverket"),
        )
        assert response.status_code == 404
        officer = sharing.client.get(
            f"/v1/disclosure-requests/{disclosure_id}",
            headers=sharing.headers("approver"),
        )
        assert officer.status_code == 200
