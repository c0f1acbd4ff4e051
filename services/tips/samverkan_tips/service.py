"""Tip use cases: file, read, list and move through the workflow; each commits itself.

Writers run in a session whose transaction already holds SQLite's write lock
(`samverkan_shared.db.write_session`); on PostgreSQL filings take an advisory lock and
transitions lock the tip's row, so concurrent requests never interleave half-way.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.auth import AccessToken
from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.crypto import Keyring
from samverkan_shared.db import reading_from_now_on
from samverkan_shared.problems import Conflict, NotFound, UnprocessableContent
from samverkan_tips.classification import description_category
from samverkan_tips.cursors import InvalidCursor, decode_cursor, encode_cursor
from samverkan_tips.models import IdempotencyKeyRecord, TipRecord, TipTransitionRecord
from samverkan_tips.repository import (
    AgreementRepository,
    IdempotencyRepository,
    SupplierRepository,
    TipFilter,
    TipRepository,
)
from samverkan_tips.schemas import Page, Tip, TipCreate, TipTransition
from samverkan_tips.sealing import OpenedTip, seal_tip
from samverkan_tips.views import tip_view
from samverkan_tips.workflow import (
    IllegalTransition,
    InvalidBreachedTerms,
    TipStatus,
    breached_terms_for,
    transition,
)

__all__ = [
    "Caller",
    "decode_tip_cursor",
    "file_tip",
    "fingerprint",
    "get_tip",
    "list_tips",
    "tip_cursor",
    "transition_tip",
]

_log = structlog.get_logger("samverkan.tips")
_TICK = timedelta(microseconds=1)
_TIP_CURSOR = "tips"


@dataclass(frozen=True)
class Caller:
    """Who acts, from the access token (never from the body)."""

    client_id: str
    org_number: str | None = None
    # The tip function (tips:manage) reads every tip; others read their organisation's.
    reads_all: bool = False

    @classmethod
    def from_token(cls, token: AccessToken) -> "Caller":
        return cls(token.client_id, token.org_number, "tips:manage" in token.scopes)

    def restriction(self) -> TipFilter:
        if self.reads_all:
            return TipFilter()
        if self.org_number:
            return TipFilter(filed_by_org=self.org_number)
        return TipFilter(filed_by=self.client_id)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def fingerprint(body: TipCreate) -> str:
    """SHA-256 of the canonical JSON (RFC 8785) of the validated body."""
    return hashlib.sha256(canonicalize(body.model_dump(mode="json"))).hexdigest()


def file_tip(
    session: Session,
    body: TipCreate,
    *,
    caller: Caller,
    keyring: Keyring,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Tip:
    """Store a new tip, or return the one this key filed before (same body only)."""
    digest = fingerprint(body)
    try:
        record, replayed = _file(
            session, body, caller, keyring, idempotency_key, digest, now or _utc_now()
        )
        session.commit()
    except IntegrityError:
        # A concurrent retry claimed the key first; it has committed by now.
        session.rollback()
        if idempotency_key is None:
            raise
        reading_from_now_on(session)
        record, replayed = _replay(session, caller, idempotency_key, digest), True
    else:
        reading_from_now_on(session)
    _log.info("tip_replayed" if replayed else "tip_filed", tip_id=str(record.id))
    return _view(session, keyring, record)


def _file(
    session: Session,
    body: TipCreate,
    caller: Caller,
    keyring: Keyring,
    key: str | None,
    digest: str,
    now: datetime,
) -> tuple[TipRecord, bool]:
    tips = TipRepository(session)
    tips.lock_for_filing()
    if key is not None and IdempotencyRepository(session).get(caller.client_id, key):
        return _replay(session, caller, key, digest), True
    if AgreementRepository(session).get(body.agreement_id) is None:
        raise _unknown_agreement(body.agreement_id)
    tip_id = uuid.uuid4()
    received_at = _after(tips.latest_received_at(), now)
    if key is not None:
        IdempotencyRepository(session).add(
            IdempotencyKeyRecord(
                client_id=caller.client_id,
                key=key,
                fingerprint=digest,
                tip_id=tip_id,
                created_at=now,
            )
        )
    SupplierRepository(session).ensure(body.supplier.org_number, body.supplier.name)
    record = _record(body, tip_id, received_at, caller, keyring)
    tips.add(record)
    return record, False


def _after(latest: datetime | None, now: datetime) -> datetime:
    """A strictly increasing received_at, even if the clock stalls or steps back."""
    if latest is not None and now <= latest:
        return latest + _TICK
    return now


def _replay(session: Session, caller: Caller, key: str, digest: str) -> TipRecord:
    claim = IdempotencyRepository(session).get(caller.client_id, key)
    record = TipRepository(session).get(claim.tip_id) if claim else None
    if claim is None or record is None:
        raise RuntimeError("an idempotency key conflicted but its tip is missing")
    if claim.fingerprint != digest:
        raise UnprocessableContent(
            "This Idempotency-Key was used before with another body; use a new key "
            "for a new tip, or resend the original body.",
            errors=[
                {
                    "parameter": "Idempotency-Key",
                    "in": "header",
                    "detail": "was used with another request body",
                }
            ],
        )
    return record


def _unknown_agreement(agreement_id: str) -> UnprocessableContent:
    detail = "no framework agreement has this id (see GET /v1/agreements)"
    return UnprocessableContent(
        f"#/agreement_id: {detail}",
        errors=[{"pointer": "#/agreement_id", "detail": detail}],
    )


def _record(
    body: TipCreate,
    tip_id: uuid.UUID,
    received_at: datetime,
    caller: Caller,
    keyring: Keyring,
) -> TipRecord:
    activity = body.reporter.activity
    sealed = seal_tip(
        keyring,
        tip_id,
        OpenedTip(
            description=body.description,
            persons=[person.model_dump(mode="json") for person in body.persons],
            contact_email=body.reporter.contact_email,
        ),
    )
    return TipRecord(
        id=tip_id,
        supplier_org_number=body.supplier.org_number,
        supplier_name=body.supplier.name,
        agreement_id=body.agreement_id,
        categories=[str(category) for category in body.categories],
        occurred_on=body.occurred_on,
        received_at=received_at,
        status=TipStatus.RECEIVED,
        holder_activity=activity,
        description_category=description_category(activity, body.description_category),
        reporter_municipality_code=body.reporter.municipality_code,
        reporter_unit=body.reporter.unit,
        filed_by=caller.client_id,
        filed_by_org=caller.org_number,
        description_sealed=sealed.description,
        persons_sealed=sealed.persons,
        contact_email_sealed=sealed.contact_email,
        breached_terms=[],
    )


def _view(session: Session, keyring: Keyring, record: TipRecord) -> Tip:
    history = TipRepository(session).history_for([record.id])
    return tip_view(keyring, record, history.get(record.id, []))


def _visible(session: Session, tip_id: uuid.UUID, caller: Caller) -> TipRecord:
    record = TipRepository(session).get(tip_id)
    if record is None or not _may_read(caller, record):
        # 404 also for another organisation's tip: its existence is not disclosed.
        raise NotFound(f"There is no tip {tip_id}.")
    return record


def _may_read(caller: Caller, record: TipRecord) -> bool:
    where = caller.restriction()
    if where.filed_by_org is not None:
        return record.filed_by_org == where.filed_by_org
    return where.filed_by is None or record.filed_by == where.filed_by


def get_tip(
    session: Session, tip_id: uuid.UUID, *, caller: Caller, keyring: Keyring
) -> Tip:
    return _view(session, keyring, _visible(session, tip_id, caller))


def decode_tip_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (received_at, id) a tips cursor continues after; 422 if it is not ours."""
    if cursor is None:
        return None
    try:
        at, tip_id = decode_cursor(_TIP_CURSOR, cursor, 2)
        return datetime.fromisoformat(at), uuid.UUID(tip_id)
    except (InvalidCursor, ValueError) as error:
        raise UnprocessableContent(
            "The cursor is invalid: pass back next_cursor unchanged.",
            errors=[{"parameter": "cursor", "in": "query", "detail": str(error)}],
        ) from None


