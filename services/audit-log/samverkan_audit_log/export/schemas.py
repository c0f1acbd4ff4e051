"""The export's wire formats."""

from enum import StrEnum

__all__ = ["ExportFormat"]


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/jsonl; charset=utf-8"
