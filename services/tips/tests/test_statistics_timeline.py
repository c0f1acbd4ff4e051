"""GET /v1/statistics/tips over dated tips: medians in Swedish working days, months
in Swedish time and periods; and the median of counts itself."""

from collections import Counter
from datetime import UTC, datetime
from statistics import median
from typing import Any

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
from tests.support.tip_statistics import (
    MALMO,
    PURCHASING_CENTRE,
    URL,
    group_row,
    role_headers,
)
from tests.support.tokens import TestIssuer

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
        headers=role_headers(issuer, "purchasing centre's manager"),
    )
    assert response.json()["groups"] == [
        group_row(
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
        headers=role_headers(issuer, "purchasing centre's manager"),
    )
    assert response.json()["groups"] == [
        group_row(
            "2026-06",
            "2026-06",
            4,
            substantiated_share=0.5,
            median_working_days_to_acknowledgement=1.0,
            median_working_days_to_decision=4.0,
        ),
        group_row("2026-07", "2026-07", 1),
        group_row(
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
        headers=role_headers(issuer, "purchasing centre's manager"),
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
