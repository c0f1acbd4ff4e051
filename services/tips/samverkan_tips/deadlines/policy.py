"""Due dates of a tip, in Swedish working days from the day it was filed.

A tip is due to be acknowledged (moved out of received) and decided (moved to a
verdict: substantiated or unsubstantiated) by the end of a Swedish calendar day: the
``n``-th working day after the day it was filed, ``n`` from the policy of the
agreement's owner. The dates are fixed at filing and stored, so a later change of the
policy moves no deadline already given.

Pure: instants and dates in, dates and verdicts out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from samverkan_tips.tips.workflow import TipStatus
from samverkan_tips.working_days import add_working_days

__all__ = [
    "DEFAULT_POLICY",
    "MAX_ACKNOWLEDGE_DAYS",
    "MAX_DECIDE_DAYS",
    "DeadlinePolicy",
    "DueDates",
    "Move",
    "acknowledged_at",
    "decided_at",
    "due_dates",
    "met",
    "swedish_day",
]

_SWEDEN = ZoneInfo("Europe/Stockholm")
MAX_ACKNOWLEDGE_DAYS = 60
MAX_DECIDE_DAYS = 250  # about a year of working days
_VERDICTS = (TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED)


@dataclass(frozen=True)
class DeadlinePolicy:
    """Working days to acknowledge and to decide a tip; deciding never comes first."""

    acknowledge_working_days: int
    decide_working_days: int

    def __post_init__(self) -> None:
        ack, decide = self.acknowledge_working_days, self.decide_working_days
        if not 1 <= ack <= MAX_ACKNOWLEDGE_DAYS:
            raise ValueError(f"acknowledge in 1 to {MAX_ACKNOWLEDGE_DAYS} working days")
        if not ack <= decide <= MAX_DECIDE_DAYS:
            raise ValueError(
                f"decide in {ack} (the days to acknowledge) to {MAX_DECIDE_DAYS}"
                " working days"
            )


# Two working days to acknowledge, twenty (about four weeks) to decide: see the
# README's configuration section for why.
DEFAULT_POLICY = DeadlinePolicy(2, 20)


@dataclass(frozen=True)
class DueDates:
    acknowledge_by: date
    decide_by: date


@dataclass(frozen=True)
class Move:
    """One move of a tip, as far as deadlines care."""

    from_status: str
    to_status: str
    at: datetime


def swedish_day(instant: datetime) -> date:
    """The calendar day in Sweden on which ``instant`` falls."""
    return instant.astimezone(_SWEDEN).date()


def due_dates(received_at: datetime, policy: DeadlinePolicy) -> DueDates:
    return _due_dates(swedish_day(received_at), policy)


@lru_cache(maxsize=4096)  # a batch of filings, and a day of them, share one answer
def _due_dates(filed: date, policy: DeadlinePolicy) -> DueDates:
    return DueDates(
        acknowledge_by=add_working_days(filed, policy.acknowledge_working_days),
        decide_by=add_working_days(filed, policy.decide_working_days),
    )


def acknowledged_at(moves: Iterable[Move]) -> datetime | None:
    """When the tip first moved out of received (no move leads back to it)."""
    return next((m.at for m in moves if m.from_status == TipStatus.RECEIVED), None)


def decided_at(moves: Iterable[Move]) -> datetime | None:
    """When the tip reached a verdict."""
    return next((m.at for m in moves if m.to_status in _VERDICTS), None)


def met(due: date | None, done_at: datetime | None, today: date) -> bool | None:
    """Whether a deadline was met: True if done by the end of its day (Swedish time),
    False if done later or its day has passed undone, None while it can still be met
    (or the tip has no due date: filed before deadlines were recorded)."""
    if due is None:
        return None
    if done_at is not None:
        return swedish_day(done_at) <= due
    return False if today > due else None
