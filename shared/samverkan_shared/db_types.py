"""Column types both backends need to agree on, and the Core table of a model."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Table
from sqlalchemy.types import TypeDecorator

__all__ = ["UTCDateTime", "table_of"]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on both backends.

    The one place that normalises: SQLite keeps no time zone and hands back naive
    values, so we store UTC without an offset there and put UTC back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware datetimes")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)  # noqa: S101 - the column type guarantees it
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped model (its ``__table__``), typed."""
    found: object = getattr(model, "__table__", None)
    if not isinstance(found, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return found
