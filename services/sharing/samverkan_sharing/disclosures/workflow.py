"""Where a disclosure stands, and the moves between: the release protocol as a table.

Pure: it knows statuses and moves, nothing of storage or HTTP. A decision starts as
``decided`` (the rules release something), ``awaiting_assessment`` (a person must weigh
held fields) or ``denied``. Nothing is ``released`` without passing ``pending_audit``:
the audit entry is stored before the data leaves (fail closed).
"""

from collections.abc import Mapping
from enum import StrEnum

from samverkan_sharing.rules.vocabulary import Outcome

__all__ = [
    "MOVES",
    "DisclosureStatus",
    "IllegalTransition",
    "allowed_moves",
    "status_after_decision",
    "transition",
]


class DisclosureStatus(StrEnum):
    """Where a disclosure stands (see ``disclosures.service`` for the protocol)."""

    AWAITING_ASSESSMENT = "awaiting_assessment"  # held fields wait for an assessor
    ASSESSED = "assessed"  # assessed, waiting for a different approver
    DECIDED = "decided"  # released by the rules, not yet logged
    PENDING_AUDIT = "pending_audit"  # the audit entry is stored, not yet appended
    RELEASED = "released"
    DENIED = "denied"


_S = DisclosureStatus
MOVES: Mapping[DisclosureStatus, tuple[DisclosureStatus, ...]] = {
    # Denied when nothing asked for is left to hand out.
    _S.DECIDED: (_S.PENDING_AUDIT, _S.DENIED),
    _S.AWAITING_ASSESSMENT: (_S.ASSESSED,),
    # The approver releases (through the log) or denies.
    _S.ASSESSED: (_S.PENDING_AUDIT, _S.DENIED),
    _S.PENDING_AUDIT: (_S.RELEASED,),
    _S.RELEASED: (),
    _S.DENIED: (),
}


class IllegalTransition(Exception):
    """The requested move is not one the current status allows."""

    def __init__(self, current: DisclosureStatus, requested: DisclosureStatus) -> None:
        self.current = current
        self.requested = requested
        self.allowed = allowed_moves(current)
        choices = ", ".join(self.allowed) or "none (the disclosure is final)"
        super().__init__(
            f"a disclosure cannot move from {current} to {requested}; allowed: {choices}"
        )


def allowed_moves(current: DisclosureStatus) -> tuple[DisclosureStatus, ...]:
    return MOVES[current]


def transition(
    current: DisclosureStatus, requested: DisclosureStatus
) -> DisclosureStatus:
    """The new status, or `IllegalTransition` naming the moves that are allowed."""
    if requested not in MOVES[current]:
        raise IllegalTransition(current, requested)
    return requested


def status_after_decision(outcome: str) -> DisclosureStatus:
    """The first status of a disclosure, from the rule engine's overall outcome."""
    if outcome == Outcome.NEEDS_ASSESSMENT:
        return DisclosureStatus.AWAITING_ASSESSMENT
    if outcome == Outcome.DENY:
        return DisclosureStatus.DENIED
    return DisclosureStatus.DECIDED
