"""The tip figures as the tips service counts them (``GET /v1/statistics/tips``),
laid out as a table and as horizontal bar charts for inline SVG (plain Python).

The page asks for whole calendar months that have ended, the periods over which the
service counts every tip. For callers outside the agreement owner the service
suppresses a group of fewer than five tips ("<5", its other figures null) and rounds
larger counts to a multiple of five: the page shows "färre än 5" and draws no bar, so
the chart never tells more than the table, and shows the rounded counts as they come.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from samverkan_console.reporting.service import CATEGORIES

__all__ = [
    "GROUPINGS",
    "BarChart",
    "Figures",
    "Period",
    "Row",
    "bar_chart",
    "figures",
]

LOCAL = ZoneInfo("Europe/Stockholm")
GROUPINGS = {
    "agreement": "Ramavtal",
    "supplier": "Leverantör",
    "category": "Kategori",
    "municipality": "Kommun",
    "month": "Månad",
}
SUPPRESSED = "<5"
_WIDTH = 640
_LABELS = 230  # the left column of group names
_ROW = 28
_TOP = 10
_AXIS = 30
_LABEL_CHARS = 34


@dataclass(frozen=True)
class Period:
    """Calendar months received, ``first`` to ``last`` inclusive (each the first day
    of its month, Swedish time), or what is wrong with the typed ones."""

    first: date
    last: date
    error: str | None = None

    @classmethod
    def read(cls, first: str, last: str, today: date) -> "Period":
        """By default the last twelve months that have ended; the service counts
        every tip over ended months only."""
        latest = _months_after(today.replace(day=1), -1)
        default_first = _months_after(latest, -11)
        try:
            start = _month(first) if first else default_first
            end = _month(last) if last else latest
        except ValueError:
            return cls(default_first, latest, "Skriv månaderna som ÅÅÅÅ-MM.")
        if start > end:
            return cls(end, end, "Perioden slutar före den börjar.")
        if end > latest:
            return cls(
                start,
                latest,
                "Statistiken gäller månader som har tagit slut; den senaste är "
                f"{latest:%Y-%m}.",
            )
        return cls(start, end)

    @property
    def first_month(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def last_month(self) -> str:
        return f"{self.last:%Y-%m}"

    def api_params(self) -> dict[str, str]:
        """``from`` (inclusive) and ``to`` (exclusive) as RFC 3339 instants: the
        first moments of the first month and of the month after the last."""

        def instant(day: date) -> str:
            moment = datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)
            return moment.isoformat().replace("+00:00", "Z")

        return {
            "from": instant(self.first),
            "to": instant(_months_after(self.last, 1)),
        }


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> date:
    """The first day of the month written ``YYYY-MM`` (ValueError otherwise)."""
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        raise ValueError(text)
    return date(int(found.group(1)), int(found.group(2)), 1)


def _months_after(first: date, count: int) -> date:
    months = first.year * 12 + first.month - 1 + count
    return date(months // 12, months % 12 + 1, 1)


@dataclass(frozen=True)
class Row:
    """One group's figures as the table shows them."""

    key: str
    label: str
    tips: int | None  # None: suppressed
    substantiated: str
    to_acknowledgement: str
    to_decision: str
    acknowledgement_days: float | None
    decision_days: float | None

    @property
    def tips_text(self) -> str:
        return "färre än 5" if self.tips is None else str(self.tips)


@dataclass(frozen=True)
class Figures:
    group_by: str
    rows: tuple[Row, ...]

    @property
    def total(self) -> int:
        return sum(row.tips or 0 for row in self.rows)

    @property
    def suppressed(self) -> int:
        return sum(1 for row in self.rows if row.tips is None)


def figures(answer: Mapping[str, Any]) -> Figures:
    group_by = str(answer["group_by"])
    return Figures(group_by, tuple(_row(g, group_by) for g in answer["groups"]))


def _row(group: Mapping[str, Any], group_by: str) -> Row:
    tips = group["tips"]
    share = group.get("substantiated_share")
    acknowledgement = group.get("median_working_days_to_acknowledgement")
    decision = group.get("median_working_days_to_decision")
    label = str(group.get("label") or group["key"])
    if group_by == "category":
        label = CATEGORIES.get(str(group["key"]), label)
    elif group_by in ("supplier", "municipality") and label != group["key"]:
        label = f"{label} ({group['key']})"
    return Row(
        key=str(group["key"]),
        label=label,
        tips=None if tips == SUPPRESSED else int(tips),
        substantiated="–" if share is None else f"{round(share * 100)} %",
        to_acknowledgement=_days(acknowledgement),
        to_decision=_days(decision),
        acknowledgement_days=acknowledgement,
        decision_days=decision,
    )


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which colour (CSS class serie-N)
    label: str  # its tooltip: "Stödboende 2023: 7"


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one band per group, a bar per series in each band."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    names: tuple[tuple[float, str], ...]  # (y of the band's middle, group label)
    ticks: tuple[tuple[float, str], ...]  # (x, value) along the bottom axis
    baseline: float  # y of the axis
    left: int  # x where bars begin


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    series: Sequence[str],
) -> BarChart:
    """``values[group][series]``; None draws no bar (suppressed or no figure)."""
    top = max([v for row in values for v in row if v is not None] + [1.0])
    span = _WIDTH - _LABELS - 20
    height = _TOP + _ROW * len(labels) + _AXIS
    band = (_ROW - 6) / max(len(series), 1)
    bars = []
    for index, (label, row) in enumerate(zip(labels, values, strict=True)):
        for serie, value in enumerate(row):
            if value is None or value <= 0:
                continue
            bars.append(
                Bar(
                    x=_LABELS,
                    y=round(_TOP + index * _ROW + 3 + serie * band, 1),
                    width=round(span * value / top, 1),
                    height=round(band, 1),
                    series=serie,
                    label=f"{label}, {series[serie]}: {value:g}",
                )
            )
    names = tuple(
        (round(_TOP + (n + 0.5) * _ROW + 4, 1), _short(label))
        for n, label in enumerate(labels)
    )
    marks = sorted({0.0, top / 2, top})
    ticks = tuple((round(_LABELS + span * v / top, 1), f"{v:g}") for v in marks)
    baseline = float(_TOP + _ROW * len(labels))
    return BarChart(_WIDTH, height, tuple(bars), names, ticks, baseline, _LABELS)


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"
