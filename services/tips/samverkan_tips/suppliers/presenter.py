"""Stored suppliers and call-off stops → the suppliers feature's wire schemas."""

import uuid
from collections.abc import Sequence

from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.suppliers.schemas import CallOffStop, CallOffStopState

__all__ = ["call_off_history", "call_off_state"]


def call_off_state(supplier: SupplierRecord) -> CallOffStopState:
    return CallOffStopState(
        active=supplier.stopped_at is not None,
        since=supplier.stopped_at,
        reason=supplier.stop_reason,
    )


def call_off_history(records: Sequence[CallOffStopRecord]) -> list[CallOffStop]:
    return [
        CallOffStop(
            action=record.action,
            reason=record.reason,
            tip_ids=[uuid.UUID(tip_id) for tip_id in record.tip_ids],
            actor=record.actor,
            at=record.at,
        )
        for record in records
    ]
