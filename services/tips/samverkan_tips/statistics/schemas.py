"""The statistics wire format (JSON; the CSV columns are the group's fields)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from samverkan_tips.statistics.service import Counted, GroupBy, TipStatisticsReport

__all__ = ["GroupStatistics", "TipStatistics"]


class GroupStatistics(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        description="agreement id, supplier org number, category, kommunkod or"
        " YYYY-MM (the month received, Swedish time)"
    )
    label: str = Field(
        description="the agreement's, supplier's or municipality's name; else the key"
    )
    tips: int | Literal["<5"] = Field(
        description="tips received in the period; a tip with several categories counts"
        " in each. Exact if the caller manages every agreement the group's tips are"
        ' on; otherwise "<5" for fewer than five tips (its other figures are then'
        " null), else rounded to the nearest multiple of 5"
    )
    substantiated_share: float | None = Field(
        description="substantiated / decided: of the group's tips that reached a"
        " verdict (substantiated or unsubstantiated, closed or not), the share found"
        " substantiated; null if none has been decided. Outside the owner: from the"
        " rounded counts, and null unless at least five were decided"
    )
    median_working_days_to_acknowledgement: float | None = Field(
        description="median Swedish working days from the day received to the day of"
        " the first move out of received; over the tips acknowledged, else null."
        " Outside the owner: null unless at least five were acknowledged"
    )
    median_working_days_to_decision: float | None = Field(
        description="median Swedish working days from the day received to the day of"
        " the verdict; over the tips decided, else null. Outside the owner: null"
        " unless at least five were decided"
    )


class TipStatistics(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    group_by: GroupBy
    from_: datetime | None = Field(
        alias="from", description="received_at from (inclusive); null: from the first"
    )
    to: datetime | None = Field(description="received_at before (exclusive)")
    counted: Counted = Field(
        description="every_tip: every tip received in the period (ended calendar"
        " months); own_agreements: only the tips on the agreements the caller"
        " manages (any other period)"
    )
    groups: list[GroupStatistics]

    @classmethod
    def of(cls, report: TipStatisticsReport) -> "TipStatistics":
        return cls(
            group_by=report.group_by,
            from_=report.period.start,
            to=report.period.end,
            counted=report.counted,
            groups=[
                GroupStatistics.model_validate(group, from_attributes=True)
                for group in report.groups
            ],
        )
