"""GET /v1/disclosure-requests: what waits for an officer, a partner's own requests."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.payloads import BEDRAGERI, GROVT_BEDRAGERI, TIP_ID


def _ask(sharing: Any, who: str, purpose: dict[str, Any], ref: str) -> dict[str, Any]:
    response = sharing.client.post(
        "/v1/disclosure-requests",
        json={"tip_id": TIP_ID, "purpose": purpose, "partner_reference": ref},
        headers=sharing.headers(who),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _list(sharing: Any, who: str, **params: Any) -> Any:
    return sharing.client.get(
        "/v1/disclosure-requests", params=params, headers=sharing.headers(who)
    )


def _ids(sharing: Any, who: str, **params: Any) -> list[str]:
    response = _list(sharing, who, **params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def three(sharing: Any) -> list[dict[str, Any]]:
    """Police: one released, one waiting; Skatteverket: one waiting (in that order)."""
    return [
        _ask(sharing, "police", GROVT_BEDRAGERI, "P-1"),
        _ask(sharing, "police", BEDRAGERI, "P-2"),
        _ask(sharing, "skatteverket", BEDRAGERI, "S-1"),
    ]


class TestWhoSeesWhat:
    def test_an_officer_sees_every_disclosure_newest_first(
        self, sharing: Any, three: list[dict[str, Any]]
    ) -> None:
        newest_first = [d["id"] for d in reversed(three)]
        assert _ids(sharing, "assessor") == newest_first
        assert _ids(sharing, "approver") == newest_first
        assert _ids(sharing, "assessor", order="asc") == newest_first[::-1]

    def test_a_partner_sees_only_its_own_requests(
        self, sharing: Any, three: list[dict[str, Any]]
    ) -> None:
        assert _ids(sharing, "police") == [three[1]["id"], three[0]["id"]]
        assert _ids(sharing, "skatteverket") == [three[2]["id"]]
        waiting = _ids(sharing, "police", status="awaiting_assessment")
        assert waiting == [three[1]["id"]]

    def test_a_caller_with_no_disclosure_scope_is_refused(self, sharing: Any) -> None:
        reader_id, reader_secret = sharing.register(name="Läsare", scopes=["tips:read"])
        response = _list_with(sharing, sharing.token(reader_id, reader_secret))
        # A token without a disclosure scope is not even meant for sharing.
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


def _list_with(sharing: Any, token: str) -> Any:
    return sharing.client.get(
        "/v1/disclosure-requests", headers={"Authorization": f"Bearer {token}"}
    )


class TestFilters:
    def test_status_and_due_date(
        self, sharing: Any, three: list[dict[str, Any]]
    ) -> None:
        waiting = [three[2]["id"], three[1]["id"]]
        assert _ids(sharing, "assessor", status="awaiting_assessment") == waiting
        assert _ids(sharing, "assessor", status="released") == [three[0]["id"]]
        soon = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        assert _ids(sharing, "assessor", due_before=soon) == waiting
        past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        assert _ids(sharing, "assessor", due_before=past) == []

    @pytest.mark.parametrize(
        ("params", "name"),
        [
            ({"status": "lost"}, "status"),
            ({"due_before": "2026-12-01T00:00:00"}, "due_before"),
            ({"due_before": "0.5"}, "due_before"),
            ({"order": "newest"}, "order"),
            ({"limit": 101}, "limit"),
            ({"cursor": "garbage"}, "cursor"),
        ],
        ids=[
            "unknown status",
            "naive due date",
            "seconds since the epoch",
            "unknown order",
            "limit",
            "cursor",
        ],
    )
    def test_bad_parameters_are_a_422_naming_them(
        self, sharing: Any, params: dict[str, Any], name: str
    ) -> None:
        response = _list(sharing, "assessor", **params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["parameter"] == name


class TestItems:
    def test_an_item_says_where_it_stands_and_never_carries_released_data(
        self, sharing: Any, three: list[dict[str, Any]]
    ) -> None:
        items = _list(sharing, "assessor", order="asc").json()["items"]
        released, waiting = items[0], items[1]
        assert not {"released", "withheld", "decision"} & set(released)
        assert released["status"] == "released"
        assert released["outcome"] == three[0]["outcome"]
        assert waiting == {
            "id": three[1]["id"],
            "kind": "request",
            "status": "awaiting_assessment",
            "outcome": "needs_assessment",
            "requester": waiting["requester"],
            "recipient": {
                "code": "polismyndigheten",
                "org_number": "202100-0076",
                "name": "Polismyndigheten",
            },
            "partner_reference": "P-2",
            "tip_id": TIP_ID,
            "supplier_org_number": None,
            "held_fields": sorted(
                w["field"] for w in three[1]["withheld"] if w["outcome"] != "withhold"
            ),
            "assessment_due": three[1]["assessment_due"].replace("+00:00", "Z"),
            "created_at": waiting["created_at"],
            "updated_at": waiting["updated_at"],
        }
        assert waiting["held_fields"]

    def test_pages_follow_the_cursor_in_either_order(
        self, sharing: Any, three: list[dict[str, Any]]
    ) -> None:
        for order, expected in (
            ("desc", [d["id"] for d in reversed(three)]),
            ("asc", [d["id"] for d in three]),
        ):
            seen, cursor = [], None
            while True:
                params = {"limit": 2, "order": order} | (
                    {"cursor": cursor} if cursor else {}
                )
                page = _list(sharing, "assessor", **params).json()
                seen += [item["id"] for item in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert seen == expected
        cursor = _list(sharing, "assessor", limit=1).json()["next_cursor"]
        other = _list(sharing, "assessor", limit=1, order="asc", cursor=cursor)
        assert other.status_code == 422
