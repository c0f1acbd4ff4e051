"""Deadlines in Swedish working days: due dates around the holidays, fixed at filing by
the agreement owner's policy, whether each was met, and the overdue listing."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, update

from samverkan_shared.crypto import Keyring
from samverkan_shared.sessions import writing_session
from samverkan_tips.deadlines.policy import (
    DeadlinePolicy,
    due_dates,
    met,
    swedish_day,
)
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.schemas import TipCreate, TipTransition
from samverkan_tips.tips.service import file_tip, transition_tip
from samverkan_tips.tips.workflow import TipStatus
from samverkan_tips.working_days import (
    add_working_days,
    is_working_day,
    working_days_between,
)
from tests.support.tokens import TestIssuer

SWEDEN = ZoneInfo("Europe/Stockholm")
MALMO_SYSTEM = Caller("system-1280", "212000-1124", municipality_code="1280")
OWNER = Caller("adda-tip-function", "556578-5788", manages=True)


def _in_sweden(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SWEDEN)


@pytest.mark.parametrize(
    ("filed", "acknowledge_by", "decide_by"),
    [
        # skärtorsdag: långfredagen, annandag påsk (and första maj) are holidays
        (_in_sweden(2026, 4, 2, 10), date(2026, 4, 8), date(2026, 5, 5)),
        # the day before midsommarafton (de facto holiday, lag 1930:173)
        (_in_sweden(2026, 6, 18, 10), date(2026, 6, 23), date(2026, 7, 17)),
        # before jul: julafton, juldagen, annandag jul, nyårsafton, nyårsdagen,
        # trettondedag jul
        (_in_sweden(2026, 12, 22, 10), date(2026, 12, 28), date(2027, 1, 26)),
        (_in_sweden(2026, 12, 14, 10), date(2026, 12, 16), date(2027, 1, 18)),
        # a Friday, and a Saturday: the weekend does not count
        (_in_sweden(2026, 11, 13, 10), date(2026, 11, 17), date(2026, 12, 11)),
        (_in_sweden(2026, 11, 14, 10), date(2026, 11, 17), date(2026, 12, 11)),
        # 23:30 UTC on a Thursday is Friday in Sweden: the Swedish day counts
        (
            datetime(2026, 11, 12, 23, 30, tzinfo=UTC),
            date(2026, 11, 17),
            date(2026, 12, 11),
        ),
    ],
    ids=[
        "påsk",
        "midsommar",
        "jul and nyår",
        "jul from mid-December",
        "Friday",
        "Saturday",
        "late evening UTC",
    ],
)
def test_due_dates_under_the_default_policy(
    filed: datetime, acknowledge_by: date, decide_by: date
) -> None:
    due = due_dates(filed, DeadlinePolicy(2, 20))
    assert (due.acknowledge_by, due.decide_by) == (acknowledge_by, decide_by)


instants = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001  (hypothesis wants naive bounds)
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
policies = st.integers(1, 60).flatmap(
    lambda ack: st.builds(DeadlinePolicy, st.just(ack), st.integers(ack, 250))
)


@given(instants, policies)
def test_a_due_date_is_a_working_day_the_policy_s_days_after_filing(
    received_at: datetime, policy: DeadlinePolicy
) -> None:
    filed = swedish_day(received_at)
    due = due_dates(received_at, policy)
    for day, count in (
        (due.acknowledge_by, policy.acknowledge_working_days),
        (due.decide_by, policy.decide_working_days),
    ):
        assert day > filed
        assert is_working_day(day)
        assert working_days_between(filed, day) == count
    assert due.acknowledge_by <= due.decide_by


@given(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.integers(0, 300))
def test_adding_working_days_inverts_counting_them(start: date, count: int) -> None:
    assert working_days_between(start, add_working_days(start, count)) == count


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ((0, 20), "acknowledge in 1 to 60"),
        ((61, 100), "acknowledge in 1 to 60"),
        ((5, 4), "decide in 5"),
        ((2, 251), "decide in 2"),
    ],
    ids=str,
)
def test_a_policy_that_cannot_hold_is_refused(
    policy: tuple[int, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        DeadlinePolicy(*policy)


DUE = date(2026, 3, 4)


@pytest.mark.parametrize(
    ("due", "done_at", "today", "expected"),
    [
        (DUE, _in_sweden(2026, 3, 4, 23, 59), date(2026, 3, 20), True),  # on the day
        (DUE, _in_sweden(2026, 3, 5, 0, 1), date(2026, 3, 20), False),  # a day late
        (DUE, None, date(2026, 3, 4), None),  # open, still possible today
        (DUE, None, date(2026, 3, 5), False),  # open, the day has passed
        (None, None, date(2026, 3, 5), None),  # filed before deadlines existed
        (None, _in_sweden(2026, 3, 5, 9), date(2026, 3, 5), None),
    ],
    ids=str,
)
def test_whether_a_deadline_was_met(
    due: date | None, done_at: datetime | None, today: date, expected: bool | None
) -> None:
    assert met(due, done_at, today) is expected


class TestOverdue:
    """Four tips filed on Monday 2 March 2026 (acknowledge by 4 March, decide by 30
    March) and one filed today; the owner sees which are overdue, in SQL."""

    @pytest.fixture
    def tips(
        self, engine: Engine, keyring: Keyring, kit: Any, client: TestClient
    ) -> dict[str, str]:
        def filed(minute: int) -> uuid.UUID:
            with writing_session(engine) as session:
                body = TipCreate.model_validate(kit.body(occurred_on="2026-02-27"))
                at = _in_sweden(2026, 3, 2, 9, minute)
                return file_tip(
                    session, body, caller=MALMO_SYSTEM, keyring=keyring, now=at
                ).id

        def move(tip_id: uuid.UUID, to: TipStatus, at: datetime) -> None:
            extra = {"breached_terms": [1]} if to is TipStatus.SUBSTANTIATED else {}
            body = TipTransition(to=to, reason="Utreds", **extra)
            with writing_session(engine) as session:
                transition_tip(
                    session, tip_id, body, caller=OWNER, keyring=keyring, now=at
                )

        unacknowledged, undecided, decided, undated = (filed(m) for m in range(4))
        move(undecided, TipStatus.INVESTIGATING, _in_sweden(2026, 3, 10, 9))
        move(decided, TipStatus.INVESTIGATING, _in_sweden(2026, 3, 3, 9))
        move(decided, TipStatus.SUBSTANTIATED, _in_sweden(2026, 3, 27, 9))
        with writing_session(engine) as session:
            session.execute(
                update(TipRecord)
                .where(TipRecord.id == undated)  # type: ignore[arg-type]
                .values(acknowledge_by=None, decide_by=None)
            )
            session.commit()
        return {
            str(unacknowledged): "unacknowledged",
            str(undecided): "undecided",
            str(decided): "decided",
            str(undated): "undated",
        }

    def _listed(
        self, client: TestClient, headers: dict[str, str], query: str
    ) -> dict[str, dict[str, Any]]:
        response = client.get(f"/v1/tips?limit=100{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {item["id"]: item for item in response.json()["items"]}

    def test_the_owner_lists_the_overdue_tips(
        self,
        client: TestClient,
        tips: dict[str, str],
        manager: dict[str, str],
        writer: dict[str, str],
        kit: Any,
    ) -> None:
        today = kit.file(client, writer)
        overdue = self._listed(client, manager, "&overdue=true")
        others = self._listed(client, manager, "&overdue=false")
        assert {tips[i] for i in overdue} == {"unacknowledged", "undecided"}
        assert {tips.get(i, "today") for i in others} == {"decided", "undated", "today"}
        assert today["id"] in others

    def test_the_tips_say_whether_each_deadline_was_met(
        self, client: TestClient, tips: dict[str, str], manager: dict[str, str]
    ) -> None:
        listed = self._listed(client, manager, "")
        flags = {
            tips[i]: (
                item["acknowledge_by"],
                item["decide_by"],
                item["acknowledged_in_time"],
                item["decided_in_time"],
            )
            for i, item in listed.items()
        }
        assert flags == {
            "unacknowledged": ("2026-03-04", "2026-03-30", False, False),
            "undecided": ("2026-03-04", "2026-03-30", False, False),
            "decided": ("2026-03-04", "2026-03-30", True, True),
            "undated": (None, None, None, None),
        }

    def test_overdue_keeps_to_what_the_caller_may_read(
        self, client: TestClient, tips: dict[str, str], issuer: TestIssuer
    ) -> None:
        filer = issuer.headers(
            ["tips:read"], client_id="malmo", org_number="212000-1124"
        )
        lund = issuer.headers(
            ["tips:read", "tips:manage"], client_id="lund", org_number="212000-1173"
        )
        assert {tips[i] for i in self._listed(client, filer, "&overdue=true")} == {
            "unacknowledged",
            "undecided",
        }
        assert self._listed(client, lund, "&overdue=true") == {}


class TestPolicy:
    """An owner's tips:manage client reads and sets its organisation's policy; new
    tips on its agreements follow it, tips filed before keep their dates."""

    def test_the_default_until_the_owner_sets_its_own(
        self, client: TestClient, manager: dict[str, str], kit: Any
    ) -> None:
        response = client.get("/v1/deadline-policy", headers=manager)
        assert response.status_code == 200
        assert response.json() == {
            "org_number": kit.purchasing_centre,
            "acknowledge_working_days": 2,
            "decide_working_days": 20,
            "source": "default",
            "updated_by": None,
            "updated_at": None,
        }

    def test_a_new_policy_gives_new_tips_their_dates_and_moves_no_old_one(
        self,
        client: TestClient,
        manager: dict[str, str],
        writer: dict[str, str],
        kit: Any,
    ) -> None:
        before = kit.file(client, writer)
        body = {"acknowledge_working_days": 5, "decide_working_days": 30}
        response = client.put("/v1/deadline-policy", json=body, headers=manager)
        assert response.status_code == 200, response.text
        stored = response.json()
        assert {k: stored[k] for k in (*body, "source", "updated_by")} == {
            **body,
            "source": "organisation",
            "updated_by": "adda-tip-function",
        }
        assert client.get("/v1/deadline-policy", headers=manager).json() == stored
        after = kit.file(client, writer)
        filed = swedish_day(datetime.fromisoformat(after["received_at"]))
        assert (after["acknowledge_by"], after["decide_by"]) == (
            add_working_days(filed, 5).isoformat(),
            add_working_days(filed, 30).isoformat(),
        )
        reread = client.get(f"/v1/tips/{before['id']}", headers=manager).json()
        assert (reread["acknowledge_by"], reread["decide_by"]) == (
            before["acknowledge_by"],
            before["decide_by"],
        )
        filed_before = swedish_day(datetime.fromisoformat(before["received_at"]))
        assert before["acknowledge_by"] == add_working_days(filed_before, 2).isoformat()

    def test_an_owner_s_policy_is_its_own(
        self,
        client: TestClient,
        manager: dict[str, str],
        issuer: TestIssuer,
        kit: Any,
    ) -> None:
        """Lund's policy changes nothing on the purchasing centre's hvb-2022."""
        lund = issuer.headers(
            ["tips:manage"], client_id="lund-manager", org_number=kit.lund
        )
        body = {"acknowledge_working_days": 9, "decide_working_days": 9}
        assert (
            client.put("/v1/deadline-policy", json=body, headers=lund).status_code
            == 200
        )
        writer = issuer.headers(["tips:write"], client_id="w", org_number=kit.malmo)
        tip = kit.file(client, writer)
        filed = swedish_day(datetime.fromisoformat(tip["received_at"]))
        assert tip["acknowledge_by"] == add_working_days(filed, 2).isoformat()
        assert client.get("/v1/deadline-policy", headers=manager).json()["source"] == (
            "default"
        )

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"acknowledge_working_days": 5, "decide_working_days": 4}, "#"),
            ({"acknowledge_working_days": 0, "decide_working_days": 4}, None),
            ({"acknowledge_working_days": 2, "decide_working_days": 251}, None),
            ({"acknowledge_working_days": 2}, None),
        ],
        ids=["decide first", "zero", "too long", "missing"],
    )
    def test_a_policy_that_cannot_hold_is_a_422(
        self,
        client: TestClient,
        manager: dict[str, str],
        body: dict[str, int],
        pointer: str | None,
    ) -> None:
        response = client.put("/v1/deadline-policy", json=body, headers=manager)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        if pointer is not None:
            assert "fewer than acknowledge_working_days" in response.text
        reread = client.get("/v1/deadline-policy", headers=manager).json()
        assert reread["source"] == "default"

    @pytest.mark.parametrize(
        ("scopes", "org_number"),
        [(["tips:read"], "556578-5788"), (["tips:manage"], None)],
        ids=["without tips:manage", "without an organisation"],
    )
    def test_who_may_not_touch_a_policy(
        self,
        client: TestClient,
        issuer: TestIssuer,
        scopes: list[str],
        org_number: str | None,
    ) -> None:
        headers = issuer.headers(scopes, client_id="c", org_number=org_number)
        body = {"acknowledge_working_days": 3, "decide_working_days": 10}
        assert client.get("/v1/deadline-policy", headers=headers).status_code == 403
        put = client.put("/v1/deadline-policy", json=body, headers=headers)
        assert put.status_code == 403

    def test_concurrent_first_policies_all_answer_and_one_stays(
        self, client: TestClient, manager: dict[str, str]
    ) -> None:
        def put(days: int) -> int:
            body = {"acknowledge_working_days": days, "decide_working_days": 30}
            return client.put(
                "/v1/deadline-policy", json=body, headers=manager
            ).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            assert set(pool.map(put, range(1, 7))) == {200}
        stored = client.get("/v1/deadline-policy", headers=manager).json()
        assert stored["acknowledge_working_days"] in range(1, 7)

    def test_the_service_default_comes_from_the_settings(
        self, make_client: Callable[..., TestClient], writer: dict[str, str], kit: Any
    ) -> None:
        client = make_client(acknowledge_working_days=3, decide_working_days=10)
        tip = kit.file(client, writer)
        filed = swedish_day(datetime.fromisoformat(tip["received_at"]))
        assert (tip["acknowledge_by"], tip["decide_by"]) == (
            add_working_days(filed, 3).isoformat(),
            add_working_days(filed, 10).isoformat(),
        )
        assert (tip["acknowledged_in_time"], tip["decided_in_time"]) == (None, None)
