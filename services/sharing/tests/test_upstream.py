"""The clients of tips and audit-log: answers parsed once into frozen types, a
malformed answer a 503 that releases nothing."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from samverkan_sharing.disclosures.upstream_data import AuditReceipt, Subject, Tip
from samverkan_sharing.upstream import AuditLogClient, TipsClient, UpstreamUnavailable
from tests.support.fakes import FakeTips
from tests.support.payloads import CHILD, GROVT_BEDRAGERI, TIP_ID, tip_document

MALFORMED_TIP = (
    "The tips service cannot be reached (answered with a malformed Tip); "
    "nothing was released. Retry with the same Idempotency-Key."
)
# The token and its proof are ServiceToken's (tests/suite, test_dpop_outbound.py).
_NO_AUTH = httpx.BasicAuth("not", "checked")
RECEIPT = {"index": 3, "tree_size": 4, "leaf_hash": "aGFzaA==", "checkpoint": "c\n"}


def _answering(response: httpx.Response) -> httpx.Client:
    return httpx.Client(
        base_url="http://upstream.test",
        transport=httpx.MockTransport(lambda request: response),
    )


def _tips(response: httpx.Response) -> TipsClient:
    return TipsClient(_answering(response), _NO_AUTH)


def _audit(response: httpx.Response) -> AuditLogClient:
    return AuditLogClient(_answering(response), _NO_AUTH)


class TestTipsClient:
    def test_a_tip_is_parsed_into_its_type(self) -> None:
        tip = _tips(httpx.Response(200, json=tip_document())).tip(TIP_ID)
        assert isinstance(tip, Tip)
        assert tip.tip_id == TIP_ID
        assert tip.holder_activity == "social_services"
        assert tip.supplier_org_number == "556677-8899"
        assert [f.name for f in tip.fields][:2] == [
            "supplier.org_number",
            "supplier.name",
        ]
        assert tip.subjects == (
            Subject(kind="organisation", identifier="556677-8899"),
            Subject(kind="person", identifier=CHILD),
        )
        assert tip.values({"categories"}) == {"categories": ["staffing"]}

    def test_a_tip_is_frozen(self) -> None:
        tip = _tips(httpx.Response(200, json=tip_document())).tip(TIP_ID)
        with pytest.raises(ValidationError):
            tip.holder_activity = "school"

    def test_a_supplier_s_tips_are_read_page_by_page(self) -> None:
        pages = {
            None: {"items": [tip_document()], "next_cursor": "next"},
            "next": {"items": [tip_document("t2")], "next_cursor": None},
        }

        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json=pages[request.url.params.get("cursor")])

        client = httpx.Client(
            base_url="http://tips.test", transport=httpx.MockTransport(answer)
        )
        tips = TipsClient(client, _NO_AUTH).supplier_tips("556677-8899")
        assert [tip.tip_id for tip in tips] == [TIP_ID, "t2"]

    @pytest.mark.parametrize(
        "response",
        [
            httpx.Response(200, text="not json"),
            httpx.Response(200, json=[]),
            httpx.Response(200, json={**tip_document(), "fields": None}),
            httpx.Response(
                200, json={k: v for k, v in tip_document().items() if k != "subjects"}
            ),
        ],
        ids=["not json", "not an object", "fields not a list", "no subjects"],
    )
    def test_a_malformed_tip_is_a_503(self, response: httpx.Response) -> None:
        with pytest.raises(UpstreamUnavailable) as raised:
            _tips(response).tip(TIP_ID)
        assert raised.value.headers == {"Retry-After": "5"}
        assert raised.value.body() == {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": MALFORMED_TIP,
        }

    def test_a_malformed_page_is_a_503(self) -> None:
        with pytest.raises(UpstreamUnavailable, match="malformed TipPage"):
            _tips(httpx.Response(200, json={"items": 1})).supplier_tips("556677-8899")


class TestAuditLogClient:
    def test_the_receipt_is_parsed_and_extra_members_ignored(self) -> None:
        answer = httpx.Response(201, json={**RECEIPT, "entry": {"event": "x"}})
        receipt = _audit(answer).append({"event": "x"}, idempotency_key="k")
        assert receipt == AuditReceipt(**RECEIPT)
        assert receipt.model_dump() == RECEIPT

    @pytest.mark.parametrize(
        "body",
        [b"<html>", b'{"index": 3}', b'{"index": "three", "tree_size": 4}'],
        ids=["not json", "members missing", "index not a number"],
    )
    def test_a_malformed_receipt_is_a_503(self, body: bytes) -> None:
        with pytest.raises(UpstreamUnavailable) as raised:
            _audit(httpx.Response(201, content=body)).append({}, idempotency_key="k")
        assert raised.value.status == 503
        assert "malformed AuditReceipt" in str(raised.value.detail)


class _MalformedTips(FakeTips):
    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/internal/"):
            return httpx.Response(200, json={"tip_id": TIP_ID})
        return super().__call__(request)


def test_a_malformed_tip_answers_503_and_stores_nothing(
    sharing_factory: Callable[..., Any],
) -> None:
    sharing = sharing_factory(_MalformedTips())
    response = sharing.client.post(
        "/v1/disclosure-requests",
        json={
            "tip_id": TIP_ID,
            "purpose": GROVT_BEDRAGERI,
            "partner_reference": "5000-K123-26",
        },
        headers=sharing.headers("police"),
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": MALFORMED_TIP,
    }
    assert sharing.audit.entries == []
    listed = sharing.client.get(
        "/v1/disclosure-requests", headers=sharing.headers("police")
    ).json()
    assert listed["items"] == []
