"""Small pure helpers over a stored disclosure's decision and history."""

from datetime import UTC, datetime
from typing import Any

from samverkan_sharing.disclosures.labelling import payload_digest
from samverkan_sharing.disclosures.schemas import DisclosureRequest, NotificationCreate

__all__ = [
    "assessed_fields",
    "body_fingerprint",
    "history_event",
    "names_with",
    "payload_aad",
    "withheld_fields",
]


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
    reason, and, once decided, the approver's decision and reason (four eyes).
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
        "assessed_at": assessment["at"],
        "approval": None
        if approval is None
        else {
            "decision": approval["decision"],
            "reason": approval["reason"],
            "approver": approval["approver"],
            "at": approval["at"],
        },
    }


def history_event(what: str, actor: str, **data: Any) -> dict[str, Any]:
    return {"event": what, "actor": actor, "at": datetime.now(UTC).isoformat(), **data}
