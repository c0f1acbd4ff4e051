"""`/v1/proofs`: RFC 9162 inclusion and consistency proofs against stored checkpoints."""

from typing import Annotated

from fastapi import APIRouter, Query

from samverkan_audit_log import service
from samverkan_audit_log.dependencies import AuditReader, SessionDep
from samverkan_audit_log.routes.entries import MAX_INDEX
from samverkan_audit_log.schemas import ProofHashes

__all__ = ["router"]

router = APIRouter(prefix="/v1/proofs", tags=["proofs"])


@router.get("/inclusion", summary="RFC 9162 §2.1.3 inclusion proof")
def inclusion(
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_INDEX)],
    caller: AuditReader,
    session: SessionDep,
) -> ProofHashes:
    return service.prove_inclusion(session, index, tree_size)


@router.get("/consistency", summary="RFC 9162 §2.1.4 consistency proof")
def consistency(
    first: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    caller: AuditReader,
    session: SessionDep,
) -> ProofHashes:
    return service.prove_consistency(session, first, second)
