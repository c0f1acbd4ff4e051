"""GET /v1/statistics/tips: figures per group over every tip in ended calendar
months, exact for a caller who manages every agreement a group's tips are on, else
suppressed under five and rounded to a multiple of five (the pure rules are in
test_statistics_disclosure.py).

hvb-2022 is owned by the purchasing centre, assistans-2024 by Lund. The API world, all
of it last month: Malmö files five tips on hvb-2022 about Exempel Omsorg, Lund one on
hvb-2022 about Trygga Hem, Malmö two on assistans-2024; the purchasing centre moves
three of Malmö's.
"""

import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from samverkan_shared.crypto import Keyring
from samverkan_shared.sessions import writing_session
from samverkan_tips.statistics.service import median_of_counts
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.schemas import TipCreate, TipTransition
from samverkan_tips.tips.service import file_tip, transition_tip
from samverkan_tips.tips.workflow import TipStatus
from tests.support.tokens import TestIssuer

PURCHASING_CENTRE, MALMO, LUND = "556578-5788", "212000-1124", "212000-1173"
URL = "/v1/statistics/tips"
COLUMNS = (
    "key,label,tips,substantiated_share,median_working_days_to_acknowledgement,"
    "median_working_days_to_decision\r\n"
)
# role → (organisation, scopes)
ROLES = {
    "purchasing centre's manager": (PURCHASING_CENTRE, ["tips:read", "tips:manage"]),
    "purchasing centre's reader": (PURCHASING_CENTRE, ["tips:read"]),
    "Lund's manager": (LUND, ["tips:read", "tips:manage"]),
    "Malmö's reader": (MALMO, ["tips:read"]),
}
SUPPRESSED = {
    "tips": "<5",
    "substantiated_share": None,
    "median_working_days_to_acknowledgement": None,
    "median_working_days_to_decision": None,
}


def _group(key: str, label: str, tips: int | str = "<5", **figures: Any) -> Any:
    if tips == "<5":
        return {"key": key, "label": label, **SUPPRESSED}
    return {
        "key": key,
        "label": label,
        "tips": tips,
        "substantiated_share": None,
        "median_working_days_to_acknowledgement": None,
        "median_working_days_to_decision": None,
        **figures,
    }


def _headers(issuer: TestIssuer, role: str) -> dict[str, str]:
    org_number, scopes = ROLES[role]
    return issuer.headers(scopes, client_id=role, org_number=org_number)


SWEDEN = ZoneInfo("Europe/Stockholm")


def _month_start(day: date) -> datetime:
    return datetime.combine(day.replace(day=1), time(0), tzinfo=SWEDEN)


# Last month, the latest whole calendar month every caller may ask about.
THIS_MONTH = _month_start(datetime.now(SWEDEN).date())
LAST_MONTH = _month_start((THIS_MONTH - timedelta(days=1)).date())
ENDED = {"from": LAST_MONTH.isoformat(), "to": THIS_MONTH.isoformat()}


