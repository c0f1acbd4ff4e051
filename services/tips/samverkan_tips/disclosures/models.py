"""The disclosures feature's table: disclosures made about a tip (never a payload)."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field

from samverkan_tips.tips.models import TipsTable, json_field, timestamp_field

__all__ = ["TipDisclosureRecord"]


class TipDisclosureRecord(TipsTable, table=True):
    """One disclosure about a tip, keyed by the tip, sharing's disclosure id and the
    index of its audit entry: a report sent again is stored once, and a release about
    several tips (a request about a supplier) once for each of them."""

    __tablename__ = "tip_disclosures"

    tip_id: uuid.UUID = Field(foreign_key="tips.id", primary_key=True)
    disclosure_id: str = Field(primary_key=True, max_length=100)
    audit_index: int = Field(sa_column=Column(BigInteger(), primary_key=True))
    recipient_code: str = Field(max_length=64)
    recipient_org_number: str = Field(max_length=11)
    recipient_name: str = Field(max_length=200)
    legal_basis: list[str] = json_field()
    data_categories: list[str] = json_field()
    released_at: datetime = timestamp_field()
    reported_at: datetime = timestamp_field()
