"""The internal read's SQL: a tip with its supplier and the supplier's row of the
agreement's selection list, in one query."""

import uuid

from sqlalchemy import bindparam
from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_tips.agreements.models import AgreementSupplierRecord
from samverkan_tips.suppliers.models import SupplierRecord
from samverkan_tips.tips.models import TipRecord

__all__ = ["InternalTipRepository"]

# Built once: the sharing service reads a tip this way for every disclosure.
_TIP_WITH_SUPPLIER = (
    select(TipRecord, SupplierRecord, AgreementSupplierRecord)
    .outerjoin(
        SupplierRecord,
        col(SupplierRecord.org_number) == col(TipRecord.supplier_org_number),
    )
    .outerjoin(
        AgreementSupplierRecord,
        (col(AgreementSupplierRecord.agreement_id) == col(TipRecord.agreement_id))
        & (
            col(AgreementSupplierRecord.supplier_org_number)
            == col(TipRecord.supplier_org_number)
        ),
    )
    .where(col(TipRecord.id) == bindparam("tip_id"))
)


class InternalTipRepository(Repository):
    def with_supplier(
        self, tip_id: uuid.UUID
    ) -> tuple[TipRecord, SupplierRecord | None, AgreementSupplierRecord | None] | None:
        """The tip, its supplier and the supplier's row of the tip's agreement's
        selection list, in one query (None: no such tip)."""
        row = self._session.exec(_TIP_WITH_SUPPLIER, params={"tip_id": tip_id}).first()
        return None if row is None else (row[0], row[1], row[2])
