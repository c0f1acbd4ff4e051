"""Swedish working days: the holidays the library names, and the arithmetic's laws."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_tips.working_days import is_working_day, working_days_between

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 6, 18), True),  # the day before midsommarafton
        (date(2026, 6, 19), False),  # midsommarafton: de facto, lag (1930:173)
        (date(2026, 6, 20), False),  # midsommardagen (a Saturday anyway)
        (date(2026, 12, 23), True),
        (date(2026, 12, 24), False),  # julafton: de facto
        (date(2026, 12, 25), False),  # juldagen
        (date(2026, 12, 31), False),  # nyårsafton: de facto
        (date(2027, 1, 1), False),  # nyårsdagen
        (date(2027, 1, 6), False),  # trettondedag jul
        (date(2026, 4, 3), False),  # långfredagen
        (date(2026, 4, 6), False),  # annandag påsk
        (date(2026, 5, 1), False),  # första maj
        (date(2026, 5, 14), False),  # Kristi himmelsfärdsdag
        (date(2026, 5, 15), True),  # a "klämdag" is a working day
        (date(2025, 6, 6), False),  # nationaldagen on a Friday
        (date(2026, 6, 13), False),  # a Saturday
        (date(2026, 6, 14), False),  # a Sunday
        (date(2026, 6, 15), True),  # a Monday
    ],
    ids=str,
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 6, 15), date(2026, 6, 15), 0),  # the same day
        (date(2026, 6, 12), date(2026, 6, 15), 1),  # Friday to Monday
        (date(2026, 6, 18), date(2026, 6, 22), 1),  # over midsommar
        (date(2026, 12, 23), date(2026, 12, 28), 1),  # over Christmas
        (date(2026, 12, 28), date(2027, 1, 7), 5),  # nyår and trettondedag jul
        (date(2026, 1, 1), date(2026, 12, 31), 251),
    ],
    ids=str,
)
def test_working_days_between_known_dates(start: date, end: date, count: int) -> None:
    assert working_days_between(start, end) == count


@given(days, days, days)
def test_working_days_are_additive(a: date, b: date, c: date) -> None:
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, b) + working_days_between(
        b, c
    ) == working_days_between(a, c)


@given(days, st.integers(min_value=0, max_value=60))
def test_working_days_count_the_working_days_one_by_one(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    one_by_one = sum(
        is_working_day(start + timedelta(days=n)) for n in range(1, span + 1)
    )
    assert working_days_between(start, end) == one_by_one >= 0


@given(days, days)
def test_a_day_adds_one_only_if_it_is_a_working_day(a: date, b: date) -> None:
    """A weekend day or holiday at the end adds nothing to the count."""
    start, end = sorted((a, b))
    following = end + timedelta(days=1)
    added = working_days_between(start, following) - working_days_between(start, end)
    assert added == (1 if is_working_day(following) else 0)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        working_days_between(date(2026, 6, 2), date(2026, 6, 1))
