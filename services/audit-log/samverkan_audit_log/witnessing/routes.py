"""`/v1/entries/{index}/tlog-proof` (a receipt a partner keeps) and `/v1/witnesses`.

Both need ``audit:read``, like the entries and proofs they are made of; a receipt is
also given to the appender (``audit:append``: the sharing service, which wrote the
entry and hands its receipt to the disclosure's recipient). The header
``Samverkan-Witnessed`` says whether the checkpoint in the answer has the
cosignatures the log's witness policy requires.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from samverkan_audit_log.dependencies import (
    AuditReader,
    EngineDep,
    LogDep,
    ReceiptReader,
)
from samverkan_audit_log.entries.schemas import MAX_INDEX
from samverkan_audit_log.witnessing import service
from samverkan_audit_log.witnessing.schemas import WitnessingStatus
from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import read_on_thread

__all__ = ["WITNESSED_HEADER", "router"]

WITNESSED_HEADER = "Samverkan-Witnessed"
router = APIRouter(prefix="/v1", tags=["witnessing"])
_PROOF: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/plain": {"schema": {"type": "string"}}},
        "headers": {WITNESSED_HEADER: {"schema": {"enum": ["true", "false"]}}},
    },
    **problem_responses(401, 403, 404),
}


@router.get(
    "/entries/{index}/tlog-proof",
    summary="The entry's receipt as a C2SP tlog-proof (verifiable offline)",
    response_class=Response,
    responses=_PROOF,
)
async def tlog_proof(
    index: Annotated[int, Path(ge=0, le=MAX_INDEX)],
    caller: ReceiptReader,
    engine: EngineDep,
    log: LogDep,
) -> Response:
    proof = await read_on_thread(
        engine, lambda session: service.tlog_proof(session, index, log.witnessing)
    )
    return Response(
        proof.note,
        media_type="text/plain; charset=utf-8",
        headers={
            WITNESSED_HEADER: "true" if proof.witnessed else "false",
            "Content-Disposition": f'attachment; filename="entry-{index}.tlog-proof"',
        },
    )


@router.get("/witnesses", summary="The witnesses, their progress and the policy")
async def witnesses(
    caller: AuditReader, engine: EngineDep, log: LogDep
) -> WitnessingStatus:
    return await read_on_thread(
        engine, lambda session: service.status(session, log.witnessing)
    )
