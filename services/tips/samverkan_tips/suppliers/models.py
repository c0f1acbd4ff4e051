"""The suppliers feature's tables: a supplier's current call-off stop and its history."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_tips.tips.models import TipsTable, json_field, timestamp_field

__all__ = ["CallOffStopRecord", "SupplierRecord"]


class SupplierRecord(TipsTable, table=True):
    """A supplier and its current call-off stop (the history is in ``call_off_stops``).

    The current state sits on the supplier so the selection list can hide stopped
    suppliers in one indexed query, and so stop and lift can lock this one row.
    """

    __tablename__ = "suppliers"

    org_number: str = Field(primary_key=True, max_length=11)  # NNNNNN-NNNN
    name: str = Field(max_length=200)
    stopped_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    stop_reason: str | None = Field(default=None, sa_type=Text)


class CallOffStopRecord(TipsTable, table=True):
    """One stop or lift of call-offs from a supplier; the latest row is the state."""

    __tablename__ = "call_off_stops"

    id: int | None = Field(default=None, primary_key=True)
    supplier_org_number: str = Field(foreign_key="suppliers.org_number", index=True)
    action: str = Field(max_length=8)  # "stop" | "lift"
    reason: str = Field(sa_type=Text)
    tip_ids: list[str] = json_field()
    actor: str = Field(max_length=200)
    at: datetime = timestamp_field()
