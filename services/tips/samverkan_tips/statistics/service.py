"""Figures over tips, per group: counts, the share substantiated, and the median
working days to acknowledgement and to decision.

A group is exact for a caller who owns every agreement the group's tips are on. For
anyone else the figures must not single out a reporter, even by subtracting one answer
from another (statistical disclosure control, as statistics agencies practise it):

- figures over every tip are given for *ended calendar months* only (`closed_months`):
  two periods then differ by whole months, never by a day, and asking again tomorrow
  gives the same counts;
- a group of fewer than `SMALL_GROUP` tips shows `SUPPRESSED`; a larger count is
  rounded to the nearest multiple of `ROUNDING_BASE`, so every count published to an
  outsider is "<5" or a multiple of 5 and two of them never differ by 1 to 4;
- the share substantiated is computed from the rounded counts, and given only over at
  least `SMALL_GROUP` decided tips; a median only over at least `SMALL_GROUP` tips.

Another period is answered for a caller who manages agreements (tips:manage) with
exact figures over the tips on its own agreements only (`Counted.OWN_AGREEMENTS`), and
refused (`PeriodRefused`) for anyone else. The choice depends on the caller and the
period, never on the tips, so a refusal tells nothing either.

Pure: the tips come from a `TipSource` (the repository), the caller's ownership as a
predicate; no web or database here.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from samverkan_shared.identifiers import municipality_name
from samverkan_tips.working_days import working_days_between

__all__ = [
    "ROUNDING_BASE",
    "SMALL_GROUP",
    "SUPPRESSED",
    "Counted",
    "GroupBy",
    "GroupFigures",
    "Period",
    "PeriodRefused",
    "TipFacts",
    "TipSource",
    "TipStatisticsReport",
    "closed_months",
    "median_of_counts",
    "rounded",
    "tip_statistics",
]

# A group of fewer tips than this could single out a reporter.
SMALL_GROUP = 5
SUPPRESSED: Literal["<5"] = "<5"
# Counts of SMALL_GROUP or more are published to outsiders rounded to this base.
ROUNDING_BASE = 5
# Days (working days, months) are counted on Swedish calendar days.
_SWEDEN = ZoneInfo("Europe/Stockholm")


class Counted(StrEnum):
    """Which tips a report counts."""

    EVERY_TIP = "every_tip"  # ended calendar months: outsiders' groups protected
    OWN_AGREEMENTS = "own_agreements"  # another period: the caller's own, exact


class GroupBy(StrEnum):
    AGREEMENT = "agreement"
    SUPPLIER = "supplier"
    CATEGORY = "category"  # a tip with several categories counts in each
    MUNICIPALITY = "municipality"  # the reporting municipality
    MONTH = "month"  # the month received, in Swedish time


@dataclass(frozen=True)
class Period:
    """Tips received from ``start`` (inclusive) to ``end`` (exclusive); None: open."""

    start: datetime | None = None
    end: datetime | None = None


class PeriodRefused(Exception):
    """The period does not start before it ends; or figures over every tip are
    given for ended calendar months only, and the caller manages no agreement whose
    own figures it could have instead."""

    def __init__(self, parameter: Literal["from", "to"], detail: str) -> None:
        super().__init__(f"{parameter}: {detail}")
        self.parameter = parameter
        self.detail = detail


@dataclass(frozen=True)
class TipFacts:
    """What the figures need of one tip and its history."""

    agreement_id: str
    agreement_owner: str | None
    supplier_org_number: str
    categories: tuple[str, ...]
    municipality_code: str
    received_at: datetime
    # The first move out of received.
    acknowledged_at: datetime | None = None
    # The move to a verdict, and whether it was substantiated.
    decided_at: datetime | None = None
    substantiated: bool = False


class TipSource(Protocol):
    def tips(self, period: Period) -> Iterable[TipFacts]:
        """Every tip received in the period (in pages: memory stays bounded)."""

    def names(self, group_by: GroupBy, keys: Iterable[str]) -> Mapping[str, str]:
        """Agreement or supplier names by key; other groups are named here."""


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    tips: int | Literal["<5"]
    substantiated_share: float | None
    median_working_days_to_acknowledgement: float | None
    median_working_days_to_decision: float | None


@dataclass(frozen=True)
class TipStatisticsReport:
    group_by: GroupBy
    period: Period
    counted: Counted
    groups: list[GroupFigures]


@dataclass
class _Tally:
    """One group's running figures: counters, not lists, so memory stays bounded."""

    tips: int = 0
    decided: int = 0
    substantiated: int = 0
    owners: set[str | None] = field(default_factory=set)
    to_acknowledgement: Counter[int] = field(default_factory=Counter)
    to_decision: Counter[int] = field(default_factory=Counter)

    @property
    def acknowledged(self) -> int:
        return sum(self.to_acknowledgement.values())

    def add(self, tip: TipFacts) -> None:
        self.tips += 1
        self.owners.add(tip.agreement_owner)
        received = _swedish_day(tip.received_at)
        if tip.acknowledged_at is not None:
            acknowledged = _swedish_day(tip.acknowledged_at)
            self.to_acknowledgement[working_days_between(received, acknowledged)] += 1
        if tip.decided_at is not None:
            self.decided += 1
            self.substantiated += tip.substantiated
            decided = _swedish_day(tip.decided_at)
            self.to_decision[working_days_between(received, decided)] += 1


