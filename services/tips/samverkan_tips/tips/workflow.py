"""The tip workflow: received → investigating → substantiated | unsubstantiated → closed.

Pure: it knows statuses and moves, nothing of storage or HTTP. Every tip is investigated
(the purchasing centre's tip function), so there is no shortcut from ``received`` to a
verdict, and a verdict is closed only once it has been reached.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

__all__ = [
    "MOVES",
    "IllegalTransition",
    "InvalidBreachedTerms",
    "TipStatus",
    "allowed_moves",
    "breached_terms_for",
    "transition",
]


class TipStatus(StrEnum):
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    CLOSED = "closed"


MOVES: Mapping[TipStatus, tuple[TipStatus, ...]] = {
    TipStatus.RECEIVED: (TipStatus.INVESTIGATING,),
    TipStatus.INVESTIGATING: (TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED),
    TipStatus.SUBSTANTIATED: (TipStatus.CLOSED,),
    TipStatus.UNSUBSTANTIATED: (TipStatus.CLOSED,),
    TipStatus.CLOSED: (),
}


class IllegalTransition(Exception):
    """The requested move is not one the current status allows."""

    def __init__(self, current: TipStatus, requested: TipStatus) -> None:
        self.current = current
        self.requested = requested
        self.allowed = allowed_moves(current)
        choices = ", ".join(self.allowed) or "none (the tip is closed)"
        super().__init__(
            f"a tip cannot move from {current} to {requested}; allowed: {choices}"
        )


class InvalidBreachedTerms(Exception):
    """Breached terms were named where they do not belong or do not exist."""


def has_moved(status: TipStatus) -> bool:
    """Whether a tip in ``status`` has a history: no move leads back to received,
    so a tip still received has never moved."""
    return status is not TipStatus.RECEIVED


def allowed_moves(current: TipStatus) -> tuple[TipStatus, ...]:
    return MOVES[current]


def transition(current: TipStatus, requested: TipStatus) -> TipStatus:
    """The new status, or `IllegalTransition` naming the moves that are allowed."""
    if requested not in MOVES[current]:
        raise IllegalTransition(current, requested)
    return requested


def breached_terms_for(
    requested: TipStatus, named: Iterable[int], known: Iterable[int]
) -> tuple[int, ...] | None:
    """The agreement terms a move records as breached, sorted; None when it records none.

    Only a substantiated tip names breached terms, and only terms its agreement has.
    """
    terms = sorted(set(named))
    if not terms:
        return None
    if requested is not TipStatus.SUBSTANTIATED:
        raise InvalidBreachedTerms(
            "breached terms can only be named when the tip becomes substantiated"
        )
    unknown = sorted(set(terms) - set(known))
    if unknown:
        listed = ", ".join(str(term) for term in unknown)
        raise InvalidBreachedTerms(f"the agreement has no term numbered {listed}")
    return tuple(terms)
