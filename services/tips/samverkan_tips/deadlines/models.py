"""The deadlines feature's table: an organisation's own deadline policy."""

from datetime import datetime

from sqlmodel import Field

from samverkan_tips.tips.models import TipsTable, timestamp_field

__all__ = ["DeadlinePolicyRecord"]


class DeadlinePolicyRecord(TipsTable, table=True):
    """Working days an agreement owner gives itself to acknowledge and decide a tip;
    an owner without a row follows the service's default (settings)."""

    __tablename__ = "deadline_policies"

    org_number: str = Field(primary_key=True, max_length=11)
    acknowledge_working_days: int
    decide_working_days: int
    updated_by: str = Field(max_length=200)
    updated_at: datetime = timestamp_field()