def tip_statistics(
    source: TipSource,
    group_by: GroupBy,
    period: Period,
    *,
    owns: Callable[[str | None], bool],
    manages: bool,
    now: datetime,
) -> TipStatisticsReport:
    """Figures over the tips received in the period, one group per key, by key.

    ``owns(agreement_owner)``: whether the caller manages the agreements of that
    owner (a group is exact only if it owns all of them); ``manages``: whether it
    manages any. Over ended calendar months (`closed_months` at ``now``) every tip
    counts; over another period only the caller's own agreements' tips, or
    `PeriodRefused` if it manages none (or if the period does not start before it
    ends).
    """
    _check_order(period)
    counted = _counted(period, manages=manages, now=now)
    tallies: dict[str, _Tally] = {}
    for tip in source.tips(period):
        if counted is Counted.OWN_AGREEMENTS and not owns(tip.agreement_owner):
            continue
        for key in _keys(tip, group_by):
            tallies.setdefault(key, _Tally()).add(tip)
    names = _names(source, group_by, tallies)
    groups = [
        _figures(key, names.get(key, key), tally, owns)
        for key, tally in sorted(tallies.items())
    ]
    return TipStatisticsReport(group_by, period, counted, groups)


def closed_months(period: Period, now: datetime) -> bool:
    """Whether the period is whole calendar months (Swedish time) that have ended
    by ``now``: from the start (or the first of a month) to the first of a month no
    later than this month's."""
    end = period.end
    return (
        (period.start is None or _month_start(period.start))
        and end is not None
        and _month_start(end)
        and end <= _this_month(now)
    )


