"""The suite's page shape for disclosures: `{"items": [...], "next_cursor": ...}`."""

from pydantic import BaseModel

from samverkan_sharing.disclosures.schemas import Disclosure, DisclosureSummary

__all__ = ["DisclosurePage", "DisclosureSummaryPage"]


class DisclosurePage(BaseModel):
    items: list[Disclosure]
    next_cursor: str | None


class DisclosureSummaryPage(BaseModel):
    items: list[DisclosureSummary]
    next_cursor: str | None
