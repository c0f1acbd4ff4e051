"""Stored disclosure → the answer a partner or an officer reads."""

from datetime import date, datetime
from typing import Any

from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.records import assessed_fields, names_with
from samverkan_sharing.disclosures.schemas import (
    Disclosure,
    DisclosureSummary,
    Proposal,
    Receipt,
    Withheld,
    WrittenAssessment,
)
from samverkan_sharing.disclosures.service import Disclosures
from samverkan_sharing.disclosures.workflow import DisclosureStatus

__all__ = ["present", "summarise"]


def present(
    record: DisclosureRecord, service: Disclosures, *, officer: bool = False
) -> Disclosure:
    """The disclosure as ``officer`` (or else its partner) may read it."""
    released = service.released_data(record)
    entry = record.audit_entry or {}
    return Disclosure(
        id=record.id,
        kind=record.kind,
        status=record.status,
        outcome=_outcome(record, bool(released)),
        recipient=_recipient(record),
        partner_reference=record.partner_reference,
        tip_id=record.tip_id,
        supplier_org_number=record.supplier_org_number,
        released=released,
        withheld=[Withheld.model_validate(w) for w in record.withheld],
        legal_basis=list(entry.get("legal_basis", [])) if released else [],
        flags=list(record.decision.get("flags", [])),
        catalogue_version=record.decision["catalogue_version"],
        audit=Receipt.model_validate(record.receipt)
        if record.receipt and released
        else None,
        decision={
            "outcome": record.decision["outcome"],
            "fields": assessed_fields(
                record.decision, record.assessment, record.approval
            ),
        },
        assessment_due=record.assessment_due,
        history=record.history,
        created_at=record.created_at,
        as_of=date.fromisoformat(record.query["parts"][0]["query"]["as_of"])
        if record.query["parts"]
        else record.created_at.date(),
        message=record.message,
        purpose=_purpose(record),
        assessment=_written(record) if officer else None,
    )


def _purpose(record: DisclosureRecord) -> dict[str, Any] | None:
    parts = record.query["parts"]
    purpose = parts[0]["query"].get("purpose") if parts else None
    return dict(purpose) if isinstance(purpose, dict) else None


def _written(record: DisclosureRecord) -> WrittenAssessment | None:
    stored = record.assessment
    if not stored:
        return None
    return WrittenAssessment(
        text=stored["assessment"],
        assessor=stored["assessor"],
        assessor_name=stored.get("assessor_name"),
        at=datetime.fromisoformat(stored["at"]),
        proposals=[Proposal.model_validate(p) for p in stored.get("proposals", [])],
    )


def _recipient(record: DisclosureRecord) -> dict[str, str | None]:
    return {
        "code": record.recipient_code,
        "org_number": record.recipient_org_number,
        "name": record.recipient_name,
    }


def summarise(record: DisclosureRecord) -> DisclosureSummary:
    """The list item: nothing is decrypted, nothing released is shown."""
    return DisclosureSummary(
        id=record.id,
        kind=record.kind,
        status=record.status,
        outcome=_outcome(record, record.status is DisclosureStatus.RELEASED),
        requester=record.requester,
        recipient=_recipient(record),
        partner_reference=record.partner_reference,
        tip_id=record.tip_id,
        supplier_org_number=record.supplier_org_number,
        held_fields=sorted(names_with(record.decision, "needs_assessment")),
        assessment_due=record.assessment_due,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _outcome(record: DisclosureRecord, released: bool) -> str:
    """The engine's outcome while pending; after a decision, what actually happened."""
    if record.status is DisclosureStatus.DENIED:
        return "deny"
    if record.status is not DisclosureStatus.RELEASED:
        return record.outcome
    return "partial" if record.withheld else "release"