def _echo(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def world(engine: Engine, keyring: Keyring, kit: Any) -> None:
    """The API world, filed on the third of last month and moved the same day."""
    received = LAST_MONTH + timedelta(days=2, hours=9)
    manager = Caller("adda", PURCHASING_CENTRE, manages=True)

    def file(org: str, code: str, **changes: Any) -> uuid.UUID:
        reporter = {**kit.body()["reporter"], "municipality_code": code}
        body = TipCreate.model_validate(kit.body(reporter=reporter, **changes))
        caller = Caller(f"system-{code}", org, municipality_code=code)
        with writing_session(engine) as session:
            tip = file_tip(session, body, caller=caller, keyring=keyring, now=received)
        return tip.id

    def move(tip: uuid.UUID, *steps: TipStatus) -> None:
        with writing_session(engine) as session:
            for step in steps:
                to = TipTransition(to=step, reason="Utrett.")
                transition_tip(
                    session, tip, to, caller=manager, keyring=keyring, now=received
                )

    malmo = [file(MALMO, "1280") for _ in range(5)]
    file(
        LUND,
        "1281",
        supplier={"org_number": "559123-4561", "name": "Trygga Hem HVB AB"},
        categories=["permits"],
    )
    for _ in range(2):
        file(
            MALMO,
            "1280",
            supplier={"org_number": "559012-3450", "name": "Norr"},
            agreement_id="assistans-2024",
            categories=["invoicing"],
        )
    S = TipStatus
    move(malmo[0], S.INVESTIGATING, S.SUBSTANTIATED, S.CLOSED)
    move(malmo[1], S.INVESTIGATING, S.SUBSTANTIATED)
    move(malmo[2], S.INVESTIGATING, S.UNSUBSTANTIATED)


# The five tips on hvb-2022 about Exempel Omsorg: three moved on the day received.
EXEMPLE_FIGURES = {
    "substantiated_share": 0.6667,
    "median_working_days_to_acknowledgement": 0.0,
    "median_working_days_to_decision": 0.0,
}
HVB = _group("hvb-2022", "HVB 2022", 6, **EXEMPLE_FIGURES)
EXEMPEL = _group("556677-8899", "Exempel Omsorg AB", 5, **EXEMPLE_FIGURES)
# Outside the owner: 6 and 7 tips are published as 5; three decided are too few for
# a share or a median.
HVB_OUTSIDE = _group("hvb-2022", "HVB 2022", 5)
EXEMPEL_OUTSIDE = _group("556677-8899", "Exempel Omsorg AB", 5)
MALMO_OUTSIDE = _group("1280", "Malmö", 5)


@pytest.mark.parametrize(
    ("group_by", "role", "groups"),
    [
        (
            "agreement",
            "Malmö's reader",
            [_group("assistans-2024", "Assistans 2024"), HVB_OUTSIDE],
        ),
        (
            "agreement",
            "Lund's manager",
            [_group("assistans-2024", "Assistans 2024", 2), HVB_OUTSIDE],
        ),
        (
            "agreement",
            "purchasing centre's reader",  # reads, but does not manage hvb-2022
            [_group("assistans-2024", "Assistans 2024"), HVB_OUTSIDE],
        ),
        (
            "agreement",
            "purchasing centre's manager",
            [_group("assistans-2024", "Assistans 2024"), HVB],
        ),
        (
            "supplier",
            "Malmö's reader",
            [
                EXEMPEL_OUTSIDE,
                _group("559012-3450", "Assistansbolaget Norr AB"),
                _group("559123-4561", "Trygga Hem HVB AB"),
            ],
        ),
        (
            "supplier",
            "purchasing centre's manager",  # owns every agreement Trygga Hem's tip is on
            [
                EXEMPEL,
                _group("559012-3450", "Assistansbolaget Norr AB"),
                _group("559123-4561", "Trygga Hem HVB AB", 1),
            ],
        ),
        (
            "category",
            "Malmö's reader",
            [
                _group("invoicing", "invoicing"),
                _group("permits", "permits"),
                {**EXEMPEL_OUTSIDE, "key": "safety", "label": "safety"},
                {**EXEMPEL_OUTSIDE, "key": "staffing", "label": "staffing"},
            ],
        ),
        (
            "municipality",
            "Malmö's reader",
            [MALMO_OUTSIDE, _group("1281", "Lund")],
        ),
        (
            "municipality",
            "purchasing centre's manager",  # Malmö's tips include Lund's agreement's
            [MALMO_OUTSIDE, _group("1281", "Lund", 1)],
        ),
        (
            "municipality",
            "Lund's manager",  # Lund's one tip is on the purchasing centre's agreement
            [MALMO_OUTSIDE, _group("1281", "Lund")],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_groups(
    client: TestClient,
    issuer: TestIssuer,
    world: None,
    group_by: str,
    role: str,
    groups: list[dict[str, Any]],
) -> None:
    response = client.get(
        URL, params={"group_by": group_by, **ENDED}, headers=_headers(issuer, role)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "group_by": group_by,
        "from": _echo(LAST_MONTH),
        "to": _echo(THIS_MONTH),
        "counted": "every_tip",
        "groups": groups,
    }


def test_month_of_the_api_world(
    client: TestClient, issuer: TestIssuer, world: None
) -> None:
    month = LAST_MONTH.strftime("%Y-%m")
    params = {"group_by": "month", **ENDED}
    reader = client.get(URL, params=params, headers=_headers(issuer, "Malmö's reader"))
    assert reader.json()["groups"] == [_group(month, month, 10)]  # 8 rounded
    manager = _headers(issuer, "purchasing centre's manager")
    owner = client.get(URL, params=params, headers=manager)
    assert owner.json()["groups"] == [_group(month, month, 10)]  # 2 are Lund's


@pytest.mark.parametrize(
    ("role", "params", "counted", "groups"),
    [
        # Another period: a manager's own agreements, exact.
        ("purchasing centre's manager", {}, "own_agreements", [HVB]),
        (
            "Lund's manager",
            {"from": LAST_MONTH.isoformat()},
            "own_agreements",
            [_group("assistans-2024", "Assistans 2024", 2)],
        ),
    ],
)
def test_another_period_counts_a_manager_s_own_agreements(
    client: TestClient,
    issuer: TestIssuer,
    world: None,
    role: str,
    params: dict[str, str],
    counted: str,
    groups: list[dict[str, Any]],
) -> None:
    response = client.get(
        URL, params={"group_by": "agreement", **params}, headers=_headers(issuer, role)
    )
    assert response.status_code == 200, response.text
    assert response.json()["counted"] == counted
    assert response.json()["groups"] == groups


@pytest.mark.parametrize(
    ("accept", "body"),
    [
        (
            "text/csv",
            COLUMNS
            + "assistans-2024,Assistans 2024,<5,,,\r\n"
            + "hvb-2022,HVB 2022,5,,,\r\n",
        ),
        ("application/json;q=0.5, text/csv", None),
        ("text/csv;q=0.5, application/json", "json"),
        ("*/*", "json"),
    ],
)
def test_csv_with_accept_text_csv(
    client: TestClient, issuer: TestIssuer, world: None, accept: str, body: str | None
) -> None:
    headers = {**_headers(issuer, "Malmö's reader"), "Accept": accept}
    params = {"group_by": "agreement", **ENDED}
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["vary"] == "Accept"
    if body == "json":
        assert response.headers["content-type"] == "application/json"
        return
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert body is None or response.text == body


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
        URL, params=params, headers=_headers(issuer, "Malmö's reader")
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
        headers=_headers(issuer, "purchasing centre's reader"),
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


# Times set through the use cases' `now`: received (UTC), acknowledged, decided
# (a verdict), named for what the working days cross.
_Z = UTC
TIMELINE = {
    "same day": (
        datetime(2026, 6, 1, 10, tzinfo=_Z),
        datetime(2026, 6, 1, 14, tzinfo=_Z),
        None,
    ),
    "never moved": (datetime(2026, 6, 2, 10, tzinfo=_Z), None, None),
    # Friday → Monday: 1; → Monday 22nd past midsommarafton: 15-18, 22 = 5.
    "weekend": (
        datetime(2026, 6, 12, 10, tzinfo=_Z),
        datetime(2026, 6, 15, 8, tzinfo=_Z),
        (datetime(2026, 6, 22, 8, tzinfo=_Z), TipStatus.SUBSTANTIATED),
    ),
    # Thursday → Monday past midsommarafton and the weekend: 1; → Wednesday: 3.
    "midsommar": (
        datetime(2026, 6, 18, 10, tzinfo=_Z),
        datetime(2026, 6, 22, 8, tzinfo=_Z),
        (datetime(2026, 6, 24, 8, tzinfo=_Z), TipStatus.UNSUBSTANTIATED),
    ),
    # 00:30 on 1 July in Stockholm: July's.
    "midnight": (datetime(2026, 6, 30, 22, 30, tzinfo=_Z), None, None),
    # Wednesday 23rd → Monday 28th past jul: 1; → 7 January past nyår and
    # trettondedag jul: 28-30, 4, 5, 7 = 6.
    "christmas": (
        datetime(2026, 12, 23, 10, tzinfo=_Z),
        datetime(2026, 12, 28, 8, tzinfo=_Z),
        (datetime(2027, 1, 7, 8, tzinfo=_Z), TipStatus.SUBSTANTIATED),
    ),
}


@pytest.fixture
def timeline(engine: Engine, keyring: Keyring, kit: Any) -> dict[str, str]:
    """The tips of TIMELINE, filed and moved in the order of time, all on hvb-2022."""
    filer = Caller("system-1280", MALMO, municipality_code="1280")
    manager = Caller("adda", PURCHASING_CENTRE, manages=True)
    ids = {}
    for name, (received, acknowledged, decided) in TIMELINE.items():
        with writing_session(engine) as session:
            tip = file_tip(
                session,
                TipCreate.model_validate(kit.body()),
                caller=filer,
                keyring=keyring,
                now=received,
            )
            ids[name] = str(tip.id)
            moves = [(acknowledged, TipStatus.INVESTIGATING)] if acknowledged else []
            moves += [decided] if decided else []
            for at, to in moves:
                transition_tip(
                    session,
                    tip.id,
                    TipTransition(to=to, reason="Utrett."),
                    caller=manager,
                    keyring=keyring,
                    now=at,
                )
    return ids


def test_medians_in_swedish_working_days(
    client: TestClient, issuer: TestIssuer, timeline: dict[str, str]
) -> None:
    """Acknowledged after 0, 1, 1, 1 working days; decided after 5, 3, 6."""
    response = client.get(
        URL,
        params={"group_by": "agreement"},
        headers=_headers(issuer, "purchasing centre's manager"),
    )
    assert response.json()["groups"] == [
        _group(
            "hvb-2022",
            "HVB 2022",
            6,
            substantiated_share=0.6667,
            median_working_days_to_acknowledgement=1.0,
            median_working_days_to_decision=5.0,
        )
    ]


def test_month_in_swedish_time(
    client: TestClient, issuer: TestIssuer, timeline: dict[str, str]
) -> None:
    response = client.get(
        URL,
        params={"group_by": "month"},
        headers=_headers(issuer, "purchasing centre's manager"),
    )
    assert response.json()["groups"] == [
        _group(
            "2026-06",
            "2026-06",
            4,
            substantiated_share=0.5,
            median_working_days_to_acknowledgement=1.0,
            median_working_days_to_decision=4.0,
        ),
        _group("2026-07", "2026-07", 1),
        _group(
            "2026-12",
            "2026-12",
            1,
            substantiated_share=1.0,
            median_working_days_to_acknowledgement=1.0,
            median_working_days_to_decision=6.0,
        ),
    ]


@pytest.mark.parametrize(
    ("start", "end", "counted"),
    [
        (None, None, 6),
        ("2026-06-12T10:00:00Z", "2026-12-23T10:00:00Z", 3),  # from inclusive, to not
        ("2026-06-12T12:00:00+02:00", None, 4),  # = 10:00Z, an offset
        (None, "2026-06-01T10:00:00Z", 0),
        ("2026-06-02T10:00:00.000001Z", "2026-06-30T22:30:00Z", 2),
        # June in Swedish time: not the 1st of July's 00:30 tip.
        ("2026-06-01T00:00:00+02:00", "2026-06-30T22:00:00Z", 4),
    ],
    ids=str,
)
def test_period(
    client: TestClient,
    issuer: TestIssuer,
    timeline: dict[str, str],
    start: str | None,
    end: str | None,
    counted: int,
) -> None:
    """The purchasing centre's manager owns hvb-2022, where every tip is: any period
    gives it the same counts, over every tip for ended months, else its own."""
    params = {"group_by": "agreement", "from": start, "to": end}
    response = client.get(
        URL,
        params={k: v for k, v in params.items() if v is not None},
        headers=_headers(issuer, "purchasing centre's manager"),
    )
    body = response.json()
    assert response.status_code == 200, body
    echoed = (body["from"], body["to"])
    assert echoed == tuple(
        None
        if v is None
        else datetime.fromisoformat(v)
        .astimezone(UTC)
        .isoformat()
        .replace("+00:00", "Z")
        for v in (start, end)
    )
    assert sum(group["tips"] for group in body["groups"]) == counted
    ended = start and start.startswith("2026-06-01T00:00") and end is not None
    assert body["counted"] == ("every_tip" if ended else "own_agreements")


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=40))
def test_median_of_counts_is_the_median(values: list[int]) -> None:
    assert median_of_counts(Counter(values)) == median(values)


def test_median_of_nothing_is_none() -> None:
    assert median_of_counts({}) is None
