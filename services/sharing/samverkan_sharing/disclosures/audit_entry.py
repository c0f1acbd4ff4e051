"""The audit entry written for every release, before the data leaves."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from samverkan_shared.pseudonyms import pseudonymise
from samverkan_sharing.disclosures.labelling import Part, subjects_released
from samverkan_sharing.disclosures.models import DisclosureRecord

__all__ = ["audit_entry"]


def audit_entry(
    record: DisclosureRecord,
    parts: Sequence[Part],
    names: set[str],
    actor: str,
    pseudonym_key: bytes,
) -> dict[str, Any]:
    """Who, to whom, on which basis, which categories, about whom (pseudonymised),
    about which tips, and the SHA-256 of exactly the released payload. ``actor`` is
    the requesting client, or the person who approved a held field's release."""
    released_fields = [f for f in record.decision["fields"] if f["name"] in names]
    basis = {b for f in released_fields for b in f.get("legal_basis", [])}
    subjects = [pseudonymise(i, pseudonym_key) for i in subjects_released(parts, names)]
    entry: dict[str, Any] = {
        "event": "disclosure" if record.kind == "request" else "notification",
        "decision_id": record.id,
        "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "actor": actor,
        "recipient": {
            "code": record.recipient_code,
            "org_number": record.recipient_org_number,
            "name": record.recipient_name,
        },
        "legal_basis": sorted(basis),
        "data_categories": sorted({f["category"] for f in released_fields}),
        "subjects": sorted(set(subjects)),
        "payload_sha256": record.payload_sha256,
        # What the audit log's tip_id filter finds (its migration 0007).
        "tip_ids": sorted({part.tip_id for part in parts}),
        "catalogue_version": record.decision["catalogue_version"],
        "details": {
            "fields": sorted(names),
            "requester": record.requester,
            **_officials(record),
        },
    }
    if record.partner_reference:
        entry["partner_reference"] = record.partner_reference
    return entry


def _officials(record: DisclosureRecord) -> dict[str, Any]:
    """The persons who assessed and approved a held field, by id and name (four eyes)."""
    officials: dict[str, Any] = {}
    if record.assessment is not None:
        officials["assessor"] = {
            "person_id": record.assessment["assessor"],
            "name": record.assessment.get("assessor_name"),
        }
    if record.approval is not None:
        officials["approver"] = {
            "person_id": record.approval["approver"],
            "name": record.approval.get("approver_name"),
        }
    return officials
