"""Small pure helpers over a stored disclosure's decision and history."""

from datetime import UTC, datetime
from typing import Any

from samverkan_sharing.disclosures.labelling import payload_digest
from samverkan_sharing.disclosures.schemas import DisclosureRequest, NotificationCreate

__all__ = [
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
    decision: dict[str, Any], *, released: set[str] | None
) -> list[dict[str, Any]]:
    """Fields not handed out: before release those the engine did not release; after,
    every field outside the released set (a held field not approved is withheld)."""
    fields = decision["fields"]
    if released is None:
        return [_held(f, f["outcome"]) for f in fields if f["outcome"] != "release"]
    return [_held(f, "withhold") for f in fields if f["name"] not in released]


def _held(field: dict[str, Any], outcome: str) -> dict[str, Any]:
    reason = field["reason"]
    if field["outcome"] == "needs_assessment" and outcome == "withhold":
        reason = f"{reason} Withheld after the manual assessment."
    return {
        "field": field["name"],
        "category": field["category"],
        "outcome": outcome,
        "reason": reason,
    }


def history_event(what: str, actor: str, **data: Any) -> dict[str, Any]:
    return {"event": what, "actor": actor, "at": datetime.now(UTC).isoformat(), **data}
