"""Swedish working days: Monday to Friday, except public holidays and the eves that
Swedish authorities treat as holidays.

The holidays come from the maintained ``holidays`` library (its ``public`` category,
the allmänna helgdagar of lag (1989:253) om allmänna helgdagar), together with its
``de_facto`` category: midsommarafton, julafton and nyårsafton. Those are not public
holidays by law, but lag (1930:173) om beräkning av lagstadgad tid treats them like a
Sunday, and authorities keep them closed, so a case does not progress on them.

Pure: dates in, counts and dates out; which calendar day an instant falls on is the
caller's. Used by the deadlines (due dates) and the statistics (days taken).
"""

from datetime import date, timedelta
from functools import cache

import holidays

__all__ = ["add_working_days", "is_working_day", "working_days_between"]

_CATEGORIES = (holidays.PUBLIC, holidays.DE_FACTO)
_SATURDAY = 5


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a Swedish working day."""
    return day.weekday() < _SATURDAY and day not in _weekday_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end``: 0 on the same day,
    1 from a Friday to the next Monday. Additive: between(a, b) + between(b, c) equals
    between(a, c). ``end`` before ``start`` is a ValueError, never a negative count.
    """
    if end < start:
        raise ValueError(f"{end} is before {start}")
    holidays_between = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in _weekday_holidays(year)
        if start < holiday <= end
    )
    return _weekdays_up_to(end) - _weekdays_up_to(start) - holidays_between


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start``: from a Friday, 1 is the next
    Monday. The inverse of `working_days_between`: between(start, result) == count,
    and for a count of at least 1 the result is a working day.
    """
    if count < 0:
        raise ValueError(f"{count} is not a number of working days")
    day = start
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def _weekdays_up_to(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to and including ``day``."""
    ordinal = day.toordinal()
    return ordinal // 7 * 5 + min(ordinal % 7, 5)


@cache
def _weekday_holidays(year: int) -> frozenset[date]:
    """The year's holidays that fall on a Monday to Friday (the others are off anyway)."""
    calendar = holidays.country_holidays("SE", years=year, categories=_CATEGORIES)
    return frozenset(day for day in calendar if day.weekday() < _SATURDAY)
