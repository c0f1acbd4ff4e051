"""The suite's page shape for disclosures: `{"items": [...], "next_cursor": ...}`."""

from pydantic import BaseModel

from samverkan_sharing.disclosures.schemas import Disclosure

__all__ = ["DisclosurePage"]


class DisclosurePage(BaseModel):
    items: list[Disclosure]
    next_cursor: str | None
