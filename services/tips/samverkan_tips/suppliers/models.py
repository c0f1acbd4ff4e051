"""The suppliers feature's tables: suppliers and the history of their call-off stops
(the current stop of each agreement sits on its selection list row)."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field

from samverkan_tips.tips.models import TipsTable, json_field, timestamp_field

__all__ = ["CallOffStopRecord", "SupplierRecord"]


class SupplierRecord(TipsTable, table=True):
    """A supplier; stop and lift lock this row, so one supplier's stops are serial."""

    __tablename__ = "suppliers"

    org_number: str = Field(primary_key=True, max_length=11)  # NNNNNN-NNNN
    name: str = Field(max_length=200)


class CallOffStopRecord(TipsTable, table=True):
    """One stop or lift of call-offs from a supplier on some of its agreements."""

    __tablename__ = "call_off_stops"

    id: int | None = Field(default=None, primary_key=True)
    supplier_org_number: str = Field(foreign_key="suppliers.org_number", index=True)
    action: str = Field(max_length=8)  # "stop" | "lift"
    agreement_ids: list[str] = json_field()
    reason: str = Field(sa_type=Text)
    tip_ids: list[str] = json_field()
    actor: str = Field(max_length=200)
    at: datetime = timestamp_field()