def rounded(count: int) -> int:
    """``count`` to the nearest multiple of `ROUNDING_BASE` (no ties: the base is
    odd)."""
    return ROUNDING_BASE * ((count + ROUNDING_BASE // 2) // ROUNDING_BASE)


def _check_order(period: Period) -> None:
    if period.start and period.end and period.start >= period.end:
        raise PeriodRefused("from", "must be before to")


def _counted(period: Period, *, manages: bool, now: datetime) -> Counted:
    if closed_months(period, now):
        return Counted.EVERY_TIP
    if manages:
        return Counted.OWN_AGREEMENTS
    parameter, detail = _why_not_closed(period, now)
    raise PeriodRefused(parameter, detail)


_MONTH_HINT = (
    "the first day of a month at 00:00 Swedish time, e.g. 2026-06-01T00:00:00+02:00"
)


def _why_not_closed(period: Period, now: datetime) -> tuple[Literal["from", "to"], str]:
    """The parameter that keeps the period from being ended calendar months."""
    rule = "figures over every tip are given for ended calendar months only"
    if period.start is not None and not _month_start(period.start):
        return "from", f"{rule}: from must be {_MONTH_HINT}"
    if period.end is None or not _month_start(period.end):
        return "to", f"{rule}: to must be {_MONTH_HINT}"
    this_month = _this_month(now).astimezone(_SWEDEN).date().isoformat()
    return "to", f"{rule}: to may be at the latest this month's first day, {this_month}"


def _month_start(instant: datetime) -> bool:
    local = instant.astimezone(_SWEDEN)
    return local.day == 1 and local.time() == time(0)


def _this_month(now: datetime) -> datetime:
    """The first instant of ``now``'s month, Swedish time."""
    local = now.astimezone(_SWEDEN)
    return datetime.combine(local.date().replace(day=1), time(0), tzinfo=_SWEDEN)


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """The median of the values counted in ``counts`` (value → how often); None if
    nothing was counted."""
    total = sum(counts.values())
    if total == 0:
        return None
    ordered = sorted(counts.items())
    return (_value_at(ordered, (total - 1) // 2) + _value_at(ordered, total // 2)) / 2


def _value_at(ordered: list[tuple[int, int]], position: int) -> int:
    """The value at ``position`` of the sorted values that ``ordered`` counts."""
    seen = 0
    for value, count in ordered:
        seen += count
        if position < seen:
            return value
    raise IndexError(position)


def _keys(tip: TipFacts, group_by: GroupBy) -> tuple[str, ...]:
    if group_by is GroupBy.AGREEMENT:
        return (tip.agreement_id,)
    if group_by is GroupBy.SUPPLIER:
        return (tip.supplier_org_number,)
    if group_by is GroupBy.CATEGORY:
        return tip.categories
    if group_by is GroupBy.MUNICIPALITY:
        return (tip.municipality_code,)
    return (tip.received_at.astimezone(_SWEDEN).strftime("%Y-%m"),)


def _names(
    source: TipSource, group_by: GroupBy, tallies: Mapping[str, _Tally]
) -> Mapping[str, str]:
    if group_by in (GroupBy.AGREEMENT, GroupBy.SUPPLIER):
        return source.names(group_by, tallies)
    if group_by is GroupBy.MUNICIPALITY:
        return {code: municipality_name(code) for code in tallies}
    return {}


def _figures(
    key: str, label: str, tally: _Tally, owns: Callable[[str | None], bool]
) -> GroupFigures:
    if all(owns(owner) for owner in tally.owners):
        share = _share(tally.substantiated, tally.decided)
        return GroupFigures(
            key,
            label,
            tally.tips,
            share,
            median_of_counts(tally.to_acknowledgement),
            median_of_counts(tally.to_decision),
        )
    return _protected(key, label, tally)


def _protected(key: str, label: str, tally: _Tally) -> GroupFigures:
    """An outsider's view of the group: "<5" or a rounded count; the share from
    rounded counts and each median only over enough tips."""
    if tally.tips < SMALL_GROUP:
        return GroupFigures(key, label, SUPPRESSED, None, None, None)
    enough_decided = tally.decided >= SMALL_GROUP
    share = _share(rounded(tally.substantiated), rounded(tally.decided))
    return GroupFigures(
        key,
        label,
        rounded(tally.tips),
        share if enough_decided else None,
        _median_over_enough(tally.to_acknowledgement, tally.acknowledged),
        _median_over_enough(tally.to_decision, tally.decided),
    )


def _median_over_enough(counts: Mapping[int, int], total: int) -> float | None:
    return median_of_counts(counts) if total >= SMALL_GROUP else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _swedish_day(instant: datetime) -> date:
    return instant.astimezone(_SWEDEN).date()
