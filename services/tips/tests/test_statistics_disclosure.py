"""The statistics core's disclosure control, pure: which periods count every tip,
how an outsider's figures are rounded and suppressed, and the invariant that no
published count, nor the difference of two, pins a group of fewer than five tips."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_tips.statistics.service import (
    SUPPRESSED,
    Counted,
    GroupBy,
    Period,
    PeriodRefused,
    TipFacts,
    TipStatisticsReport,
    closed_months,
    rounded,
    tip_statistics,
)

SWEDEN = ZoneInfo("Europe/Stockholm")
OWNER, OTHER = "556578-5788", "212000-1173"
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
JUNE_10TH = datetime(2026, 6, 10, 9, tzinfo=SWEDEN)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SWEDEN)


class FakeSource:
    """Tips held in memory, served as the repository serves them."""

    def __init__(self, tips: Iterable[TipFacts]) -> None:
        self._tips = list(tips)

    def tips(self, period: Period) -> Iterable[TipFacts]:
        return [
            tip
            for tip in self._tips
            if (period.start is None or tip.received_at >= period.start)
            and (period.end is None or tip.received_at < period.end)
        ]

    def names(self, group_by: GroupBy, keys: Iterable[str]) -> Mapping[str, str]:
        return {}


def facts(
    *,
    owner: str | None = OWNER,
    received: datetime = JUNE_10TH,
    municipality: str = "1280",
    decided: bool = False,
    substantiated: bool = False,
) -> TipFacts:
    moved = received + timedelta(hours=2)
    return TipFacts(
        agreement_id="hvb-2022" if owner == OWNER else f"avtal-{owner}",
        agreement_owner=owner,
        supplier_org_number="556677-8899",
        categories=("staffing",),
        municipality_code=municipality,
        received_at=received,
        acknowledged_at=moved if decided else None,
        decided_at=moved if decided else None,
        substantiated=substantiated,
    )


def report(
    tips: Iterable[TipFacts],
    period: Period,
    *,
    owned: frozenset[str | None] = frozenset(),
    manages: bool = False,
    group_by: GroupBy = GroupBy.MUNICIPALITY,
) -> TipStatisticsReport:
    return tip_statistics(
        FakeSource(tips),
        group_by,
        period,
        owns=lambda owner: owner in owned,
        manages=manages,
        now=NOW,
    )


JUNE = Period(local(2026, 6, 1), local(2026, 7, 1))


@pytest.mark.parametrize(
    ("count", "published"),
    [(5, 5), (6, 5), (7, 5), (8, 10), (12, 10), (13, 15), (99, 100), (100, 100)],
)
def test_counts_round_to_the_nearest_multiple_of_five(
    count: int, published: int
) -> None:
    assert rounded(count) == published


@pytest.mark.parametrize(
    ("period", "closed"),
    [
        (JUNE, True),
        (Period(None, local(2026, 12, 1)), True),  # from the first tip to this month
        (Period(local(2025, 1, 1), local(2026, 1, 1)), True),  # a year, across DST
        (Period(local(2026, 3, 1), local(2026, 4, 1)), True),  # March 29th: DST
        (Period(None, None), False),  # up to now: changes as tips arrive
        (Period(local(2026, 11, 1), local(2027, 1, 1)), False),  # December not ended
        (Period(local(2026, 6, 2), local(2026, 7, 1)), False),
        (Period(local(2026, 6, 1), local(2026, 6, 30)), False),
        (Period(local(2026, 6, 1), local(2026, 7, 1, 0, 0, 1)), False),
        # Midnight in UTC is 02:00 in Stockholm in June: not the month's start.
        (Period(datetime(2026, 6, 1, tzinfo=UTC), local(2026, 7, 1)), False),
        (Period(datetime(2026, 5, 31, 22, tzinfo=UTC), local(2026, 7, 1)), True),
    ],
)
def test_ended_calendar_months_in_swedish_time(period: Period, closed: bool) -> None:
    assert closed_months(period, NOW) is closed


@pytest.mark.parametrize(
    ("period", "parameter", "detail"),
    [
        (
            Period(None, None),
            "to",
            "to must be the first day of a month at 00:00 Swedish time, e.g. "
            "2026-06-01T00:00:00+02:00",
        ),
        (
            Period(local(2026, 6, 15), local(2026, 7, 1)),
            "from",
            "from must be the first day of a month at 00:00 Swedish time, e.g. "
            "2026-06-01T00:00:00+02:00",
        ),
        (
            Period(local(2026, 6, 1), local(2027, 1, 1)),
            "to",
            "to may be at the latest this month's first day, 2026-12-01",
        ),
    ],
    ids=["open end", "mid-month start", "this month"],
)
def test_another_period_is_refused_to_a_caller_who_manages_nothing(
    period: Period, parameter: str, detail: str
) -> None:
    with pytest.raises(PeriodRefused) as refused:
        report([facts()], period)
    assert refused.value.parameter == parameter
    assert refused.value.detail == (
        f"figures over every tip are given for ended calendar months only: {detail}"
    )


def test_another_period_gives_a_manager_its_own_agreements_exactly() -> None:
    tips = [facts(received=local(2026, 6, 3, 9))] * 2 + [
        facts(owner=OTHER, received=local(2026, 6, 3, 9))
    ] * 6
    days = Period(local(2026, 6, 2), local(2026, 6, 4))
    own = report(tips, days, owned=frozenset({OWNER}), manages=True)
    assert own.counted is Counted.OWN_AGREEMENTS
    assert [(g.key, g.tips) for g in own.groups] == [("1280", 2)]
    every = report(tips, JUNE, owned=frozenset({OWNER}), manages=True)
    assert every.counted is Counted.EVERY_TIP
    assert [(g.key, g.tips) for g in every.groups] == [("1280", 10)]  # 8, rounded


def _group(
    tips: int, decided: int, substantiated: int, owner: str | None
) -> list[TipFacts]:
    made = [
        facts(owner=owner, decided=True, substantiated=True)
        for _ in range(substantiated)
    ]
    made += [facts(owner=owner, decided=True)] * (decided - substantiated)
    return made + [facts(owner=owner)] * (tips - decided)


@pytest.mark.parametrize(
    ("tips", "decided", "substantiated", "owner", "expected"),
    [
        # The owner: exact, whatever the size.
        (1, 1, 1, OWNER, (1, 1.0, 0.0, 0.0)),
        (7, 3, 2, OWNER, (7, 0.6667, 0.0, 0.0)),
        # An outsider: fewer than five are "<5" and nothing else.
        (4, 4, 4, OTHER, (SUPPRESSED, None, None, None)),
        # Five or more: rounded; share and medians only over five decided.
        (7, 3, 2, OTHER, (5, None, None, None)),
        (7, 5, 3, OTHER, (5, 1.0, 0.0, 0.0)),  # 3 → 5 of 5 → 5
        (8, 7, 2, OTHER, (10, 0.0, 0.0, 0.0)),  # 2 → 0 of 7 → 5
        (13, 12, 8, OTHER, (15, 1.0, 0.0, 0.0)),  # 8 → 10 of 12 → 10
        (23, 19, 11, OTHER, (25, 0.5, 0.0, 0.0)),  # 11 → 10 of 19 → 20
        # An agreement without an owner is nobody's: an outsider's view.
        (6, 0, 0, None, (5, None, None, None)),
    ],
)
def test_a_group_s_figures_for_the_owner_and_for_an_outsider(
    tips: int,
    decided: int,
    substantiated: int,
    owner: str | None,
    expected: tuple[object, ...],
) -> None:
    made = report(
        _group(tips, decided, substantiated, owner), JUNE, owned=frozenset({OWNER})
    )
    [group] = made.groups
    assert (
        group.tips,
        group.substantiated_share,
        group.median_working_days_to_acknowledgement,
        group.median_working_days_to_decision,
    ) == expected


def test_a_group_with_one_tip_of_another_owner_is_an_outsider_s() -> None:
    tips = _group(6, 0, 0, OWNER) + _group(1, 0, 0, OTHER)
    [group] = report(tips, JUNE, owned=frozenset({OWNER}), manages=True).groups
    assert group.tips == 5


# Tips over 2026 in Stockholm, as hypothesis draws them; periods of the months that
# have ended by NOW (January to November).
_MONTHS = [local(2026, month, 1) for month in range(1, 13)]
_tip = st.builds(
    facts,
    owner=st.sampled_from([OWNER, OTHER, None]),
    received=st.integers(0, 364 * 24 - 1).map(
        lambda hours: local(2026, 1, 1) + timedelta(hours=hours)
    ),
    municipality=st.sampled_from(["1280", "1281", "0180"]),
    decided=st.booleans(),
    substantiated=st.booleans(),
)
_period = (
    st.tuples(st.integers(0, 10), st.integers(1, 11))
    .filter(lambda bounds: bounds[0] < bounds[1])
    .map(lambda bounds: Period(_MONTHS[bounds[0]], _MONTHS[bounds[1]]))
)
_owned: st.SearchStrategy[frozenset[str | None]] = st.sampled_from(
    [frozenset(), frozenset({OWNER}), frozenset({OTHER})]
)


@given(
    st.lists(_tip, max_size=60),
    _period,
    _period,
    _owned,
    st.sampled_from(list(GroupBy)),
)
def test_no_outsider_count_nor_difference_pins_a_small_group(
    tips: list[TipFacts],
    first: Period,
    second: Period,
    owned: frozenset[str | None],
    group_by: GroupBy,
) -> None:
    """For a group the caller does not wholly own, every published count is "<5"
    or a multiple of five within 2 of the truth ("<5" exactly when fewer than five),
    so two answers over any two periods never differ by 1 to 4; the other figures
    are withheld with the count."""
    answers = []
    for period in (first, second):
        made = report(tips, period, owned=owned, manages=bool(owned), group_by=group_by)
        assert made.counted is Counted.EVERY_TIP
        owners = _owners_by_group(tips, period, group_by)
        exact = _exact_by(tips, period, group_by)
        published: dict[str, int | str] = {}
        for group in made.groups:
            if owners[group.key] <= owned:
                assert group.tips == exact[group.key]
                continue
            published[group.key] = group.tips
            if exact[group.key] < 5:
                assert group.tips == SUPPRESSED
                assert group.substantiated_share is None
                assert group.median_working_days_to_acknowledgement is None
                assert group.median_working_days_to_decision is None
            else:
                assert isinstance(group.tips, int)
                assert group.tips % 5 == 0
                assert abs(group.tips - exact[group.key]) <= 2
        answers.append(published)
    for key in answers[0].keys() & answers[1].keys():
        one, other = answers[0][key], answers[1][key]
        if isinstance(one, int) and isinstance(other, int):
            assert abs(one - other) % 5 == 0


def _exact_by(
    tips: list[TipFacts], period: Period, group_by: GroupBy
) -> dict[str, int]:
    everything = frozenset({OWNER, OTHER, None})
    made = report(tips, period, owned=everything, group_by=group_by)
    return {group.key: int(group.tips) for group in made.groups}


def _owners_by_group(
    tips: list[TipFacts], period: Period, group_by: GroupBy
) -> dict[str, set[str | None]]:
    """Which agreement owners each group's tips are on (the test's own count)."""
    owners: dict[str, set[str | None]] = {}
    for tip in FakeSource(tips).tips(period):
        month = tip.received_at.astimezone(SWEDEN).strftime("%Y-%m")
        keys = {
            GroupBy.AGREEMENT: (tip.agreement_id,),
            GroupBy.SUPPLIER: (tip.supplier_org_number,),
            GroupBy.CATEGORY: tip.categories,
            GroupBy.MUNICIPALITY: (tip.municipality_code,),
            GroupBy.MONTH: (month,),
        }[group_by]
        for key in keys:
            owners.setdefault(key, set()).add(tip.agreement_owner)
    return owners
