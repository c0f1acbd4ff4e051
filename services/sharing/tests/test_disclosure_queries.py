"""A request or notice the rule engine cannot read is a 422, before anything is stored,
fetched or sent: the same problem `POST /v1/rules/evaluate` gives for the same query."""

from typing import Any

import pytest
from sqlmodel import Session, func, select

from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.rules.query import MAX_FIELDS
from tests.support.payloads import GROVT_BEDRAGERI, TIP_ID, tip_document


def _offence(**changes: Any) -> dict[str, Any]:
    return {**GROVT_BEDRAGERI, "offence": {**GROVT_BEDRAGERI["offence"], **changes}}


def _without_reference() -> dict[str, Any]:
    purpose = _offence()
    del purpose["offence"]["reference"]
    return purpose


def _request(sharing: Any, **changes: Any) -> Any:
    body = {
        "tip_id": TIP_ID,
        "purpose": GROVT_BEDRAGERI,
        "partner_reference": "5000-K123-26",
        **changes,
    }
    return sharing.client.post(
        "/v1/disclosure-requests", json=body, headers=sharing.headers("police")
    )


def _notice(sharing: Any, **changes: Any) -> Any:
    sharing.headers("skatteverket")  # registers Skatteverket's client
    body = {
        "tip_id": TIP_ID,
        "recipient": "polismyndigheten",
        "purpose": GROVT_BEDRAGERI,
        **changes,
    }
    sharing.headers("police")  # registers the police's client, the recipient
    return sharing.client.post(
        "/v1/notifications", json=body, headers=sharing.headers("assessor")
    )


def _stored(sharing: Any) -> int:
    with Session(sharing.client.app.platform.engine) as session:
        return int(
            session.exec(select(func.count()).select_from(DisclosureRecord)).one()
        )


def _tip_reads(sharing: Any) -> list[str]:
    return [r.url.path for r in sharing.tips.calls if r.url.path != "/healthz"]


def _assert_nothing_happened(sharing: Any, *, tips_read: bool = False) -> None:
    assert _stored(sharing) == 0
    assert sharing.audit.entries == []
    assert bool(_tip_reads(sharing)) == tips_read


SEND = [pytest.param(_request, id="request"), pytest.param(_notice, id="notice")]


class TestTheSchemaRefuses:
    """What pydantic can see is refused with a pointer to the field."""

    @pytest.mark.parametrize("send", SEND)
    @pytest.mark.parametrize(
        ("changes", "pointer"),
        [
            pytest.param(
                {"purpose": _offence(min_penalty_months=24, max_penalty_months=6)},
                "#/purpose/offence",
                id="minimum above maximum",
            ),
            pytest.param(
                {"purpose": _offence(name="   ")},
                "#/purpose/offence/name",
                id="blank offence name",
            ),
            pytest.param(
                {"purpose": _offence(reference=" ")},
                "#/purpose/offence/reference",
                id="blank reference",
            ),
            pytest.param(
                {"purpose": _without_reference()},
                "#/purpose/offence/reference",
                id="no reference",
            ),
            pytest.param(
                {"purpose": {**GROVT_BEDRAGERI, "detail": "\t\n "}},
                "#/purpose/detail",
                id="blank purpose detail",
            ),
            pytest.param(
                {"purpose": {**GROVT_BEDRAGERI, "detail": "x" * 2001}},
                "#/purpose/detail",
                id="purpose detail longer than the engine reads",
            ),
            pytest.param(
                {"requested_basis": "  "}, "#/requested_basis", id="blank basis"
            ),
            pytest.param(
                {"requested_basis": "\x1c"},
                "#/requested_basis",
                id="a basis of what str.strip calls whitespace",
            ),
        ],
    )
    def test_an_unreadable_purpose_is_a_422(
        self, sharing: Any, send: Any, changes: dict[str, Any], pointer: str
    ) -> None:
        response = send(sharing, **changes)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["title"] == "Unprocessable Content"
        assert [error["pointer"] for error in body["errors"]] == [pointer]
        _assert_nothing_happened(sharing)


class TestTheEngineRefuses:
    """What only the engine knows is refused as its evaluate route refuses it."""

    @staticmethod
    def _evaluated(sharing: Any, purpose: dict[str, Any]) -> Any:
        query = {
            "holder_activity": "social_services",
            "recipient": "polismyndigheten",
            "initiative": "request",
            "purpose": purpose,
            "fields": [{"name": "persons", "category": "child_social"}],
        }
        return sharing.client.post(
            "/v1/rules/evaluate", json=query, headers=sharing.headers("police")
        )

    @pytest.mark.parametrize("send", SEND)
    def test_an_offence_reference_that_is_no_legal_reference_is_a_422(
        self, sharing: Any, send: Any
    ) -> None:
        purpose = _offence(reference="see the attached memo")
        evaluated = self._evaluated(sharing, purpose)
        assert evaluated.status_code == 422
        response = send(sharing, purpose=purpose)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == evaluated.json()
        assert response.json()["detail"].startswith("purpose.offence.reference: ")
        _assert_nothing_happened(sharing)

    def test_a_tip_the_engine_cannot_read_is_a_422_with_nothing_stored(
        self, sharing: Any
    ) -> None:
        """A tip's field the engine has no category for: refused, not a 500."""
        tip = tip_document()
        tip["fields"][0]["category"] = "no_such_category"
        sharing.tips.tips[TIP_ID] = tip
        response = _request(sharing)
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {"pointer": "#", "detail": response.json()["detail"]}
        ]
        assert "fields[0].category" in response.json()["detail"]
        _assert_nothing_happened(sharing, tips_read=True)


class TestFieldLists:
    """As many fields as the engine evaluates in one query (MAX_FIELDS), no more."""

    @pytest.mark.parametrize("model", ["DisclosureRequest", "NotificationCreate"])
    def test_the_document_states_the_engines_cap(
        self, sharing: Any, model: str
    ) -> None:
        schemas = sharing.client.get("/openapi.json").json()["components"]["schemas"]
        [listed] = [
            option
            for option in schemas[model]["properties"]["fields"]["anyOf"]
            if option.get("type") == "array"
        ]
        assert listed["maxItems"] == MAX_FIELDS == 200

    @pytest.mark.parametrize("send", SEND)
    def test_more_fields_than_the_engine_takes_is_a_422(
        self, sharing: Any, send: Any
    ) -> None:
        names = [f"field-{number}" for number in range(MAX_FIELDS + 1)]
        response = send(sharing, fields=names)
        assert response.status_code == 422
        assert [error["pointer"] for error in response.json()["errors"]] == ["#/fields"]
        _assert_nothing_happened(sharing)

    def test_a_list_the_engine_takes_reaches_the_tip(self, sharing: Any) -> None:
        """51 names were refused by a cap of 50 of the schema's own."""
        names = [f"field-{number}" for number in range(MAX_FIELDS)]
        response = _request(sharing, fields=names)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "#/fields"
        assert response.json()["detail"].startswith("unknown fields field-0, ")
        _assert_nothing_happened(sharing, tips_read=True)
