"""The figures and their charts, from the log's entries and the sharing queue (plain
Python: the routes fetch, this counts and lays the bars out).

Months are Swedish calendar months (Europe/Stockholm). An entry with several legal
bases counts once under each, so that chart's bars may add up to more than the
number of disclosures.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_ENTRIES",
    "Chart",
    "Period",
    "Queue",
    "Table",
    "chart",
    "count_by_month",
    "queue_age",
]

LOCAL = ZoneInfo("Europe/Stockholm")
MAX_ENTRIES = 20_000
MAX_MONTHS = 60
# Beyond this many series the smallest are summed as "Övriga", so colours stay apart.
_SERIES = 6
OTHERS = "Övriga"
_CHART_WIDTH = 640
_CHART_HEIGHT = 240
_MARGIN_LEFT = 40
_MARGIN_BOTTOM = 40


def _month(text: str) -> date | None:
    # A month is a date, not an instant: no time zone to get wrong.
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def _add_months(month: date, count: int) -> date:
    total = month.year * 12 + month.month - 1 + count
    return date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (inclusive), or what is wrong."""

    first: date
    last: date
    error: str | None = None

    @classmethod
    def read(cls, first: str, last: str, today: date) -> "Period":
        """The months typed (ÅÅÅÅ-MM); by default the last twelve, this one included."""
        this_month = today.replace(day=1)
        end = _month(last) if last else this_month
        start = _month(first) if first else _add_months(end or this_month, -11)
        if start is None or end is None:
            return cls(
                _add_months(this_month, -11), this_month, "Skriv månaden ÅÅÅÅ-MM."
            )
        if start > end:
            return cls(end, end, "Perioden slutar före den börjar.")
        if len(_months(start, end)) > MAX_MONTHS:
            return cls(start, end, f"Välj högst {MAX_MONTHS} månader.")
        return cls(start, end)

    @property
    def months(self) -> list[date]:
        return _months(self.first, self.last)

    def api_params(self) -> dict[str, str]:
        """The log's ``from`` (inclusive) and ``to`` (exclusive) instants."""

        def instant(month: date) -> str:
            moment = datetime.combine(month, time(0), tzinfo=LOCAL).astimezone(UTC)
            return moment.isoformat().replace("+00:00", "Z")

        return {
            "from": instant(self.first),
            "to": instant(_add_months(self.last, 1)),
        }


def _months(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [_add_months(first, n) for n in range(max(count, 0))]


@dataclass(frozen=True)
class Table:
    """Counts per month (rows) and series (columns), as the charts and tables show."""

    months: tuple[str, ...]
    series: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # [month][series]

    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.counts)

    def rows(self) -> list[tuple[str, tuple[int, ...], int]]:
        return list(zip(self.months, self.counts, self.totals(), strict=True))


def _entry_month(entry: Mapping[str, Any]) -> str:
    moment = datetime.fromisoformat(str(entry["occurred_at"]).replace("Z", "+00:00"))
    return moment.astimezone(LOCAL).strftime("%Y-%m")


def _recipients(entry: Mapping[str, Any]) -> list[str]:
    recipient = entry.get("recipient") or {}
    return [str(recipient.get("name") or recipient.get("code") or "okänd")]


def _bases(entry: Mapping[str, Any]) -> list[str]:
    return [str(basis) for basis in entry.get("legal_basis", [])] or ["inget angivet"]


def count_by_month(
    entries: Iterable[Mapping[str, Any]], period: Period
) -> tuple[Table, Table]:
    """Disclosures per month by recipient, and by legal basis."""
    months = [month.strftime("%Y-%m") for month in period.months]
    by_recipient: Counter[tuple[str, str]] = Counter()
    by_basis: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        month = _entry_month(entry)
        by_recipient.update((month, name) for name in _recipients(entry))
        by_basis.update((month, basis) for basis in _bases(entry))
    return _table(months, by_recipient), _table(months, by_basis)


def _table(months: Sequence[str], counts: Counter[tuple[str, str]]) -> Table:
    totals: Counter[str] = Counter()
    for (_, name), count in counts.items():
        totals[name] += count
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    kept = ranked if len(ranked) <= _SERIES else ranked[: _SERIES - 1]
    series = [*kept, OTHERS] if len(kept) < len(ranked) else kept
    rows = []
    for month in months:
        row = [counts[(month, name)] for name in kept]
        if len(series) > len(kept):
            row.append(sum(counts[(month, n)] for n in ranked if n not in kept))
        rows.append(tuple(row))
    return Table(tuple(months), tuple(series), tuple(rows))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which colour (CSS class serie-N)
    label: str  # for a tooltip: "2026-12, Skatteverket: 3"


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart laid out for inline SVG (no script)."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y, count) on the left axis
    labels: tuple[tuple[float, str], ...]  # (x centre, month) under the bars
    baseline: float


def chart(table: Table) -> Chart:
    plot_height = _CHART_HEIGHT - _MARGIN_BOTTOM - 10
    top = max([*table.totals(), 1])
    step = (_CHART_WIDTH - _MARGIN_LEFT) / max(len(table.months), 1)
    baseline = _CHART_HEIGHT - _MARGIN_BOTTOM
    bars = []
    for column, (month, counts, _total) in enumerate(table.rows()):
        y = float(baseline)
        for serie, count in enumerate(counts):
            height = plot_height * count / top
            y -= height
            if count:
                label = f"{month}, {table.series[serie]}: {count}"
                x = _MARGIN_LEFT + column * step + step * 0.15
                bars.append(
                    Bar(
                        round(x, 1),
                        round(y, 1),
                        round(step * 0.7, 1),
                        round(height, 1),
                        serie,
                        label,
                    )
                )
    ticks = tuple(
        (round(baseline - plot_height * value / top, 1), str(value))
        for value in sorted({0, top // 2, top})
    )
    every = max(1, len(table.months) // 12)
    labels = tuple(
        (round(_MARGIN_LEFT + (n + 0.5) * step, 1), month[2:] if every > 1 else month)
        for n, month in enumerate(table.months)
        if n % every == 0
    )
    return Chart(_CHART_WIDTH, _CHART_HEIGHT, tuple(bars), ticks, labels, baseline)


@dataclass(frozen=True)
class Queue:
    """The assessment queue: how many wait, since when, how many are overdue."""

    waiting: int
    oldest: str | None
    oldest_days: int | None
    overdue: int
    cut: bool


def queue_age(items: Sequence[Mapping[str, Any]], now: datetime, cut: bool) -> Queue:
    created = [_instant(item["created_at"]) for item in items]
    due = [
        _instant(item["assessment_due"]) for item in items if item.get("assessment_due")
    ]
    oldest = min(created) if created else None
    return Queue(
        waiting=len(items),
        oldest=oldest.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if oldest else None,
        oldest_days=(now - oldest).days if oldest else None,
        overdue=sum(1 for moment in due if moment < now),
        cut=cut,
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
