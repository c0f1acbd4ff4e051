"""Tip use cases: file, read, list and move through the workflow; each commits itself.

Writers run in a session whose transaction already holds SQLite's write lock
(`samverkan_shared.db.writing_session`); on PostgreSQL filings take an advisory lock and
transitions lock the tip's row, so concurrent requests never interleave half-way.
"""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.auth import AccessToken
from samverkan_shared.canonical_json import canonicalize
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
    Forbidden,
    NotFound,
    Problem,
    UnprocessableContent,
)
from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.suppliers.repository import SupplierRepository
from samverkan_tips.tips.classification import description_category
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.repository import (
    Claim,
    IdempotencyRepository,
    TipFilter,
    TipRepository,
)
from samverkan_tips.tips.schemas import Page, Tip, TipCreate, TipTransition
from samverkan_tips.tips.sealing import OpenedTip, seal_tip
from samverkan_tips.tips.workflow import (
    IllegalTransition,
    InvalidBreachedTerms,
    TipStatus,
    breached_terms_for,
    transition,
)
from samverkan_tips.views import new_tip_view, tip_view

__all__ = [
    "Caller",
    "Filing",
    "decode_tip_cursor",
    "file_tip",
    "file_tips",
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
    # The municipality the client files for (its token's municipality_code).
    municipality_code: str | None = None

    @classmethod
    def from_token(cls, token: AccessToken) -> "Caller":
        return cls(
            token.client_id,
            token.org_number,
            "tips:manage" in token.scopes,
            token.municipality_code,
        )

    def check_reporter(self, body: TipCreate) -> None:
        """A client files tips only in its own municipality's name."""
        filed_for = body.reporter.municipality_code
        if self.municipality_code is None:
            raise Forbidden(
                "This client is registered without a municipality, so it cannot file"
                " tips: register it with --municipality (its kommunkod)."
            )
        if filed_for != self.municipality_code:
            raise Forbidden(
                f"This client files tips for municipality {self.municipality_code};"
                f" reporter.municipality_code {filed_for} is another municipality's."
            )

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


@dataclass(frozen=True)
class Filing:
    """A tip to file: the validated body, who files it, and its Idempotency-Key."""

    body: TipCreate
    caller: Caller
    idempotency_key: str | None = None

    @cached_property
    def digest(self) -> str:
        return fingerprint(self.body)

    @property
    def claim(self) -> tuple[str, str] | None:
        """The ``(client_id, key)`` this filing claims, if it has a key."""
        if self.idempotency_key is None:
            return None
        return self.caller.client_id, self.idempotency_key


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
    [outcome] = file_tips(
        session, [Filing(body, caller, idempotency_key)], keyring=keyring, now=now
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
) -> list[Tip | Problem]:
    """File ``filings`` in one transaction; each gets its tip or its own error.

    A filing's own error (an unknown agreement, a key reused with another body) is
    found before it writes anything, so the others still commit. Should the
    transaction fail (a concurrent claim of the same key by another process), each
    filing is tried again alone, where that claim turns into a replay.
    """
    now = now or _utc_now()
    try:
        outcomes = _file_all(session, filings, keyring, now)
        session.commit()
    except IntegrityError:
        session.rollback()
        if len(filings) > 1:
            return [
                file_tips(session, [filing], keyring=keyring, now=now)[0]
                for filing in filings
            ]
        [filing] = filings
        if filing.idempotency_key is None:
            raise
        # A concurrent retry claimed the key first; it has committed by now.
        try:
            with TipRepository(session).reading():
                record = _replay(session, filing, filing.idempotency_key)
        except Problem as error:
            return [error]
        outcomes = [_Filed(record.id, replayed=True, record=record)]
    with TipRepository(session).reading():
        return _views(session, keyring, outcomes)


@dataclass(frozen=True)
class _Filed:
    tip_id: uuid.UUID
    replayed: bool
    view: Tip | None = None  # of a tip filed in this batch, built at once
    record: TipRecord | None = None  # of a stored tip, viewed after the commit


def _file_all(
    session: Session, filings: Sequence[Filing], keyring: Keyring, now: datetime
) -> list[_Filed | Problem]:
    """One statement per table for the whole batch, not one per filing.

    New rows go in as plain dicts through Core: building an ORM object per tip and
    per key was a seventh of the filing writer's time.
    """
    tips = TipRepository(session)
    tips.lock_for_filing()
    latest = tips.latest_received_at()
    keys = IdempotencyRepository(session)
    claims = keys.claims(f.claim for f in filings if f.claim is not None)
    agreements = AgreementRepository(session).known(
        f.body.agreement_id for f in filings
    )
    claim_rows: list[dict[str, Any]] = []
    tip_rows: list[dict[str, Any]] = []
    suppliers: dict[str, str] = {}
    filed: dict[uuid.UUID, Tip] = {}
    outcomes: list[_Filed | Problem | Claim] = []
    for filing in filings:
        claim = claims.get(filing.claim) if filing.claim is not None else None
        if claim is not None:
            outcomes.append(_check_replay(filing, claim))
        elif filing.body.agreement_id not in agreements:
            outcomes.append(_unknown_agreement(filing.body.agreement_id))
        else:
            latest = _after(latest, now)
            row = _tip_row(filing.body, uuid.uuid4(), latest, filing.caller, keyring)
            tip_rows.append(row)
            suppliers[filing.body.supplier.org_number] = filing.body.supplier.name
            view = new_tip_view(
                filing.body,
                tip_id=row["id"],
                received_at=latest,
                filed_by=row["filed_by"],
                description_category=row["description_category"],
            )
            filed[view.id] = view
            outcomes.append(_Filed(view.id, replayed=False, view=view))
            if filing.claim is not None:
                # A second filing with this key in the same batch is its replay.
                claims[filing.claim] = Claim(filing.digest, view.id)
                claim_rows.append(_claim_row(filing, view.id, latest))
    # Claims first: a concurrent claim of a key (another process) stops the batch
    # at the primary key before the tips are written.
    keys.insert_all(claim_rows)
    SupplierRepository(session).ensure_all(suppliers)
    tips.insert_all(tip_rows)
    stored = tips.get_many(
        o.tip_id for o in outcomes if isinstance(o, Claim) and o.tip_id not in filed
    )
    return [_replayed(outcome, filed, stored) for outcome in outcomes]


def _check_replay(filing: Filing, claim: Claim) -> Claim | Problem:
    if claim.fingerprint != filing.digest:
        return _key_reused()
    return claim


def _replayed(
    outcome: "_Filed | Problem | Claim",
    filed: dict[uuid.UUID, Tip],
    stored: dict[uuid.UUID, TipRecord],
) -> _Filed | Problem:
    if not isinstance(outcome, Claim):
        return outcome
    view, record = filed.get(outcome.tip_id), stored.get(outcome.tip_id)
    if view is None and record is None:
        raise RuntimeError("an idempotency key is claimed but its tip is missing")
    return _Filed(outcome.tip_id, replayed=True, view=view, record=record)


def _claim_row(filing: Filing, tip_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    client_id, key = filing.claim or ("", "")
    return {
        "client_id": client_id,
        "key": key,
        "fingerprint": filing.digest,
        "tip_id": tip_id,
        "created_at": at,
    }


def _views(
    session: Session, keyring: Keyring, outcomes: list[_Filed | Problem]
) -> list[Tip | Problem]:
    """The answers, after the commit; only a stored tip can have a history yet."""
    stored = [o.tip_id for o in outcomes if isinstance(o, _Filed) and o.record]
    history = TipRepository(session).history_for(stored) if stored else {}
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
            views.append(tip_view(keyring, record, history.get(record.id, [])))
    return views


def _after(latest: datetime | None, now: datetime) -> datetime:
    """A strictly increasing received_at, even if the clock stalls or steps back."""
    if latest is not None and now <= latest:
        return latest + _TICK
    return now


def _replay(session: Session, filing: Filing, key: str) -> TipRecord:
    claim = IdempotencyRepository(session).get(filing.caller.client_id, key)
    record = TipRepository(session).get(claim.tip_id) if claim else None
    if claim is None or record is None:
        raise RuntimeError("an idempotency key conflicted but its tip is missing")
    if claim.fingerprint != filing.digest:
        raise _key_reused()
    return record


def _key_reused() -> UnprocessableContent:
    return UnprocessableContent(
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


def _unknown_agreement(agreement_id: str) -> UnprocessableContent:
    detail = "no framework agreement has this id (see GET /v1/agreements)"
    return UnprocessableContent(
        f"#/agreement_id: {detail}",
        errors=[{"pointer": "#/agreement_id", "detail": detail}],
    )


def _tip_row(
    body: TipCreate,
    tip_id: uuid.UUID,
    received_at: datetime,
    caller: Caller,
    keyring: Keyring,
) -> dict[str, Any]:
    """The ``tips`` row of a new tip, its sensitive fields sealed."""
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
    return {
        "id": tip_id,
        "supplier_org_number": body.supplier.org_number,
        "supplier_name": body.supplier.name,
        "agreement_id": body.agreement_id,
        "categories": [str(category) for category in body.categories],
        "occurred_on": body.occurred_on,
        "received_at": received_at,
        "status": str(TipStatus.RECEIVED),
        "holder_activity": str(activity),
        "description_category": str(
            description_category(activity, body.description_category)
        ),
        "reporter_municipality_code": body.reporter.municipality_code,
        "reporter_unit": body.reporter.unit,
        "filed_by": caller.client_id,
        "filed_by_org": caller.org_number,
        "description_sealed": sealed.description,
        "persons_sealed": sealed.persons,
        "contact_email_sealed": sealed.contact_email,
        "breached_terms": [],
    }


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
) -> Page[Tip]:
    """Tips oldest first (``asc``: a tip filed later always lands on a later page)
    or newest first (``desc``: one filed meanwhile appears only on a new first page)."""
    restriction = caller.restriction()
    where = TipFilter(
        supplier=where.supplier,
        status=where.status,
        agreement_id=where.agreement_id,
        filed_by_org=restriction.filed_by_org,
        filed_by=restriction.filed_by,
    )
    tips = TipRepository(session)
    records = tips.page(
        where,
        decode_tip_cursor(cursor, order),
        limit + 1,
        newest_first=order is Order.DESC,
    )
    page, more = records[:limit], len(records) > limit
    history = tips.history_for([record.id for record in page])
    return Page[Tip](
        items=[tip_view(keyring, r, history.get(r.id, [])) for r in page],
        next_cursor=tip_cursor(page[-1], order) if more else None,
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
