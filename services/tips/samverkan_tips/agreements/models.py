"""The agreements feature's tables: framework agreements and their selection lists."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_tips.tips.models import TipsTable, json_field

__all__ = ["AgreementRecord", "AgreementSupplierRecord"]


class AgreementRecord(TipsTable, table=True):
    """A framework agreement; ``terms`` is ``[{"number": 1, "text": "..."}, ...]``."""

    __tablename__ = "agreements"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    area: str = Field(max_length=200)
    valid_from: date
    valid_to: date | None = None
    terms: list[dict[str, Any]] = json_field()
    # The organisation whose officers manage the agreement's tips and call-off stops;
    # None (agreements stored before owners were recorded) means nobody manages them.
    owner_org_number: str | None = Field(default=None, max_length=11, index=True)


class AgreementSupplierRecord(TipsTable, table=True):
    """The selection list: which suppliers an agreement's call-offs may go to, and
    whether the agreement's owner has stopped call-offs from one (the history of
    stops and lifts is in ``call_off_stops``)."""

    __tablename__ = "agreement_suppliers"

    agreement_id: str = Field(foreign_key="agreements.id", primary_key=True)
    supplier_org_number: str = Field(
        foreign_key="suppliers.org_number", primary_key=True, index=True
    )
    stopped_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    stop_reason: str | None = Field(default=None, sa_type=Text)
