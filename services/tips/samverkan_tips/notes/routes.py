"""`/v1/tips/{tip_id}/notes`: the agreement owner's case notes on a tip."""

import uuid

from fastapi import APIRouter

from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import WritingSession
from samverkan_tips.dependencies import KeyringDep, NoteIdempotencyKey, TipsManager
from samverkan_tips.notes import service
from samverkan_tips.notes.schemas import Note, NoteCreate
from samverkan_tips.tips.access import Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1/tips", tags=["tips"])


@router.post(
    "/{tip_id}/notes",
    status_code=201,
    summary="Add a case note to a tip",
    responses=problem_responses(403, 404, 422),
)
def add_note(
    tip_id: uuid.UUID,
    body: NoteCreate,
    token: TipsManager,
    session: WritingSession,
    keyring: KeyringDep,
    idempotency_key: NoteIdempotencyKey = None,
) -> Note:
    """A working note of the agreement owner's managers, stored encrypted and shown
    in the tip's timeline to them alone (403 for the filer's clients, 404 for a tip
    the caller cannot read)."""
    caller = Caller.from_token(token)
    return service.add_note(
        session,
        tip_id,
        body,
        caller=caller,
        keyring=keyring,
        idempotency_key=idempotency_key,
    )
