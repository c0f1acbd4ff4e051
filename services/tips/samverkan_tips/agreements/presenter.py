"""Stored agreements and selection lists → the agreements feature's wire schemas."""

from samverkan_tips.agreements.models import AgreementRecord, AgreementSupplierRecord
from samverkan_tips.agreements.schemas import Agreement, AgreementSupplier
from samverkan_tips.suppliers.models import SupplierRecord
from samverkan_tips.suppliers.presenter import call_off_state

__all__ = ["agreement_view", "selection_item"]


def agreement_view(record: AgreementRecord) -> Agreement:
    return Agreement.model_validate(record, from_attributes=True)


def selection_item(
    record: SupplierRecord, link: AgreementSupplierRecord
) -> AgreementSupplier:
    return AgreementSupplier(
        org_number=record.org_number,
        name=record.name,
        call_off_stop=call_off_state(link),
    )
