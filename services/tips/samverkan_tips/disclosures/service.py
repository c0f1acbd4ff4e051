"""Recording a disclosure sharing reports about a tip, once per tip and (disclosure,
audit index): sharing reports after every release and retries until it hears back, so
a report sent again is answered as the first was and changes nothing. A release about
several tips is reported to each, under the same disclosure and audit index."""

import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_shared.problems import NotFound
from samverkan_tips.disclosures.models import TipDisclosureRecord
from samverkan_tips.disclosures.repository import DisclosureRepository
from samverkan_tips.disclosures.schemas import DisclosureReport
from samverkan_tips.tips.repository import TipRepository

__all__ = ["record_disclosure"]

_log = structlog.get_logger("samverkan.tips")


def record_disclosure(
    session: Session,
    tip_id: uuid.UUID,
    report: DisclosureReport,
    *,
    now: datetime | None = None,
) -> None:
    """Store the report (404 for an unknown tip). A repeat keeps the first report:
    an audit entry never changes, so neither does what was disclosed under it."""
    if TipRepository(session).get(tip_id) is None:
        raise NotFound(f"There is no tip {tip_id}.")
    disclosures = DisclosureRepository(session)
    if disclosures.get(tip_id, report.disclosure_id, report.audit_index) is not None:
        return
    try:
        disclosures.add(_record(tip_id, report, now or datetime.now(UTC)))
        session.commit()
    except IntegrityError:
        # The same report, sent again while the first was being stored.
        session.rollback()
        if disclosures.get(tip_id, report.disclosure_id, report.audit_index) is None:
            raise
        return
    _log.info(
        "tip_disclosure_recorded", tip_id=str(tip_id), audit_index=report.audit_index
    )


def _record(
    tip_id: uuid.UUID, report: DisclosureReport, now: datetime
) -> TipDisclosureRecord:
    return TipDisclosureRecord(
        disclosure_id=report.disclosure_id,
        audit_index=report.audit_index,
        tip_id=tip_id,
        recipient_code=report.recipient.code,
        recipient_org_number=report.recipient.org_number,
        recipient_name=report.recipient.name,
        legal_basis=list(report.legal_basis),
        data_categories=list(report.data_categories),
        released_at=report.released_at,
        reported_at=now,
    )
