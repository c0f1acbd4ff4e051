"""The agreements feature's wire contract: agreements and their selection lists."""

from datetime import date

from pydantic import BaseModel

from samverkan_tips.suppliers.schemas import CallOffStopState

__all__ = ["Agreement", "AgreementSupplier", "Term"]


class Term(BaseModel):
    number: int
    text: str


class Agreement(BaseModel):
    id: str
    name: str
    area: str
    valid_from: date
    valid_to: date | None
    terms: list[Term]
    owner_org_number: str | None  # whose officers manage its tips; None: nobody


class AgreementSupplier(BaseModel):
    org_number: str
    name: str
    call_off_stop: CallOffStopState
