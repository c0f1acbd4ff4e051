"""Tip use cases: file, read, list and move through the workflow; each commits itself.

Writers run in a session whose transaction already holds SQLite's write lock
(`samverkan_shared.db.writing_session`); on PostgreSQL filings take an advisory lock and
transitions lock the tip's row, so concurrent requests never interleave half-way.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.cursors import (
    InvalidCursor,
    Order,
    cursor_kind,
    decode_cursor,
    decode_timestamp,
    encode_cursor,
    invalid_cursor,
)
from samverkan_shared.problems import (
    Conflict,
    NotFound,
    Problem,
    UnprocessableContent,
)
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.deadlines.policy import DEFAULT_POLICY, DeadlinePolicy
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.filing import Filed, Filing, replay, write_batch
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.presenter import WirePage, tip_view, tip_wire
from samverkan_tips.tips.repository import TipFilter, TipRepository
from samverkan_tips.tips.schemas import (
    Tip,
    TipCreate,
    TipTransition,
    today_in_sweden,
)
from samverkan_tips.tips.workflow import (
    IllegalTransition,
    InvalidBreachedTerms,
    TipStatus,
    breached_terms_for,
    has_moved,
    transition,
)
from samverkan_tips.webhooks.events import tip_status_changed
from samverkan_tips.webhooks.repository import OutboxRepository

__all__ = [
    "decode_tip_cursor",
    "file_tip",
    "file_tips",
    "get_tip",
    "list_tips",
    "tip_cursor",
    "transition_tip",
    "visible_tip",
]

_log = structlog.get_logger("samverkan.tips")
_TIP_CURSOR = "tips"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def file_tip(
    session: Session,
    body: TipCreate,
    *,
    caller: Caller,
    keyring: Keyring,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    deadlines: DeadlinePolicy = DEFAULT_POLICY,
) -> Tip:
    """Store a new tip, or return the one this key filed before (same body only);
    ``deadlines``: the policy of owners without their own."""
    [outcome] = file_tips(
        session,
        [Filing(body, caller, idempotency_key)],
        keyring=keyring,
        now=now,
        deadlines=deadlines,
    )
    if isinstance(outcome, Problem):
        raise outcome
    return outcome


def file_tips(
    session: Session,
    filings: Sequence[Filing],
    *,
    keyring: Keyring,
    now: datetime | None = None,
    deadlines: DeadlinePolicy = DEFAULT_POLICY,
) -> list[Tip | Problem]:
    """File ``filings`` in one transaction; each gets its tip or its own error.

    A filing's own error (an unknown agreement, a key reused with another body) is
    found before it writes anything, so the others still commit. Should the
    transaction fail (a concurrent claim of the same key by another process), each
    filing is tried again alone, where that claim turns into a replay.
    """
    now = now or _utc_now()
    try:
        outcomes = write_batch(session, filings, keyring, now, deadlines)
        session.commit()
    except IntegrityError:
        session.rollback()
        if len(filings) > 1:
            return [
                file_tips(
                    session, [filing], keyring=keyring, now=now, deadlines=deadlines
                )[0]
                for filing in filings
            ]
        [filing] = filings
        if filing.idempotency_key is None:
            raise
        # A concurrent retry claimed the key first; it has committed by now.
        try:
            with TipRepository(session).reading():
                outcomes = [replay(session, filing, filing.idempotency_key)]
        except Problem as error:
            return [error]
    with TipRepository(session).reading():
        return _views(session, keyring, outcomes)


def _views(
    session: Session, keyring: Keyring, outcomes: list[Filed | Problem]
) -> list[Tip | Problem]:
    """The answers, after the commit; only a stored tip can have a history yet."""
    stored = [o.record for o in outcomes if isinstance(o, Filed) and o.record]
    history = _histories(session, stored)
    views: list[Tip | Problem] = []
    for outcome in outcomes:
        if isinstance(outcome, Problem):
            views.append(outcome)
            continue
        _log.info(
            "tip_replayed" if outcome.replayed else "tip_filed",
            tip_id=str(outcome.tip_id),
        )
        if outcome.view is not None:
            views.append(outcome.view)
        elif outcome.record is not None:
            record = outcome.record
            today = today_in_sweden()
            views.append(tip_view(keyring, record, history.get(record.id, []), today))
    return views


def _view(session: Session, keyring: Keyring, record: TipRecord) -> Tip:
    history = _histories(session, [record])
    return tip_view(keyring, record, history.get(record.id, []), today_in_sweden())


def _histories(
    session: Session, records: Iterable[TipRecord]
) -> Mapping[uuid.UUID, list[TipTransitionRecord]]:
    """The history of each tip that has moved, in one query (none if none has)."""
    moved = [r.id for r in records if has_moved(TipStatus(r.status))]
    return TipRepository(session).history_for(moved)


def visible_tip(
    session: Session, tip_id: uuid.UUID, caller: Caller, *, for_update: bool = False
) -> tuple[TipRecord, str | None]:
    """The tip if the caller may read it, with its agreement's owner; else 404."""
    record = TipRepository(session).get(tip_id, for_update=for_update)
    owner = None
    if record is not None:
        owner = AgreementRepository(session).owner_of(record.agreement_id)
    if record is None or not caller.may_read(record, owner):
        # 404 also for another organisation's tip: its existence is not disclosed.
        raise NotFound(f"There is no tip {tip_id}.")
    return record, owner


