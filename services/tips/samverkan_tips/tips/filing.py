"""Filing tips in batches: one transaction and one statement per table for many filings.

Each filing gets its own tip or its own error. A filing's own error (an unknown
agreement, an Idempotency-Key reused with another body) is found before anything is
written, so the others still commit; a key claimed twice in one batch makes the second
filing the first one's replay. `received_at` grows strictly, in commit order.
"""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlmodel import Session

from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import Problem, UnprocessableContent
from samverkan_tips.deadlines.policy import DeadlinePolicy, due_dates
from samverkan_tips.deadlines.repository import DeadlinePolicyRepository
from samverkan_tips.suppliers.repository import SupplierRepository
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.classification import description_category
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.presenter import new_tip_view
from samverkan_tips.tips.repository import Claim, IdempotencyRepository, TipRepository
from samverkan_tips.tips.schemas import Tip, TipCreate, today_in_sweden
from samverkan_tips.tips.sealing import OpenedTip, seal_tip
from samverkan_tips.tips.workflow import TipStatus
from samverkan_tips.webhooks.events import tip_filed
from samverkan_tips.webhooks.repository import OutboxRepository

__all__ = ["Filed", "Filing", "fingerprint", "replay", "write_batch"]

_TICK = timedelta(microseconds=1)


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


@dataclass(frozen=True)
class Filed:
    """A filing's tip: filed in this batch, or a replay of a stored one."""

    tip_id: uuid.UUID
    replayed: bool
    view: Tip | None = None  # of a tip filed in this batch, built at once
    record: TipRecord | None = None  # of a stored tip, viewed after the commit


def write_batch(
    session: Session,
    filings: Sequence[Filing],
    keyring: Keyring,
    now: datetime,
    default_policy: DeadlinePolicy,
) -> list[Filed | Problem]:
    """One statement per table for the whole batch, not one per filing.

    New rows go in as plain dicts through Core: building an ORM object per tip and
    per key was a seventh of the filing writer's time. Each tip's due dates follow
    its agreement owner's policy, ``default_policy`` where the owner has none.
    """
    tips, keys = TipRepository(session), IdempotencyRepository(session)
    tips.lock_for_filing()
    batch = _Batch(
        keyring=keyring,
        now=now,
        latest=tips.latest_received_at(),
        claims=keys.claims(f.claim for f in filings if f.claim is not None),
        policies=DeadlinePolicyRepository(session).for_agreements(
            f.body.agreement_id for f in filings
        ),
        default_policy=default_policy,
        today=today_in_sweden(),
    )
    outcomes = [batch.add(filing) for filing in filings]
    # Claims first: a concurrent claim of a key (another process) stops the batch
    # at the primary key before the tips are written.
    keys.insert_all(batch.claim_rows)
    SupplierRepository(session).ensure_all(batch.suppliers)
    tips.insert_all(batch.tip_rows)
    # The outbox: one tip.filed event per new tip, in this transaction; the deliverer
    # finds the recipients later, so filing pays one executemany and no look-ups.
    OutboxRepository(session).insert_all([_filed_event(row) for row in batch.tip_rows])
    stored = tips.get_many(
        o.tip_id
        for o in outcomes
        if isinstance(o, Claim) and o.tip_id not in batch.filed
    )
    return [_replayed(outcome, batch.filed, stored) for outcome in outcomes]


@dataclass
class _Batch:
    """What a batch writes, gathered filing by filing before any statement runs."""

    keyring: Keyring
    now: datetime
    latest: datetime | None
    claims: dict[tuple[str, str], Claim]
    policies: dict[str, DeadlinePolicy | None]  # by agreement; absent: unknown
    default_policy: DeadlinePolicy
    today: date
    claim_rows: list[dict[str, Any]] = field(default_factory=list)
    tip_rows: list[dict[str, Any]] = field(default_factory=list)
    suppliers: dict[str, str] = field(default_factory=dict)
    filed: dict[uuid.UUID, Tip] = field(default_factory=dict)

    def add(self, filing: Filing) -> "Filed | Problem | Claim":
        """The filing's outcome: a new tip, a replay (a stored claim) or its error."""
        claim = self.claims.get(filing.claim) if filing.claim is not None else None
        if claim is not None:
            return _check_replay(filing, claim)
        if filing.body.agreement_id not in self.policies:
            return _unknown_agreement(filing.body.agreement_id)
        return self._new_tip(filing)

    def _new_tip(self, filing: Filing) -> Filed:
        self.latest = received_at = _after(self.latest, self.now)
        policy = self.policies[filing.body.agreement_id] or self.default_policy
        due = due_dates(received_at, policy)
        row = _tip_row(
            filing.body, uuid.uuid4(), received_at, filing.caller, self.keyring
        )
        row.update(acknowledge_by=due.acknowledge_by, decide_by=due.decide_by)
        self.tip_rows.append(row)
        self.suppliers[filing.body.supplier.org_number] = filing.body.supplier.name
        view = new_tip_view(
            filing.body,
            tip_id=row["id"],
            received_at=received_at,
            filed_by=row["filed_by"],
            description_category=row["description_category"],
            due=due,
            today=self.today,
        )
        self.filed[view.id] = view
        if filing.claim is not None:
            # A second filing with this key in the same batch is its replay.
            self.claims[filing.claim] = Claim(filing.digest, view.id)
            self.claim_rows.append(_claim_row(filing, view.id, received_at))
        return Filed(view.id, replayed=False, view=view)


def replay(session: Session, filing: Filing, key: str) -> Filed:
    """The stored tip this filing's key filed before (a replay), or 422 if the key
    was used with another body."""
    claim = IdempotencyRepository(session).get(filing.caller.client_id, key)
    record = TipRepository(session).get(claim.tip_id) if claim else None
    if claim is None or record is None:
        raise RuntimeError("an idempotency key conflicted but its tip is missing")
    if claim.fingerprint != filing.digest:
        raise _key_reused()
    return Filed(record.id, replayed=True, record=record)


def _check_replay(filing: Filing, claim: Claim) -> Claim | Problem:
    if claim.fingerprint != filing.digest:
        return _key_reused()
    return claim


def _replayed(
    outcome: "Filed | Problem | Claim",
    filed: dict[uuid.UUID, Tip],
    stored: dict[uuid.UUID, TipRecord],
) -> Filed | Problem:
    if not isinstance(outcome, Claim):
        return outcome
    view, record = filed.get(outcome.tip_id), stored.get(outcome.tip_id)
    if view is None and record is None:
        raise RuntimeError("an idempotency key is claimed but its tip is missing")
    return Filed(outcome.tip_id, replayed=True, view=view, record=record)


def _claim_row(filing: Filing, tip_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    client_id, key = filing.claim or ("", "")
    return {
        "client_id": client_id,
        "key": key,
        "fingerprint": filing.digest,
        "tip_id": tip_id,
        "created_at": at,
    }


def _after(latest: datetime | None, now: datetime) -> datetime:
    """A strictly increasing received_at, even if the clock stalls or steps back."""
    if latest is not None and now <= latest:
        return latest + _TICK
    return now


def _filed_event(row: dict[str, Any]) -> dict[str, Any]:
    return tip_filed(
        row["id"], row["supplier_org_number"], row["agreement_id"], row["received_at"]
    ).row()


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
