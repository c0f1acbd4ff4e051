"""Internal read use cases: tips field by field, for the sharing service."""

import uuid

from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import NotFound
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.internal.presenter import internal_tip
from samverkan_tips.internal.repository import InternalTipRepository
from samverkan_tips.internal.schemas import InternalTip
from samverkan_tips.suppliers.presenter import call_off_state
from samverkan_tips.suppliers.service import known_supplier
from samverkan_tips.tips.repository import TipFilter, TipRepository
from samverkan_tips.tips.schemas import Page
from samverkan_tips.tips.service import decode_tip_cursor, tip_cursor

__all__ = ["internal_supplier_tips", "internal_tip_view"]


def internal_tip_view(
    session: Session, tip_id: uuid.UUID, *, keyring: Keyring
) -> InternalTip:
    found = InternalTipRepository(session).with_supplier(tip_id)
    if found is None:
        raise NotFound(f"There is no tip {tip_id}.")
    record, supplier, link = found
    if supplier is None:
        raise NotFound(f"There is no supplier {record.supplier_org_number}.")
    return internal_tip(keyring, record, supplier, call_off_state(link))


def internal_supplier_tips(
    session: Session,
    org_number: str,
    *,
    keyring: Keyring,
    cursor: str | None,
    limit: int,
) -> Page[InternalTip]:
    supplier = known_supplier(session, org_number)
    links = {
        link.agreement_id: link
        for link, _ in AgreementRepository(session).links_of(org_number)
    }
    records = TipRepository(session).page(
        TipFilter(supplier=org_number), decode_tip_cursor(cursor), limit + 1
    )
    page, more = records[:limit], len(records) > limit
    return Page[InternalTip](
        items=[
            internal_tip(
                keyring,
                record,
                supplier,
                call_off_state(links.get(record.agreement_id)),
            )
            for record in page
        ],
        next_cursor=tip_cursor(page[-1]) if more else None,
    )
