"""`/v1/checkpoint` (the signed tree head) and `/v1/log-key` (how to check it).

The checkpoint carries the witnesses' cosignatures gathered for it so far (C2SP
tlog-cosignature: note signature lines after the log's own); the header
``Samverkan-Witnessed`` says whether they meet the log's witness policy.

The checkpoint needs ``audit:read`` like every other view of the log. The log key
is public on purpose: it is key metadata, like the issuer's JWKS, and an auditor
should be able to fetch and pin it before holding any credential.
"""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from samverkan_audit_log.dependencies import AuditReader, LogDep
from samverkan_audit_log.witnessing import service
from samverkan_audit_log.witnessing.routes import WITNESSED_HEADER
from samverkan_shared.sessions import ReadingSession

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["checkpoints"])
_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}
}


@router.get(
    "/checkpoint",
    summary="The current C2SP signed checkpoint",
    response_class=PlainTextResponse,
    responses=_TEXT,
)
def checkpoint(
    caller: AuditReader, session: ReadingSession, log: LogDep
) -> PlainTextResponse:
    cosigned = service.cosigned_checkpoint(session, log.signer, log.witnessing)
    witnessed = "true" if cosigned.witnessed else "false"
    return PlainTextResponse(cosigned.note, headers={WITNESSED_HEADER: witnessed})


@router.get(
    "/log-key",
    summary="The note verifier key of the checkpoint signer (public)",
    response_class=PlainTextResponse,
    responses=_TEXT,
)
def log_key(log: LogDep) -> str:
    return log.signer.verifier_key
