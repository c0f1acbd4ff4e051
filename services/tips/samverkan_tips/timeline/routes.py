"""`/v1/tips/{tip_id}/timeline`: every event of a tip's case in time order."""

import uuid

from fastapi import APIRouter

from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingSession
from samverkan_tips.dependencies import KeyringDep, TipsReader
from samverkan_tips.timeline import service
from samverkan_tips.timeline.schemas import Timeline
from samverkan_tips.tips.access import Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1/tips", tags=["tips"])


@router.get(
    "/{tip_id}/timeline",
    summary="Read a tip's timeline",
    response_model_by_alias=True,
    responses=problem_responses(404),
)
def read_timeline(
    tip_id: uuid.UUID, token: TipsReader, session: ReadingSession, keyring: KeyringDep
) -> Timeline:
    """Filed, acknowledged, each move with its reason and who made it, decided, the
    call-off stops and lifts that named the tip and, for the agreement owner's
    managers only, their case notes and the disclosures made about the tip."""
    caller = Caller.from_token(token)
    return service.tip_timeline(session, tip_id, caller=caller, keyring=keyring)
