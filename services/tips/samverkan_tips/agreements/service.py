"""Agreement use cases: agreements, their selection lists, and the CSV import."""

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlmodel import Session

from samverkan_shared.cursors import (
    InvalidCursor,
    Order,
    cursor_kind,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)
from samverkan_shared.problems import Forbidden, NotFound
from samverkan_tips.agreements.csv_import import AgreementImport
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.agreements.presenter import agreement_view, selection_item
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.agreements.schemas import Agreement, AgreementSupplier
from samverkan_tips.suppliers.repository import SupplierRepository
from samverkan_tips.tips.schemas import Page

__all__ = [
    "ImportSummary",
    "import_agreements",
    "list_agreements",
    "selection_list",
]

_log = structlog.get_logger("samverkan.tips")


def _decode_key(kind: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        return decode_cursor(kind, cursor, 1)[0]
    except InvalidCursor as error:
        raise invalid_cursor(error) from None


def list_agreements(
    session: Session, *, cursor: str | None, limit: int, order: Order = Order.ASC
) -> Page[Agreement]:
    """Agreements by id, ascending unless ``order`` is ``desc``."""
    kind = cursor_kind("agreements", order)
    records = AgreementRepository(session).page(
        _decode_key(kind, cursor), limit + 1, descending=order is Order.DESC
    )
    page = records[:limit]
    more = len(records) > limit
    return Page[Agreement](
        items=[agreement_view(record) for record in page],
        next_cursor=encode_cursor(kind, [page[-1].id]) if more else None,
    )


def selection_list(
    session: Session,
    agreement_id: str,
    *,
    include_hidden: bool,
    may_see_hidden: bool,
    cursor: str | None,
    limit: int,
) -> Page[AgreementSupplier]:
    """The suppliers a call-off may go to; stopped ones only for the tip function."""
    if include_hidden and not may_see_hidden:
        raise Forbidden(
            "include_hidden=true shows suppliers under a call-off stop and needs the "
            "scope tips:manage."
        )
    agreements = AgreementRepository(session)
    if agreements.get(agreement_id) is None:
        raise NotFound(f"There is no agreement {agreement_id}.")
    after = _decode_key(f"selection/{agreement_id}", cursor)
    records = agreements.selection(
        agreement_id, include_hidden=include_hidden, after=after, limit=limit + 1
    )
    page, more = records[:limit], len(records) > limit
    return Page[AgreementSupplier](
        items=[selection_item(record, link) for record, link in page],
        next_cursor=encode_cursor(f"selection/{agreement_id}", [page[-1][0].org_number])
        if more
        else None,
    )


@dataclass(frozen=True)
class ImportSummary:
    agreements: int
    suppliers: int


def import_agreements(
    session: Session, agreements: Sequence[AgreementImport]
) -> ImportSummary:
    """Insert or update agreements, their suppliers and selection lists; one commit.

    Additive: a supplier missing from the file stays on its selection list (removing a
    supplier from an agreement is a decision, not a side effect of an import).
    """
    repository, suppliers = AgreementRepository(session), SupplierRepository(session)
    seen: set[str] = set()
    for agreement in agreements:
        repository.save(_agreement_record(agreement))
        for supplier in agreement.suppliers:
            record = suppliers.ensure(supplier.org_number, supplier.name)
            suppliers.rename(record, supplier.name)
            repository.link(agreement.id, supplier.org_number)
            seen.add(supplier.org_number)
    session.commit()
    _log.info("agreements_imported", agreements=len(agreements), suppliers=len(seen))
    return ImportSummary(agreements=len(agreements), suppliers=len(seen))


def _agreement_record(agreement: AgreementImport) -> AgreementRecord:
    return AgreementRecord(
        id=agreement.id,
        name=agreement.name,
        area=agreement.area,
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
        terms=[{"number": term.number, "text": term.text} for term in agreement.terms],
        owner_org_number=agreement.owner_org_number,
    )
