"""`/v1/forks`: the evidence of a log's misbehaviour, public like the checkpoints.

Checkpoints hold tree sizes and hashes only: anyone may see that a log forked.
"""

from typing import Annotated

from fastapi import APIRouter, Query

from samverkan_shared.sessions import read_on_thread
from samverkan_witness.dependencies import EngineDep
from samverkan_witness.forks import service
from samverkan_witness.forks.schemas import ForkList

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["forks"])


@router.get("/forks", summary="Evidence of forks: conflicting signed checkpoints")
async def forks(
    engine: EngineDep,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LISTED)] = service.MAX_LISTED,
) -> ForkList:
    return await read_on_thread(
        engine, lambda session: service.recorded_forks(session, limit)
    )
