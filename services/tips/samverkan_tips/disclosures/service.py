"""Recording the disclosures sharing reports about tips, once per tip and (disclosure,
audit index): sharing reports after every release and retries until it hears back, so
a report sent again is answered as the first was and changes nothing. A release about
several tips is reported to each, under the same disclosure and audit index. Sharing
sends what it has in one request; they are stored in one transaction."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from samverkan_tips.disclosures.models import TipDisclosureRecord
from samverkan_tips.disclosures.repository import DisclosureKey, DisclosureRepository
from samverkan_tips.disclosures.schemas import (
    DisclosureReport,
    ReportOutcome,
    ReportResult,
    ReportResults,
)
from samverkan_tips.tips.repository import TipFilter, TipRepository

__all__ = ["record_disclosures"]

_log = structlog.get_logger("samverkan.tips")


def record_disclosures(
    session: Session,
    reports: Sequence[DisclosureReport],
    *,
    now: datetime | None = None,
) -> ReportResults:
    """Store the reports about known tips that are not stored yet; a report about an
    unknown tip stores nothing and says so. A repeat keeps the first report: an audit
    entry never changes, so neither does what was disclosed under it."""
    known = TipRepository(session).existing_ids(
        {report.tip_id for report in reports}, TipFilter()
    )
    at = now or datetime.now(UTC)
    try:
        added = _store(session, reports, known, at)
    except IntegrityError:
        # Some of them sent again while the first were being stored: what is left
        # now is new (a second conflict would be a fault, and is raised).
        session.rollback()
        added = _store(session, reports, known, at)
    if added:
        _log.info("tip_disclosures_recorded", reports=added)
    return ReportResults(
        results=[
            ReportResult(
                tip_id=report.tip_id,
                disclosure_id=report.disclosure_id,
                audit_index=report.audit_index,
                outcome=ReportOutcome.RECORDED
                if report.tip_id in known
                else ReportOutcome.UNKNOWN_TIP,
            )
            for report in reports
        ]
    )


def _store(
    session: Session,
    reports: Sequence[DisclosureReport],
    known: set[uuid.UUID],
    now: datetime,
) -> int:
    """Add the new ones (the first of each key) and commit; how many."""
    disclosures = DisclosureRepository(session)
    firsts = {_key(report): report for report in reversed(reports)}  # first wins
    # Inserted in one order by every request: two overlapping batches, each in its
    # own order, would wait on each other's rows (a deadlock on PostgreSQL).
    keys = dict(sorted(firsts.items(), key=lambda item: item[0]))
    stored = disclosures.existing_keys(list(keys))
    new = [
        _record(report, now)
        for key, report in keys.items()
        if report.tip_id in known and key not in stored
    ]
    disclosures.add_all(new)
    session.commit()
    return len(new)


def _key(report: DisclosureReport) -> DisclosureKey:
    return (report.tip_id, report.disclosure_id, report.audit_index)


def _record(report: DisclosureReport, now: datetime) -> TipDisclosureRecord:
    return TipDisclosureRecord(
        disclosure_id=report.disclosure_id,
        audit_index=report.audit_index,
        tip_id=report.tip_id,
        recipient_code=report.recipient.code,
        recipient_org_number=report.recipient.org_number,
        recipient_name=report.recipient.name,
        legal_basis=list(report.legal_basis),
        data_categories=list(report.data_categories),
        released_at=report.released_at,
        reported_at=now,
    )
