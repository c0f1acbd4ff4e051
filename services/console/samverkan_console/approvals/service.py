"""The approver's view: may this person decide on this assessment (four eyes)?"""

from dataclasses import dataclass

from samverkan_console.assessments.service import RequestView

__all__ = ["OWN_ASSESSMENT", "Decidable", "approval_body", "decidable"]

OWN_ASSESSMENT = (
    "Du bedömde den här förfrågan och kan därför inte godkänna eller avslå din egen "
    "bedömning. Beslutet fattas med fyra ögon: en annan person med behörighet att "
    "godkänna måste fatta det."
)


@dataclass(frozen=True)
class Decidable:
    """Whether the form is shown, and if not, why (in Swedish)."""

    allowed: bool
    why_not: str = ""


def decidable(view: RequestView, subject: str) -> Decidable:
    """An assessed request may be decided by anyone but the person who assessed it
    (the service refuses that too; the page says so before anyone tries)."""
    if view.status != "assessed":
        return Decidable(False, "")
    if view.assessor == subject:
        return Decidable(False, OWN_ASSESSMENT)
    return Decidable(True)


def approval_body(decision: str, reason: str) -> dict[str, str]:
    """The body of POST .../approval as typed; the service checks it."""
    return {"decision": decision, "reason": reason}
