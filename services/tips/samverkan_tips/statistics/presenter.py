"""Statistics as CSV: a header row and one row per group, defused against formula
injection (a supplier's name is as it was reported)."""

import csv
import io

from samverkan_tips.statistics.schemas import GroupStatistics, TipStatistics

__all__ = ["CSV_COLUMNS", "statistics_csv"]

CSV_COLUMNS = tuple(GroupStatistics.model_fields)
# OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def statistics_csv(statistics: TipStatistics) -> str:
    """The groups as CSV (RFC 4180, CRLF); a null figure is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for group in statistics.groups:
        row = group.model_dump()
        writer.writerow(_cell(row[column]) for column in CSV_COLUMNS)
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
