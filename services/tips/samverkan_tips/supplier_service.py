"""Supplier and agreement use cases: the supplier view, call-off stops, selection lists,
the agreement import and the internal field-by-field read for the sharing service.

A call-off stop ("avropsstopp") hides a supplier in the selection list of every
agreement it is on, until it is lifted; both are kept in the supplier's history.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.cursors import (
    InvalidCursor,
    Order,
    cursor_kind,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)
from samverkan_shared.problems import (
    Conflict,
    Forbidden,
    NotFound,
    UnprocessableContent,
)
from samverkan_tips.agreements.csv_import import AgreementImport
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.agreements.schemas import Agreement, AgreementSupplier
from samverkan_tips.internal.repository import InternalTipRepository
from samverkan_tips.internal.schemas import InternalTip
from samverkan_tips.service import decode_tip_cursor, tip_cursor
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.suppliers.repository import (
    CallOffStopRepository,
    SupplierRepository,
)
from samverkan_tips.suppliers.schemas import CallOffLift, CallOffStopCreate, Supplier
from samverkan_tips.tips.repository import TipFilter, TipRepository
from samverkan_tips.tips.schemas import Page
from samverkan_tips.views import call_off_history, call_off_state, internal_tip

__all__ = [
    "ImportSummary",
    "import_agreements",
    "internal_supplier_tips",
    "internal_tip_view",
    "lift_call_offs",
    "list_agreements",
    "selection_list",
    "stop_call_offs",
    "supplier_view",
]

_log = structlog.get_logger("samverkan.tips")


def _known_supplier(
    session: Session, org_number: str, *, for_update: bool = False
) -> SupplierRecord:
    record = SupplierRepository(session).get(org_number, for_update=for_update)
    if record is None:
        raise NotFound(f"There is no supplier {org_number}.")
    return record


def supplier_view(session: Session, org_number: str) -> Supplier:
    """The supplier's tips in numbers, its call-off stop and the history of stops."""
    supplier = _known_supplier(session, org_number)
    rows = TipRepository(session).categories_and_statuses(org_number)
    categories = Counter(category for row in rows for category in row[0])
    statuses = Counter(row[1] for row in rows)
    return Supplier(
        org_number=supplier.org_number,
        name=supplier.name,
        agreements=AgreementRepository(session).agreements_of(org_number),
        tips_total=len(rows),
        tips_by_category=dict(sorted(categories.items())),
        tips_by_status=dict(sorted(statuses.items())),
        call_off_stop=call_off_state(supplier),
        history=call_off_history(CallOffStopRepository(session).history(org_number)),
    )


def stop_call_offs(
    session: Session,
    org_number: str,
    body: CallOffStopCreate,
    *,
    actor: str,
    now: datetime | None = None,
) -> Supplier:
    """Stop call-offs from a supplier on the strength of its tips (409 if stopped)."""
    supplier = _known_supplier(session, org_number, for_update=True)
    if supplier.stopped_at is not None:
        raise Conflict(
            f"Call-offs from {org_number} are already stopped "
            f"(since {supplier.stopped_at.isoformat()}); lift the stop first."
        )
    _check_tips(session, org_number, body.tip_ids)
    at = now or datetime.now(UTC)
    supplier.stopped_at, supplier.stop_reason = at, body.reason
    _record(session, supplier, "stop", body.reason, body.tip_ids, actor, at)
    _log.info("call_off_stopped", supplier=org_number)
    return supplier_view(session, org_number)


def lift_call_offs(
    session: Session,
    org_number: str,
    body: CallOffLift,
    *,
    actor: str,
    now: datetime | None = None,
) -> Supplier:
    """Lift a supplier's call-off stop (409 if there is none)."""
    supplier = _known_supplier(session, org_number, for_update=True)
    if supplier.stopped_at is None:
        raise Conflict(f"Call-offs from {org_number} are not stopped.")
    _check_tips(session, org_number, body.tip_ids)
    supplier.stopped_at, supplier.stop_reason = None, None
    at = now or datetime.now(UTC)
    _record(session, supplier, "lift", body.reason, body.tip_ids, actor, at)
    _log.info("call_off_lifted", supplier=org_number)
    return supplier_view(session, org_number)


def _record(
    session: Session,
    supplier: SupplierRecord,
    action: str,
    reason: str,
    tip_ids: Sequence[uuid.UUID],
    actor: str,
    at: datetime,
) -> None:
    SupplierRepository(session).save(supplier)
    CallOffStopRepository(session).add(
        CallOffStopRecord(
            supplier_org_number=supplier.org_number,
            action=action,
            reason=reason,
            tip_ids=[str(tip_id) for tip_id in tip_ids],
            actor=actor,
            at=at,
        )
    )
    session.commit()


def _check_tips(session: Session, org_number: str, tip_ids: list[uuid.UUID]) -> None:
    found = TipRepository(session).existing_ids(tip_ids, org_number)
    for position, tip_id in enumerate(tip_ids):
        if tip_id not in found:
            detail = f"there is no tip {tip_id} about supplier {org_number}"
            raise UnprocessableContent(
                f"#/tip_ids/{position}: {detail}",
                errors=[{"pointer": f"#/tip_ids/{position}", "detail": detail}],
            )


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
        items=[_agreement(record) for record in page],
        next_cursor=encode_cursor(kind, [page[-1].id]) if more else None,
    )


def _agreement(record: AgreementRecord) -> Agreement:
    return Agreement.model_validate(record, from_attributes=True)


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
        items=[
            AgreementSupplier(
                org_number=r.org_number, name=r.name, call_off_stop=call_off_state(r)
            )
            for r in page
        ],
        next_cursor=encode_cursor(f"selection/{agreement_id}", [page[-1].org_number])
        if more
        else None,
    )


def internal_tip_view(
    session: Session, tip_id: uuid.UUID, *, keyring: Keyring
) -> InternalTip:
    found = InternalTipRepository(session).with_supplier(tip_id)
    if found is None:
        raise NotFound(f"There is no tip {tip_id}.")
    record, supplier = found
    if supplier is None:
        raise NotFound(f"There is no supplier {record.supplier_org_number}.")
    return internal_tip(keyring, record, supplier)


def internal_supplier_tips(
    session: Session,
    org_number: str,
    *,
    keyring: Keyring,
    cursor: str | None,
    limit: int,
) -> Page[InternalTip]:
    supplier = _known_supplier(session, org_number)
    records = TipRepository(session).page(
        TipFilter(supplier=org_number), decode_tip_cursor(cursor), limit + 1
    )
    page, more = records[:limit], len(records) > limit
    return Page[InternalTip](
        items=[internal_tip(keyring, record, supplier) for record in page],
        next_cursor=tip_cursor(page[-1]) if more else None,
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
    )
