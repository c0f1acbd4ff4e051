"""Supplier use cases: the supplier's record of tips, and call-off stops and lifts.

A call-off stop ("avropsstopp") hides a supplier in the selection list of every
agreement it is on, until it is lifted; both are kept in the supplier's history.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import structlog
from sqlmodel import Session

from samverkan_shared.problems import Conflict, NotFound, UnprocessableContent
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.suppliers.presenter import call_off_history, call_off_state
from samverkan_tips.suppliers.repository import (
    CallOffStopRepository,
    SupplierRepository,
)
from samverkan_tips.suppliers.schemas import CallOffLift, CallOffStopCreate, Supplier
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.repository import TipRepository
from samverkan_tips.webhooks.events import call_off_event
from samverkan_tips.webhooks.repository import OutboxRepository

__all__ = ["known_supplier", "lift_call_offs", "stop_call_offs", "supplier_view"]

_log = structlog.get_logger("samverkan.tips")


def known_supplier(
    session: Session, org_number: str, *, for_update: bool = False
) -> SupplierRecord:
    """The supplier, or 404."""
    record = SupplierRepository(session).get(org_number, for_update=for_update)
    if record is None:
        raise NotFound(f"There is no supplier {org_number}.")
    return record


def supplier_view(session: Session, org_number: str) -> Supplier:
    """The supplier's tips in numbers, its call-off stop and the history of stops."""
    supplier = known_supplier(session, org_number)
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
    caller: Caller,
    now: datetime | None = None,
) -> Supplier:
    """Stop call-offs from a supplier on the strength of its tips (409 if stopped)."""
    supplier = _managed_supplier(session, org_number, caller)
    if supplier.stopped_at is not None:
        raise Conflict(
            f"Call-offs from {org_number} are already stopped "
            f"(since {supplier.stopped_at.isoformat()}); lift the stop first."
        )
    _check_tips(session, org_number, body.tip_ids, caller)
    at = now or datetime.now(UTC)
    supplier.stopped_at, supplier.stop_reason = at, body.reason
    _record(session, supplier, "stop", body.reason, body.tip_ids, caller.client_id, at)
    _log.info("call_off_stopped", supplier=org_number)
    return supplier_view(session, org_number)


def lift_call_offs(
    session: Session,
    org_number: str,
    body: CallOffLift,
    *,
    caller: Caller,
    now: datetime | None = None,
) -> Supplier:
    """Lift a supplier's call-off stop (409 if there is none)."""
    supplier = _managed_supplier(session, org_number, caller)
    if supplier.stopped_at is None:
        raise Conflict(f"Call-offs from {org_number} are not stopped.")
    _check_tips(session, org_number, body.tip_ids, caller)
    supplier.stopped_at, supplier.stop_reason = None, None
    at = now or datetime.now(UTC)
    _record(session, supplier, "lift", body.reason, body.tip_ids, caller.client_id, at)
    _log.info("call_off_lifted", supplier=org_number)
    return supplier_view(session, org_number)


def _managed_supplier(
    session: Session, org_number: str, caller: Caller
) -> SupplierRecord:
    """The supplier, locked, if the caller owns an agreement it is on (else 403;
    404 if there is no such supplier, which every tips:read caller may learn)."""
    supplier = known_supplier(session, org_number, for_update=True)
    owners = AgreementRepository(session).owners_for_supplier(org_number)
    caller.check_stops(org_number, owners)
    return supplier


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
    agreements = AgreementRepository(session).agreements_of(supplier.org_number)
    event = call_off_event(action == "stop", supplier.org_number, agreements, at)
    OutboxRepository(session).insert_all([event.row()])  # in this transaction
    session.commit()


def _check_tips(
    session: Session, org_number: str, tip_ids: list[uuid.UUID], caller: Caller
) -> None:
    """422 for a tip that is not about the supplier or that the caller cannot read
    (worded alike, so another organisation's tip is not disclosed)."""
    where = replace(caller.restriction(), supplier=org_number)
    found = TipRepository(session).existing_ids(tip_ids, where)
    for position, tip_id in enumerate(tip_ids):
        if tip_id not in found:
            detail = f"there is no tip {tip_id} about supplier {org_number}"
            raise UnprocessableContent(
                f"#/tip_ids/{position}: {detail}",
                errors=[{"pointer": f"#/tip_ids/{position}", "detail": detail}],
            )
