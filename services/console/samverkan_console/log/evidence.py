"""What the browser and the spreadsheet read: proofs as JSON, exports as files.

The JSON endpoints answer errors as RFC 9457 problems (a script reads them, not a
person), and an expired sign-in as a 401 problem rather than a redirect.
"""

from collections.abc import Callable, Iterator
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from samverkan_console.errors import PageError, Refused, SignInNeeded
from samverkan_console.log import service
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.web import SESSION_COOKIE, Console, SignedIn

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_AUDIT = "audit:read"
_NO_SCOPE = "Du har inte behörighet att läsa utlämnandeloggen."
_MAX_INDEX = 2**53  # the browser counts in doubles; no log comes near this


def problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status, media_type="application/problem+json")


def _answer(
    request: Request, console: Console, build: Callable[[ConsoleSession], Any]
) -> Response:
    """``build``'s JSON for the signed-in person with audit:read, else a problem."""
    session = console.sessions.find(
        request.cookies.get(SESSION_COOKIE), console.clock()
    )
    if session is None:
        return problem(401, "Inte inloggad", "Logga in igen och ladda om sidan.")
    if not session.may(_AUDIT):
        return problem(403, "Ingen behörighet", _NO_SCOPE)
    try:
        return JSONResponse(build(session))
    except SignInNeeded as error:
        return problem(401, "Inte inloggad", str(error) or "Logga in igen.")
    except PageError as error:
        return problem(error.status, error.title, error.detail)
    except (Refused, ValueError) as error:
        return problem(502, "Oväntat svar från loggen", str(error))


@router.get("/logg/konsistens")
def consistency(
    request: Request,
    console: Console,
    first: Annotated[int, Query(ge=0, le=_MAX_INDEX)],
    second: Annotated[int, Query(ge=0, le=_MAX_INDEX)],
) -> Response:
    """The log's RFC 9162 §2.1.4 proof that the tree of ``first`` leaves is a
    prefix of that of ``second``: the browser checks it against both roots."""
    if first > second:
        return problem(422, "Felaktig fråga", "first får inte vara större än second.")

    def build(session: ConsoleSession) -> dict[str, Any]:
        params = {"first": first, "second": second}
        proof = console.apis.get(session, "audit-log", "/v1/proofs/consistency", params)
        return {"first": first, "second": second, "consistency": proof["hashes"]}

    return _answer(request, console, build)


@router.get("/logg/{index}/bevis")
def inclusion(
    request: Request,
    console: Console,
    index: Annotated[int, Path(ge=0, le=_MAX_INDEX)],
) -> Response:
    """The entry's leaf, the log's current checkpoint and the RFC 9162 §2.1.3
    inclusion proof up to it; the browser verifies all three."""

    def build(session: ConsoleSession) -> dict[str, Any]:
        apis = console.apis
        item = apis.get(session, "audit-log", f"/v1/entries/{index}")
        note = apis.get_text(session, "audit-log", "/v1/checkpoint")
        size = service.checkpoint_size(note)
        params = {"index": index, "tree_size": size}
        proof = apis.get(session, "audit-log", "/v1/proofs/inclusion", params)
        return service.proof_bundle(item, note, size, proof["hashes"])

    return _answer(request, console, build)


@router.get("/logg/export")
def export(
    console: Console,
    session: SignedIn,
    export_format: Annotated[str, Query(alias="format")] = "csv",
    period_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    period_to: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> StreamingResponse:
    """The period's entries as the log exports them, streamed through as a file."""
    if not session.may(_AUDIT):
        raise PageError(403, "Ingen behörighet", _NO_SCOPE)
    search = service.Search.read({"from": period_from, "to": period_to})
    if export_format not in service.EXPORT_FORMATS or search.errors:
        raise PageError(
            422, "Felaktig export", " ".join(search.errors) or "Okänt format."
        )
    params = {"format": export_format, **search.api_params()}
    for key in ("order", "limit"):
        params.pop(key)
    upstream = console.apis.stream(session, "audit-log", "/v1/export", params)
    name = service.export_filename(export_format, period_from, period_to)
    return StreamingResponse(
        _passed_on(upstream),
        media_type=upstream.headers.get("content-type", "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _passed_on(upstream: httpx.Response) -> Iterator[bytes]:
    try:
        yield from upstream.iter_bytes()
    finally:
        upstream.close()
