"""Stored tips → the tips feature's wire schemas; a tip is decrypted here (`opened`)
and nowhere else."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from samverkan_shared.crypto import Keyring
from samverkan_tips.deadlines.policy import (
    DueDates,
    Move,
    acknowledged_at,
    decided_at,
    met,
)
from samverkan_tips.tips.classification import DataCategory
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.schemas import Tip, TipCreate
from samverkan_tips.tips.sealing import OpenedTip, SealedTip, open_tip
from samverkan_tips.tips.workflow import TipStatus, allowed_moves

__all__ = ["WirePage", "new_tip_view", "opened", "reporter", "tip_view", "tip_wire"]


def opened(keyring: Keyring, record: TipRecord) -> OpenedTip:
    sealed = SealedTip(
        description=record.description_sealed,
        persons=record.persons_sealed,
        contact_email=record.contact_email_sealed,
    )
    return open_tip(keyring, record.id, sealed)


def tip_view(
    keyring: Keyring,
    record: TipRecord,
    history: Sequence[TipTransitionRecord],
    today: date,
) -> Tip:
    return Tip.model_validate(tip_wire(keyring, record, history, today))


def tip_wire(
    keyring: Keyring,
    record: TipRecord,
    history: Sequence[TipTransitionRecord],
    today: date,
) -> dict[str, Any]:
    """The tip as ``Tip`` serialises it (JSON, by alias), built from the stored row.

    For pages of tips: what was validated when the tip was filed (identity numbers,
    codes) is not validated again on every read. The tests keep this equal to
    ``Tip``'s own serialisation.
    """
    contents = opened(keyring, record)
    return {
        "id": str(record.id),
        "status": record.status,
        "received_at": _instant(record.received_at),
        "supplier": {
            "org_number": record.supplier_org_number,
            "name": record.supplier_name,
        },
        "agreement_id": record.agreement_id,
        "categories": list(record.categories),
        "description": contents.description,
        "description_category": record.description_category,
        "occurred_on": record.occurred_on.isoformat(),
        "reporter": reporter(record, contents),
        "persons": contents.persons,
        "holder_activity": record.holder_activity,
        "filed_by": record.filed_by,
        "breached_terms": list(record.breached_terms),
        "history": [_transition(step) for step in history],
        "next_statuses": list(allowed_moves(TipStatus(record.status))),
        **deadlines(record, history, today),
    }


def deadlines(
    record: TipRecord, history: Sequence[TipTransitionRecord], today: date
) -> dict[str, Any]:
    """The due dates and whether each was met (``today``: the Swedish day now)."""
    moves = [Move(step.from_status, step.to_status, step.at) for step in history]
    ack, decide = record.acknowledge_by, record.decide_by
    return {
        "acknowledge_by": None if ack is None else ack.isoformat(),
        "decide_by": None if decide is None else decide.isoformat(),
        "acknowledged_in_time": met(ack, acknowledged_at(moves), today),
        "decided_in_time": met(decide, decided_at(moves), today),
    }


@dataclass(frozen=True)
class WirePage:
    """A page of tips in their wire form (``Page[Tip]``'s JSON)."""

    items: list[dict[str, Any]]
    next_cursor: str | None

    def json(self) -> bytes:
        return orjson.dumps({"items": self.items, "next_cursor": self.next_cursor})


def new_tip_view(
    body: TipCreate,
    *,
    tip_id: uuid.UUID,
    received_at: datetime,
    filed_by: str,
    description_category: str,
    due: DueDates,
    today: date,
) -> Tip:
    """The view of a tip filed just now from ``body``: what ``tip_view`` would give.

    Built from the validated body rather than by decrypting what was just sealed
    and validating every field again (a third of the filing writer's time): the
    nested values are the body's own validated models, the rest is what the row
    was given, so nothing here is unvalidated. A new tip has no history.
    """
    return Tip.model_construct(
        id=tip_id,
        status=TipStatus.RECEIVED,
        received_at=received_at,
        supplier=body.supplier,
        agreement_id=body.agreement_id,
        categories=list(body.categories),
        description=body.description,
        description_category=DataCategory(description_category),
        occurred_on=body.occurred_on,
        reporter=body.reporter,
        persons=list(body.persons),
        holder_activity=body.reporter.activity,
        filed_by=filed_by,
        breached_terms=[],
        history=[],
        next_statuses=list(allowed_moves(TipStatus.RECEIVED)),
        acknowledge_by=due.acknowledge_by,
        decide_by=due.decide_by,
        acknowledged_in_time=met(due.acknowledge_by, None, today),
        decided_in_time=met(due.decide_by, None, today),
    )


def _transition(step: TipTransitionRecord) -> dict[str, Any]:
    return {
        "from": step.from_status,
        "to": step.to_status,
        "reason": step.reason,
        "actor": step.actor,
        "at": _instant(step.at),
    }


def _instant(moment: datetime) -> str:
    """RFC 3339 in UTC as Pydantic writes an aware UTC datetime ('Z', not +00:00)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def reporter(record: TipRecord, contents: OpenedTip) -> dict[str, Any]:
    return {
        "municipality_code": record.reporter_municipality_code,
        "unit": record.reporter_unit,
        "activity": record.holder_activity,
        "contact_email": contents.contact_email,
    }
