"""A disclosure as first stored, and small pure helpers over its decision and history."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from samverkan_sharing.disclosures.labelling import Part, payload_digest
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.schemas import DisclosureRequest, NotificationCreate
from samverkan_sharing.disclosures.workflow import (
    DisclosureStatus,
    status_after_decision,
)

__all__ = [
    "ASSESSMENT_DAYS",
    "Recipient",
    "assessed_fields",
    "body_fingerprint",
    "history_event",
    "names_with",
    "new_record",
    "payload_aad",
    "withheld_fields",
]


ASSESSMENT_DAYS = 5  # a request waiting for a human is due within a working week


@dataclass(frozen=True)
class Recipient:
    code: str
    org_number: str
    name: str


def new_record(
    body: DisclosureRequest | NotificationCreate,
    *,
    kind: str,
    requester: str,
    key: str | None,
    fingerprint: str,
    recipient: Recipient,
    parts: Sequence[Part],
    decision: dict[str, Any],
) -> DisclosureRecord:
    """The record of a fresh decision, in the first status its outcome gives."""
    outcome = decision["outcome"]
    status = status_after_decision(outcome)
    now = datetime.now(UTC)
    return DisclosureRecord(
        id=str(uuid.uuid4()),
        kind=kind,
        status=status,
        outcome=outcome,
        requester=requester,
        recipient_code=recipient.code,
        recipient_org_number=recipient.org_number,
        recipient_name=recipient.name,
        partner_reference=getattr(body, "partner_reference", None),
        tip_id=str(body.tip_id) if body.tip_id else None,
        supplier_org_number=body.supplier_org_number,
        idempotency_key=key,
        fingerprint=fingerprint,
        query={
            "parts": [
                {"tip_id": p.tip_id, "prefix": p.prefix, "query": p.query}
                for p in parts
            ]
        },
        decision=decision,
        withheld=withheld_fields(decision, released=None),
        message=getattr(body, "message", None),
        history=[history_event("decided", requester, outcome=outcome)],
        created_at=now,
        updated_at=now,
        assessment_due=now + timedelta(days=ASSESSMENT_DAYS)
        if status is DisclosureStatus.AWAITING_ASSESSMENT
        else None,
    )


def body_fingerprint(body: DisclosureRequest | NotificationCreate) -> str:
    return payload_digest(body.model_dump(mode="json"))


def payload_aad(disclosure_id: str) -> bytes:
    return f"disclosure:{disclosure_id}:payload".encode()


def names_with(decision: dict[str, Any], outcome: str) -> set[str]:
    return {f["name"] for f in decision["fields"] if f["outcome"] == outcome}


def withheld_fields(
    decision: dict[str, Any],
    *,
    released: set[str] | None,
    assessment: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Fields not handed out: before release those the engine did not release; after,
    every field outside the released set (a held field not approved is withheld,
    with the assessor's reason)."""
    fields = decision["fields"]
    if released is None:
        return [
            _held(f, f["outcome"], None) for f in fields if f["outcome"] != "release"
        ]
    reasons = {p["field"]: p["reason"] for p in (assessment or {}).get("proposals", [])}
    return [
        _held(f, "withhold", reasons.get(f["name"]))
        for f in fields
        if f["name"] not in released
    ]


def _held(field: dict[str, Any], outcome: str, assessor: str | None) -> dict[str, Any]:
    reason = field["reason"]
    if field["outcome"] == "needs_assessment" and outcome == "withhold":
        reason = f"{reason} Withheld after the manual assessment" + (
            f": {assessor}" if assessor else "."
        )
    return {
        "field": field["name"],
        "category": field["category"],
        "outcome": outcome,
        "reason": reason,
    }


def assessed_fields(
    decision: dict[str, Any],
    assessment: dict[str, Any] | None,
    approval: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The decision's fields, each held one with what people made of it.

    ``reason`` (and ``assessment``, the standard the engine asked a person to
    apply) stay the engine's; a held field that was assessed gains a companion
    ``manual_assessment``: the assessor's proposal (``release``/``withhold``) and
    reason, and, once decided, the approver's decision and reason (four eyes); each
    person by id (``assessor``, ``approver``) and name.
    """
    proposals = {p["field"]: p for p in (assessment or {}).get("proposals", [])}
    fields = []
    for field in decision["fields"]:
        proposal = proposals.get(field["name"])
        if proposal is None or assessment is None:
            fields.append(field)
            continue
        manual = _field_assessment(proposal, assessment, approval)
        fields.append({**field, "manual_assessment": manual})
    return fields


def _field_assessment(
    proposal: dict[str, Any],
    assessment: dict[str, Any],
    approval: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "proposal": proposal["decision"],
        "reason": proposal["reason"],
        "assessor": assessment["assessor"],
        "assessor_name": assessment.get("assessor_name"),
        "assessed_at": assessment["at"],
        "approval": None
        if approval is None
        else {
            "decision": approval["decision"],
            "reason": approval["reason"],
            "approver": approval["approver"],
            "approver_name": approval.get("approver_name"),
            "at": approval["at"],
        },
    }


def history_event(what: str, actor: str, **data: Any) -> dict[str, Any]:
    return {"event": what, "actor": actor, "at": datetime.now(UTC).isoformat(), **data}
