"""GET /v1/statistics/tips: the queries refused (422 problems naming the parameter)
and the scope a caller needs."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.support.tip_statistics import ENDED, THIS_MONTH, URL, role_headers
from tests.support.tokens import TestIssuer

_ENDED_ONLY = "figures over every tip are given for ended calendar months only: "
_MONTH_START = (
    "must be the first day of a month at 00:00 Swedish time, "
    "e.g. 2026-06-01T00:00:00+02:00"
)


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"group_by": "owner"}, "group_by: "),
        ({}, "group_by: "),
        ({"group_by": "month", "from": "2026-06-01T00:00:00"}, "from: must be an RFC"),
        (
            {
                "group_by": "month",
                "from": "2026-06-01T00:00:00Z",
                "to": "2026-06-01T00:00:00Z",
            },
            "from: must be before to",
        ),
        ({"group_by": "month"}, f"to: {_ENDED_ONLY}to {_MONTH_START}"),
        (
            {"group_by": "month", "from": "2026-06-01T00:00:00Z", "to": ENDED["to"]},
            f"from: {_ENDED_ONLY}from {_MONTH_START}",
        ),
        (
            {
                "group_by": "month",
                "to": (THIS_MONTH + timedelta(days=32)).replace(day=1).isoformat(),
            },
            f"to: {_ENDED_ONLY}to may be at the latest this month's first day, "
            f"{THIS_MONTH.date().isoformat()}",
        ),
    ],
    ids=[
        "unknown group_by",
        "no group_by",
        "from without offset",
        "empty period",
        "up to now",
        "from UTC midnight",
        "this month",
    ],
)
def test_invalid_queries_are_422_problems(
    client: TestClient, issuer: TestIssuer, params: dict[str, str], detail: str
) -> None:
    response = client.get(
        URL, params=params, headers=role_headers(issuer, "Malmö's reader")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(detail), response.json()


def test_a_period_refused_names_its_parameter(
    client: TestClient, issuer: TestIssuer
) -> None:
    params = {"group_by": "agreement", "from": "2026-06-15T00:00:00+02:00"}
    response = client.get(
        URL,
        params={**params, "to": ENDED["to"]},
        headers=role_headers(issuer, "purchasing centre's reader"),
    )
    detail = f"{_ENDED_ONLY}from {_MONTH_START}"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": f"from: {detail}",
        "errors": [{"parameter": "from", "in": "query", "detail": detail}],
    }


@pytest.mark.parametrize(
    ("scopes", "status"), [(None, 401), (["tips:write"], 403), (["tips:manage"], 403)]
)
def test_tips_read_is_required(
    client: TestClient, issuer: TestIssuer, scopes: list[str] | None, status: int
) -> None:
    headers = {} if scopes is None else issuer.headers(scopes)
    response = client.get(URL, params={"group_by": "agreement"}, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
