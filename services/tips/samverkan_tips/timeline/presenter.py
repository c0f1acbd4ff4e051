"""A tip's stored history, notes, stops and disclosures → timeline events, in order."""

import uuid
from collections.abc import Sequence
from datetime import date

from samverkan_shared.crypto import Keyring
from samverkan_tips.deadlines.policy import met
from samverkan_tips.disclosures.models import TipDisclosureRecord
from samverkan_tips.disclosures.schemas import DisclosureRecipientView
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.notes.presenter import note_author
from samverkan_tips.suppliers.models import CallOffStopRecord
from samverkan_tips.timeline.schemas import (
    AcknowledgedEvent,
    CallOffEvent,
    DecidedEvent,
    DisclosureEvent,
    FiledEvent,
    NoteEvent,
    TimelineEvent,
    TransitionEvent,
)
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.schemas import Actor
from samverkan_tips.tips.sealing import open_note
from samverkan_tips.tips.workflow import TipStatus

__all__ = [
    "call_off_events",
    "disclosure_events",
    "in_order",
    "note_events",
    "workflow_events",
]

_VERDICTS = (TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED)
# Among events at the same instant: the cause before what it achieved.
_RANK = {
    "filed": 0,
    "transition": 1,
    "acknowledged": 2,
    "decided": 3,
    "note": 4,
    "call_off_stopped": 5,
    "call_off_lifted": 5,
    "disclosure": 6,
}


def in_order(events: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda event: (event.at, _RANK[event.kind]))


def workflow_events(
    record: TipRecord, history: Sequence[TipTransitionRecord], today: date
) -> list[TimelineEvent]:
    """Filed, each move, and the moves that acknowledged and decided it."""
    events: list[TimelineEvent] = [
        FiledEvent(
            at=record.received_at,
            filed_by=record.filed_by,
            acknowledge_by=record.acknowledge_by,
            decide_by=record.decide_by,
        )
    ]
    for step in history:
        events.append(_transition(step))
        if step.from_status == TipStatus.RECEIVED:
            due = record.acknowledge_by
            in_time = met(due, step.at, today)
            events.append(AcknowledgedEvent(at=step.at, due=due, in_time=in_time))
        if step.to_status in _VERDICTS:
            due = record.decide_by
            events.append(
                DecidedEvent(
                    at=step.at,
                    outcome=TipStatus(step.to_status),
                    due=due,
                    in_time=met(due, step.at, today),
                )
            )
    return events


def _transition(step: TipTransitionRecord) -> TransitionEvent:
    return TransitionEvent(
        at=step.at,
        from_=TipStatus(step.from_status),
        to=TipStatus(step.to_status),
        reason=step.reason,
        actor=Actor(
            client_id=step.actor,
            person_id=step.actor_person_id,
            person_name=step.actor_person_name,
        ),
    )


def note_events(
    keyring: Keyring, notes: Sequence[TipNoteRecord]
) -> list[TimelineEvent]:
    return [
        NoteEvent(
            at=note.created_at,
            note_id=note.id,
            text=open_note(keyring, note.id, note.text_sealed),
            author=note_author(note),
        )
        for note in notes
    ]


def call_off_events(
    tip_id: uuid.UUID, stops: Sequence[CallOffStopRecord]
) -> list[TimelineEvent]:
    """The supplier's stops and lifts that named this tip."""
    return [
        CallOffEvent(
            kind="call_off_stopped" if stop.action == "stop" else "call_off_lifted",
            at=stop.at,
            supplier_org_number=stop.supplier_org_number,
            agreement_ids=stop.agreement_ids,
            reason=stop.reason,
            actor=Actor(client_id=stop.actor),
        )
        for stop in stops
        if str(tip_id) in stop.tip_ids
    ]


def disclosure_events(
    disclosures: Sequence[TipDisclosureRecord],
) -> list[TimelineEvent]:
    return [
        DisclosureEvent(
            at=disclosure.released_at,
            disclosure_id=disclosure.disclosure_id,
            audit_index=disclosure.audit_index,
            recipient=DisclosureRecipientView(
                code=disclosure.recipient_code,
                org_number=disclosure.recipient_org_number,
                name=disclosure.recipient_name,
            ),
            legal_basis=list(disclosure.legal_basis),
            data_categories=list(disclosure.data_categories),
        )
        for disclosure in disclosures
    ]