def tip_cursor(record: TipRecord) -> str:
    return encode_cursor(_TIP_CURSOR, [record.received_at.isoformat(), str(record.id)])


def list_tips(
    session: Session,
    where: TipFilter,
    *,
    caller: Caller,
    keyring: Keyring,
    cursor: str | None,
    limit: int,
) -> Page[Tip]:
    """Tips oldest first; a tip filed later always lands on a later page."""
    restriction = caller.restriction()
    where = TipFilter(
        supplier=where.supplier,
        status=where.status,
        agreement_id=where.agreement_id,
        filed_by_org=restriction.filed_by_org,
        filed_by=restriction.filed_by,
    )
    tips = TipRepository(session)
    records = tips.page(where, decode_tip_cursor(cursor), limit + 1)
    page, more = records[:limit], len(records) > limit
    history = tips.history_for([record.id for record in page])
    return Page[Tip](
        items=[tip_view(keyring, r, history.get(r.id, [])) for r in page],
        next_cursor=tip_cursor(page[-1]) if more else None,
    )


def transition_tip(
    session: Session,
    tip_id: uuid.UUID,
    body: TipTransition,
    *,
    actor: str,
    keyring: Keyring,
    now: datetime | None = None,
) -> Tip:
    """Move a tip one step, recording who moved it and why."""
    tips = TipRepository(session)
    record = tips.get(tip_id, for_update=True)
    if record is None:
        raise NotFound(f"There is no tip {tip_id}.")
    current = TipStatus(record.status)
    try:
        new_status = transition(current, body.to)
        breached = _breached_terms(session, record, body)
    except IllegalTransition as error:
        raise _conflict(error) from None
    tips.add_transition(
        TipTransitionRecord(
            tip_id=record.id,
            from_status=current,
            to_status=new_status,
            reason=body.reason,
            actor=actor,
            at=now or _utc_now(),
        )
    )
    record.status = new_status
    if breached is not None:
        record.breached_terms = list(breached)
    tips.add(record)
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
