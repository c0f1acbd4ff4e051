"""Supplier use cases: the supplier's record of tips, and call-off stops and lifts.

A call-off stop ("avropsstopp") hides a supplier in an agreement's selection list
until it is lifted. An agreement's owner stops and lifts call-offs on its own
agreements only; every stop and lift is kept in the supplier's history.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum

import structlog
from sqlmodel import Session

from samverkan_shared.problems import Conflict, NotFound, UnprocessableContent
from samverkan_tips.agreements.models import AgreementSupplierRecord
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.suppliers.presenter import (
    call_off_history,
    call_off_states,
    overall_state,
)
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


class Action(StrEnum):
    STOP = "stop"
    LIFT = "lift"


def known_supplier(
    session: Session, org_number: str, *, for_update: bool = False
) -> SupplierRecord:
    """The supplier, or 404."""
    record = SupplierRepository(session).get(org_number, for_update=for_update)
    if record is None:
        raise NotFound(f"There is no supplier {org_number}.")
    return record


def supplier_view(session: Session, org_number: str) -> Supplier:
    """The supplier's tips in numbers, its call-off stops and their history."""
    supplier = known_supplier(session, org_number)
    rows = TipRepository(session).categories_and_statuses(org_number)
    categories = Counter(category for row in rows for category in row[0])
    statuses = Counter(row[1] for row in rows)
    links = [link for link, _ in AgreementRepository(session).links_of(org_number)]
    return Supplier(
        org_number=supplier.org_number,
        name=supplier.name,
        agreements=[link.agreement_id for link in links],
        tips_total=len(rows),
        tips_by_category=dict(sorted(categories.items())),
        tips_by_status=dict(sorted(statuses.items())),
        call_off_stop=overall_state(links),
        call_off_stops=call_off_states(links),
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
    """Stop call-offs from a supplier on the caller's agreements, on the strength of
    its tips (409 if one named is stopped already)."""
    links = _targets(session, org_number, body.agreement_ids, caller, Action.STOP)
    _check_tips(session, org_number, body.tip_ids, caller)
    at = now or datetime.now(UTC)
    for link in links:
        link.stopped_at, link.stop_reason = at, body.reason
    _record(session, org_number, links, Action.STOP, body, caller.client_id, at)
    _log.info("call_off_stopped", supplier=org_number, agreements=len(links))
    return supplier_view(session, org_number)


def lift_call_offs(
    session: Session,
    org_number: str,
    body: CallOffLift,
    *,
    caller: Caller,
    now: datetime | None = None,
) -> Supplier:
    """Lift the caller's call-off stops of a supplier (409 if one named is not
    stopped)."""
    links = _targets(session, org_number, body.agreement_ids, caller, Action.LIFT)
    _check_tips(session, org_number, body.tip_ids, caller)
    for link in links:
        link.stopped_at, link.stop_reason = None, None
    at = now or datetime.now(UTC)
    _record(session, org_number, links, Action.LIFT, body, caller.client_id, at)
    _log.info("call_off_lifted", supplier=org_number, agreements=len(links))
    return supplier_view(session, org_number)


def _targets(
    session: Session,
    org_number: str,
    named: list[str] | None,
    caller: Caller,
    action: Action,
) -> list[AgreementSupplierRecord]:
    """The selection list rows to stop or lift, the supplier locked first so its
    stops and lifts are serial: the named agreements (each the caller's, each in the
    state the action needs), or else every agreement of the caller's the action
    changes. 404 for no such supplier, which every tips:read caller may learn."""
    known_supplier(session, org_number, for_update=True)
    links = AgreementRepository(session).links_of(org_number)
    caller.check_stops(org_number, (owner for _, owner in links))
    stopped = action is Action.STOP
    if named is None:
        targets = [
            link
            for link, owner in links
            if caller.owns(owner) and (link.stopped_at is not None) != stopped
        ]
        if not targets:
            state = "stopped" if stopped else "not stopped"
            raise Conflict(
                f"Call-offs from {org_number} are {state} on every agreement of"
                " yours it is on already."
            )
        return targets
    by_id = {link.agreement_id: (link, owner) for link, owner in links}
    targets = []
    for position, agreement_id in enumerate(dict.fromkeys(named)):
        if agreement_id not in by_id:
            detail = f"supplier {org_number} is not on agreement {agreement_id}"
            raise UnprocessableContent(
                f"#/agreement_ids/{position}: {detail}",
                errors=[{"pointer": f"#/agreement_ids/{position}", "detail": detail}],
            )
        link, owner = by_id[agreement_id]
        caller.check_agreement_stops(agreement_id, owner)
        if stopped and link.stopped_at is not None:
            raise Conflict(
                f"Call-offs from {org_number} on {agreement_id} are already stopped"
                f" (since {link.stopped_at.isoformat()}); lift the stop first."
            )
        if not stopped and link.stopped_at is None:
            raise Conflict(
                f"Call-offs from {org_number} on {agreement_id} are not stopped."
            )
        targets.append(link)
    return targets


def _record(
    session: Session,
    org_number: str,
    links: Sequence[AgreementSupplierRecord],
    action: Action,
    body: CallOffStopCreate | CallOffLift,
    actor: str,
    at: datetime,
) -> None:
    agreements = AgreementRepository(session)
    for link in links:
        agreements.save_link(link)
    agreement_ids = sorted(link.agreement_id for link in links)
    CallOffStopRepository(session).add(
        CallOffStopRecord(
            supplier_org_number=org_number,
            action=str(action),
            agreement_ids=agreement_ids,
            reason=body.reason,
            tip_ids=[str(tip_id) for tip_id in body.tip_ids],
            actor=actor,
            at=at,
        )
    )
    event = call_off_event(action is Action.STOP, org_number, agreement_ids, at)
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
