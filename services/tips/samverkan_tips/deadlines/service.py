"""Deadline policy use cases: an organisation reads and sets its own policy, which
gives the due dates of the tips filed on its agreements from then on."""

from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.problems import Forbidden
from samverkan_tips.deadlines.models import DeadlinePolicyRecord
from samverkan_tips.deadlines.policy import DeadlinePolicy
from samverkan_tips.deadlines.repository import DeadlinePolicyRepository
from samverkan_tips.deadlines.schemas import DeadlinePolicyUpdate, DeadlinePolicyView
from samverkan_tips.tips.access import Caller

__all__ = ["read_policy", "set_policy"]

_log = structlog.get_logger("samverkan.tips")


def read_policy(
    session: Session, *, caller: Caller, default: DeadlinePolicy
) -> DeadlinePolicyView:
    org_number = _organisation(caller)
    record = DeadlinePolicyRepository(session).get(org_number)
    if record is None:
        return DeadlinePolicyView(
            org_number=org_number,
            acknowledge_working_days=default.acknowledge_working_days,
            decide_working_days=default.decide_working_days,
            source="default",
            updated_by=None,
            updated_at=None,
        )
    return _view(record)


def set_policy(
    session: Session,
    body: DeadlinePolicyUpdate,
    *,
    caller: Caller,
    now: datetime | None = None,
) -> DeadlinePolicyView:
    """Replace the organisation's policy (PUT: the same body twice is one change)."""
    record = DeadlinePolicyRecord(
        org_number=_organisation(caller),
        acknowledge_working_days=body.acknowledge_working_days,
        decide_working_days=body.decide_working_days,
        updated_by=caller.client_id,
        updated_at=now or datetime.now(UTC),
    )
    try:
        DeadlinePolicyRepository(session).save(record)
        session.commit()
    except IntegrityError:
        # Another PUT inserted the organisation's first policy meanwhile: this one
        # replaces it, as it would have a moment later.
        session.rollback()
        DeadlinePolicyRepository(session).save(record)
        session.commit()
    _log.info("deadline_policy_set", org_number=record.org_number)
    return _view(record)


def _organisation(caller: Caller) -> str:
    if caller.org_number is None:
        raise Forbidden(
            "This client is registered without an organisation number, so it has no"
            " deadline policy: register it with --org-number."
        )
    return caller.org_number


def _view(record: DeadlinePolicyRecord) -> DeadlinePolicyView:
    return DeadlinePolicyView(
        org_number=record.org_number,
        acknowledge_working_days=record.acknowledge_working_days,
        decide_working_days=record.decide_working_days,
        source="organisation",
        updated_by=record.updated_by,
        updated_at=record.updated_at,
    )