def get_tip(
    session: Session, tip_id: uuid.UUID, *, caller: Caller, keyring: Keyring
) -> Tip:
    record, _ = visible_tip(session, tip_id, caller)
    return _view(session, keyring, record)


def decode_tip_cursor(
    cursor: str | None, order: Order = Order.ASC
) -> tuple[datetime, uuid.UUID] | None:
    """The (received_at, id) a tips cursor continues after; 422 if it is not ours
    (or was handed out for the other order)."""
    if cursor is None:
        return None
    try:
        at, tip_id = decode_cursor(cursor_kind(_TIP_CURSOR, order), cursor, 2)
        return decode_timestamp(at), uuid.UUID(tip_id)
    except (InvalidCursor, ValueError) as error:
        raise invalid_cursor(error) from None


def tip_cursor(record: TipRecord, order: Order = Order.ASC) -> str:
    return encode_cursor(
        cursor_kind(_TIP_CURSOR, order),
        [record.received_at.isoformat(), str(record.id)],
    )


def list_tips(
    session: Session,
    where: TipFilter,
    *,
    caller: Caller,
    keyring: Keyring,
    cursor: str | None,
    limit: int,
    order: Order = Order.ASC,
) -> WirePage:
    """Tips oldest first (``asc``: a tip filed later always lands on a later page)
    or newest first (``desc``: one filed meanwhile appears only on a new first page)."""
    today = today_in_sweden()
    where = replace(
        caller.restriction(),
        supplier=where.supplier,
        status=where.status,
        agreement_id=where.agreement_id,
        overdue=where.overdue,
        today=today,
    )
    tips = TipRepository(session)
    records = tips.page(
        where,
        decode_tip_cursor(cursor, order),
        limit + 1,
        newest_first=order is Order.DESC,
    )
    page, more = records[:limit], len(records) > limit
    history = _histories(session, page)
    return WirePage(
        items=[tip_wire(keyring, r, history.get(r.id, []), today) for r in page],
        next_cursor=tip_cursor(page[-1], order) if more else None,
    )


def transition_tip(
    session: Session,
    tip_id: uuid.UUID,
    body: TipTransition,
    *,
    caller: Caller,
    keyring: Keyring,
    now: datetime | None = None,
) -> Tip:
    """Move a tip one step, recording who moved it and why; only the agreement
    owner's managers may (404 for a tip the caller cannot read, else 403)."""
    tips = TipRepository(session)
    record, owner = visible_tip(session, tip_id, caller, for_update=True)
    caller.check_manages(owner)
    current = TipStatus(record.status)
    try:
        new_status = transition(current, body.to)
        breached = _breached_terms(session, record, body)
    except IllegalTransition as error:
        raise _conflict(error) from None
    at = now or _utc_now()
    tips.add_transition(
        TipTransitionRecord(
            tip_id=record.id,
            from_status=current,
            to_status=new_status,
            reason=body.reason,
            actor=caller.client_id,
            actor_person_id=caller.person_id,
            actor_person_name=caller.person_name,
            at=at,
        )
    )
    record.status = new_status
    if breached is not None:
        record.breached_terms = list(breached)
    tips.add(record)
    event = tip_status_changed(
        record.id,
        record.supplier_org_number,
        record.agreement_id,
        current,
        new_status,
        at,
    )
    OutboxRepository(session).insert_all([event.row()])  # in this transaction
    session.commit()
    _log.info("tip_transitioned", tip_id=str(tip_id), to=str(new_status))
    return _view(session, keyring, record)


def _breached_terms(
    session: Session, record: TipRecord, body: TipTransition
) -> tuple[int, ...] | None:
    agreement = AgreementRepository(session).get(record.agreement_id)
    known = [int(term["number"]) for term in agreement.terms] if agreement else []
    try:
        return breached_terms_for(body.to, body.breached_terms, known)
    except InvalidBreachedTerms as error:
        raise UnprocessableContent(
            f"#/breached_terms: {error}",
            errors=[{"pointer": "#/breached_terms", "detail": str(error)}],
        ) from None


def _conflict(error: IllegalTransition) -> Conflict:
    return Conflict(
        f"The tip is {error.current}; it cannot move to {error.requested}. "
        f"Allowed: {', '.join(error.allowed) or 'none (the tip is closed)'}.",
        current=str(error.current),
        requested=str(error.requested),
        allowed=[str(status) for status in error.allowed],
    )
