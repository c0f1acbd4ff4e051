"""Figures over tips, per group: counts, the share substantiated, and the median
working days to acknowledgement and to decision; groups of fewer than five tips are
suppressed for callers who do not own every agreement the group's tips are on.

Pure: the tips come from a `TipSource` (the repository), the caller's ownership as a
predicate; no web or database here.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from samverkan_shared.identifiers import municipality_name
from samverkan_tips.working_days import working_days_between

__all__ = [
    "SMALL_GROUP",
    "SUPPRESSED",
    "GroupBy",
    "GroupFigures",
    "Period",
    "TipFacts",
    "TipSource",
    "TipStatisticsReport",
    "median_of_counts",
    "tip_statistics",
]

# A group of fewer tips than this could single out a reporter.
SMALL_GROUP = 5
SUPPRESSED: Literal["<5"] = "<5"
# Days (working days, months) are counted on Swedish calendar days.
_SWEDEN = ZoneInfo("Europe/Stockholm")


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
) -> TipStatisticsReport:
    """Figures over every tip received in the period, one group per key, by key.

    ``owns(agreement_owner)``: whether the caller manages the agreements of that
    owner; a group below `SMALL_GROUP` tips is exact only if it owns all of them.
    """
    tallies: dict[str, _Tally] = {}
    for tip in source.tips(period):
        for key in _keys(tip, group_by):
            tallies.setdefault(key, _Tally()).add(tip)
    names = _names(source, group_by, tallies)
    groups = [
        _figures(key, names.get(key, key), tally, owns)
        for key, tally in sorted(tallies.items())
    ]
    return TipStatisticsReport(group_by, period, groups)


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
    if tally.tips < SMALL_GROUP and not all(owns(o) for o in tally.owners):
        return GroupFigures(key, label, SUPPRESSED, None, None, None)
    share = round(tally.substantiated / tally.decided, 4) if tally.decided else None
    return GroupFigures(
        key,
        label,
        tally.tips,
        share,
        median_of_counts(tally.to_acknowledgement),
        median_of_counts(tally.to_decision),
    )


def _swedish_day(instant: datetime) -> date:
    return instant.astimezone(_SWEDEN).date()
