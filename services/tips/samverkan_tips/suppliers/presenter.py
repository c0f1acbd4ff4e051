"""Stored call-off stops → the suppliers feature's wire schemas."""

import uuid
from collections.abc import Sequence

from samverkan_tips.agreements.models import AgreementSupplierRecord
from samverkan_tips.suppliers.models import CallOffStopRecord
from samverkan_tips.suppliers.schemas import (
    AgreementCallOffStop,
    CallOffStop,
    CallOffStopState,
)

__all__ = ["call_off_history", "call_off_state", "call_off_states", "overall_state"]

NOT_STOPPED = CallOffStopState(active=False, since=None, reason=None)


def call_off_state(link: AgreementSupplierRecord | None) -> CallOffStopState:
    """The stop on one agreement (none if the supplier is not on it)."""
    if link is None or link.stopped_at is None:
        return NOT_STOPPED
    return CallOffStopState(active=True, since=link.stopped_at, reason=link.stop_reason)


def call_off_states(
    links: Sequence[AgreementSupplierRecord],
) -> list[AgreementCallOffStop]:
    return [
        AgreementCallOffStop(
            agreement_id=link.agreement_id, **call_off_state(link).model_dump()
        )
        for link in links
    ]


def overall_state(links: Sequence[AgreementSupplierRecord]) -> CallOffStopState:
    """Stopped on any agreement: since the earliest of those stops, with its reason."""
    stops = [
        (link.stopped_at, link.agreement_id, link)
        for link in links
        if link.stopped_at is not None
    ]
    earliest = min(stops, key=lambda stop: stop[:2], default=None)
    return call_off_state(None if earliest is None else earliest[2])


def call_off_history(records: Sequence[CallOffStopRecord]) -> list[CallOffStop]:
    return [
        CallOffStop(
            action=record.action,
            agreement_ids=record.agreement_ids,
            reason=record.reason,
            tip_ids=[uuid.UUID(tip_id) for tip_id in record.tip_ids],
            actor=record.actor,
            at=record.at,
        )
        for record in records
    ]
