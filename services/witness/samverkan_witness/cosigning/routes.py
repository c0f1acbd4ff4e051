"""C2SP tlog-witness over HTTP: ``POST /add-checkpoint`` and the monitoring checkpoint.

No authentication, as the protocol says: a request is only as good as the log's
signature on its checkpoint. The protocol fixes the status codes and the 409 body
(the latest cosigned size, ``text/x.tlog.size``); other refusals are problems.
"""

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Request
from fastapi.responses import PlainTextResponse, Response

from samverkan_shared.problems import Problem, problem_responses
from samverkan_shared.sessions import read_on_thread, writing_session
from samverkan_witness.cosigning import service
from samverkan_witness.cosigning.checks import Refusal
from samverkan_witness.dependencies import EngineDep, WitnessDep

__all__ = ["router"]

router = APIRouter(tags=["witness"])
_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}
}
_SIZE: dict[int | str, dict[str, Any]] = {
    409: {"content": {"text/x.tlog.size": {"schema": {"type": "string"}}}}
}


@router.post(
    "/add-checkpoint",
    summary="Cosign a log's checkpoint (C2SP tlog-witness)",
    response_class=PlainTextResponse,
    responses={**_TEXT, **_SIZE, **problem_responses(400, 403, 404, 422)},
    # Read raw: `old <size>`, proof lines, a blank line, the signed checkpoint.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def add_checkpoint(
    request: Request, engine: EngineDep, witness: WitnessDep
) -> Response:
    body = await request.body()

    def work() -> str:
        with writing_session(engine) as session:
            return service.add_checkpoint(
                session, body, witness.logs.keys_for, witness.signer
            )

    try:
        line = await anyio.to_thread.run_sync(work)
    except Refusal as refusal:
        if refusal.latest_size is not None:
            return Response(
                f"{refusal.latest_size}\n", 409, media_type="text/x.tlog.size"
            )
        raise Problem(refusal.detail, status=refusal.status) from None
    return PlainTextResponse(line)


@router.get(
    "/{origin_hash}/checkpoint",
    summary="The newest checkpoint cosigned for a log (by SHA-256 of its origin)",
    response_class=PlainTextResponse,
    responses={**_TEXT, **problem_responses(404)},
)
async def checkpoint(
    origin_hash: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], engine: EngineDep
) -> str:
    note = await read_on_thread(
        engine, lambda session: service.latest_checkpoint(session, origin_hash)
    )
    if note is None:
        raise Problem("this witness has cosigned no checkpoint of that log", status=404)
    return note


@router.get(
    "/v1/witness-key",
    summary="This witness's cosigner verifier key (public, for logs and verifiers)",
    response_class=PlainTextResponse,
    responses=_TEXT,
)
async def witness_key(witness: WitnessDep) -> str:
    return witness.signer.key.encode()
