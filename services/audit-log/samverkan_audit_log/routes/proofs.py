"""`/v1/proofs`: RFC 9162 inclusion and consistency proofs against stored checkpoints."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_audit_log import service
from samverkan_audit_log.dependencies import AuditReader, EngineDep
from samverkan_audit_log.routes.entries import MAX_INDEX
from samverkan_audit_log.schemas import ProofHashes

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
    return await run_in_threadpool(_inclusion, engine, index, tree_size)


@router.get("/consistency", summary="RFC 9162 §2.1.4 consistency proof")
async def consistency(
    first: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    caller: AuditReader,
    engine: EngineDep,
) -> ProofHashes:
    return await run_in_threadpool(_consistency, engine, first, second)


def _inclusion(engine: Engine, index: int, tree_size: int) -> ProofHashes:
    with _reading(engine) as session:
        return service.prove_inclusion(session, index, tree_size)


def _consistency(engine: Engine, first: int, second: int) -> ProofHashes:
    with _reading(engine) as session:
        return service.prove_consistency(session, first, second)


def _reading(engine: Engine) -> Session:
    """A session for one proof: on PostgreSQL its reads run without a transaction.

    A proof reads the tree size, then stored nodes; nodes never change once
    written and are committed with the size that needs them, so the two reads
    need no common snapshot. Without BEGIN and ROLLBACK a proof takes two round
    trips to PostgreSQL fewer (of five, with the pool's ping).
    """
    session = Session(engine)
    if engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session
