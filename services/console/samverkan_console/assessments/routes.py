"""`/bedomningar`: the queue of requests awaiting assessment, and one request's page
where the assessor writes the assessment and proposes a decision per held field."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from samverkan_console.assessments.service import (
    CatalogueCache,
    QueuePage,
    RequestView,
    assessment_body,
    name_fields,
    queue_page,
    request_view,
)
from samverkan_console.errors import PageError, Refused
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.state import ConsoleState
from samverkan_console.web import Console, PostedForm, SignedIn, render

__all__ = [
    "Cursor",
    "DisclosureId",
    "load_request",
    "queue",
    "require",
    "router",
]

router = APIRouter(include_in_schema=False)

DisclosureId = Annotated[
    str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")
]
Cursor = Annotated[str | None, Query(max_length=500)]
_ASSESS = "disclosures:assess"
_REQUESTS = "/v1/disclosure-requests"
# One per console process: the catalogue is the same for every person (see the class).
_catalogues = CatalogueCache()


def require(session: ConsoleSession, scope: str, work: str) -> None:
    """A 403 page unless the person's token carries ``scope``."""
    if not session.may(scope):
        raise PageError(
            403,
            "Ingen behörighet",
            f"Du har inte behörighet att {work}. Be den som administrerar konton "
            "om rollen om du behöver den.",
        )


def queue(
    console: ConsoleState, session: ConsoleSession, status: str, cursor: str | None
) -> QueuePage:
    """One page of disclosures in ``status``, oldest first."""
    params: dict[str, str | int] = {"status": status, "order": "asc", "limit": 50}
    if cursor:
        params["cursor"] = cursor
    answer = console.apis.get(session, "sharing", _REQUESTS, params)
    return queue_page(answer, console.clock())


def load_request(
    console: ConsoleState, session: ConsoleSession, disclosure_id: str
) -> RequestView:
    disclosure = console.apis.get(session, "sharing", f"{_REQUESTS}/{disclosure_id}")
    catalogue = _catalogues.rules(
        disclosure["catalogue_version"],
        lambda: console.apis.get(session, "sharing", "/v1/rules"),
    )
    return request_view(disclosure, catalogue, console.clock())


@router.get("/bedomningar")
def assessment_queue(
    request: Request, console: Console, session: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    require(session, _ASSESS, "bedöma utlämnanden")
    page = queue(console, session, "awaiting_assessment", cursor)
    return render(request, "assessments/queue.html", session, page=page)


@router.get("/bedomningar/{disclosure_id}")
def assessment_page(
    request: Request, console: Console, session: SignedIn, disclosure_id: DisclosureId
) -> HTMLResponse:
    require(session, _ASSESS, "bedöma utlämnanden")
    view = load_request(console, session, disclosure_id)
    return _page(request, session, view)


@router.post("/bedomningar/{disclosure_id}", response_model=None)
def assess(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    disclosure_id: DisclosureId,
) -> HTMLResponse | RedirectResponse:
    require(session, _ASSESS, "bedöma utlämnanden")
    view = load_request(console, session, disclosure_id)
    held = [f.name for f in view.held]
    body = assessment_body(form.get("assessment"), held, form.get)
    try:
        console.apis.post(
            session, "sharing", f"{_REQUESTS}/{disclosure_id}/assessment", body
        )
    except Refused as refusal:
        detail = name_fields(str(refusal), held)
        error = f"Delningstjänsten tog inte emot bedömningen: {detail}"
        return _page(request, session, view, error=error, typed=dict(form.items()))
    return RedirectResponse(f"/bedomningar/{disclosure_id}", status_code=303)


def _page(
    request: Request,
    session: ConsoleSession,
    view: RequestView,
    *,
    error: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "assessments/request.html",
        session,
        status=422 if error else 200,
        view=view,
        error=error,
        typed=typed or {},
    )
