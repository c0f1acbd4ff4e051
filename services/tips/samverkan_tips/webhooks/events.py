"""The events webhooks carry, and the states of a delivery; no framework imports.

An event's data holds identifiers and states only: never a tip's narrative, the
persons it names, the reporter's contact or a stop's free-text reason.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "CALL_OFF_EVENTS",
    "DeliveryState",
    "Event",
    "EventType",
    "call_off_event",
    "tip_filed",
    "tip_status_changed",
]


class EventType(StrEnum):
    TIP_FILED = "tip.filed"  # to the agreement owner's organisation
    TIP_STATUS_CHANGED = "tip.status_changed"  # to the filing organisation
    CALL_OFF_STOPPED = "supplier.call_off_stopped"
    CALL_OFF_LIFTED = "supplier.call_off_lifted"


CALL_OFF_EVENTS = frozenset({EventType.CALL_OFF_STOPPED, EventType.CALL_OFF_LIFTED})


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    RETRYING = "failed-retrying"
    DEAD = "dead"


@dataclass(frozen=True)
class Event:
    """An outbox row to be: its type, time, data and what decides its recipients."""

    type: EventType
    occurred_at: datetime
    data: dict[str, Any]
    supplier_org_number: str
    agreement_id: str | None = None
    tip_id: uuid.UUID | None = None
    id: uuid.UUID | None = None

    def row(self) -> dict[str, Any]:
        """The ``webhook_events`` row (a new id unless one was given)."""
        return {
            "id": self.id or uuid.uuid4(),
            "type": str(self.type),
            "occurred_at": self.occurred_at,
            "data": self.data,
            "tip_id": self.tip_id,
            "supplier_org_number": self.supplier_org_number,
            "agreement_id": self.agreement_id,
            "fanned_out_at": None,
        }


def tip_filed(
    tip_id: uuid.UUID, supplier: str, agreement_id: str, at: datetime
) -> Event:
    data = {
        "tip_id": str(tip_id),
        "supplier_org_number": supplier,
        "agreement_id": agreement_id,
        "status": "received",
        "received_at": at.isoformat(),
    }
    return Event(EventType.TIP_FILED, at, data, supplier, agreement_id, tip_id)


def tip_status_changed(
    tip_id: uuid.UUID,
    supplier: str,
    agreement_id: str,
    from_status: str,
    to_status: str,
    at: datetime,
) -> Event:
    data = {
        "tip_id": str(tip_id),
        "supplier_org_number": supplier,
        "agreement_id": agreement_id,
        "previous_status": from_status,
        "status": to_status,
    }
    return Event(EventType.TIP_STATUS_CHANGED, at, data, supplier, agreement_id, tip_id)


def call_off_event(
    stopped: bool, supplier: str, agreement_ids: Sequence[str], at: datetime
) -> Event:
    """A stop or lift; the reason is free text, so it stays out."""
    data = {
        "supplier_org_number": supplier,
        "agreement_ids": sorted(agreement_ids),
        "call_off_stop": {"active": stopped},
    }
    kind = EventType.CALL_OFF_STOPPED if stopped else EventType.CALL_OFF_LIFTED
    return Event(kind, at, data, supplier)
