"""`/v1/proofs`: RFC 9162 inclusion and consistency proofs against stored checkpoints."""

from typing import Annotated

from fastapi import APIRouter, Query

from samverkan_audit_log.dependencies import AuditReader, EngineDep
from samverkan_audit_log.entries.schemas import MAX_INDEX
from samverkan_audit_log.proofs import service
from samverkan_audit_log.proofs.schemas import ProofHashes
from samverkan_shared.sessions import read_on_thread

__all__ = ["router"]

router = APIRouter(prefix="/v1/proofs", tags=["proofs"])

# The routes are async and hand the database work to one thread: a sync route with
# a session dependency takes three thread hops (the session opened, the route, the
# session closed), about half of a proof's time.


@router.get("/inclusion", summary="RFC 9162 §2.1.3 inclusion proof")
async def inclusion(
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_INDEX)],
    caller: AuditReader,
    engine: EngineDep,
) -> ProofHashes:
    # A proof reads the tree size, then stored nodes; nodes never change once written
    # and are committed with the size that needs them: no common snapshot needed.
    return await read_on_thread(
        engine, lambda session: service.prove_inclusion(session, index, tree_size)
    )


@router.get("/consistency", summary="RFC 9162 §2.1.4 consistency proof")
async def consistency(
    first: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    caller: AuditReader,
    engine: EngineDep,
) -> ProofHashes:
    return await read_on_thread(
        engine, lambda session: service.prove_consistency(session, first, second)
    )
