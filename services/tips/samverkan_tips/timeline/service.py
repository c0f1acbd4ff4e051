"""The timeline use case: a tip's events, for whoever may read the tip.

The agreement owner's managers see everything. The filing organisation sees its tip
being filed, moved, acknowledged and decided, and the call-off stops it led to (which
every tips:read caller sees on the supplier anyway), but neither the owner's case
notes (working notes of an investigation in progress) nor the disclosures made about
the tip (the owner's and sharing's record, not the reporter's).
"""

import uuid

from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_tips.disclosures.repository import DisclosureRepository
from samverkan_tips.notes.repository import NoteRepository
from samverkan_tips.suppliers.repository import CallOffStopRepository
from samverkan_tips.timeline.presenter import (
    call_off_events,
    disclosure_events,
    in_order,
    note_events,
    workflow_events,
)
from samverkan_tips.timeline.schemas import Timeline
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.repository import TipRepository
from samverkan_tips.tips.schemas import today_in_sweden
from samverkan_tips.tips.service import visible_tip

__all__ = ["tip_timeline"]


def tip_timeline(
    session: Session, tip_id: uuid.UUID, *, caller: Caller, keyring: Keyring
) -> Timeline:
    """404 for a tip the caller cannot read, as the tip itself."""
    record, owner = visible_tip(session, tip_id, caller)
    history = TipRepository(session).history_for([record.id]).get(record.id, [])
    stops = CallOffStopRepository(session).history(record.supplier_org_number)
    events = [
        *workflow_events(record, history, today_in_sweden()),
        *call_off_events(record.id, stops),
    ]
    owner_view = caller.owns(owner)
    if owner_view:
        events += note_events(keyring, NoteRepository(session).for_tip(record.id))
        events += disclosure_events(DisclosureRepository(session).for_tip(record.id))
    return Timeline(
        tip_id=record.id,
        view="owner" if owner_view else "filer",
        events=in_order(events),
    )
