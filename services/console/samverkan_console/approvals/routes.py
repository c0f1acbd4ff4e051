"""`/godkannanden`: assessed requests waiting for a second person's decision, and
the page where that person approves or denies the assessment."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from samverkan_console.approvals.service import approval_body, decidable
from samverkan_console.assessments.routes import (
    Cursor,
    DisclosureId,
    load_request,
    queue,
    require,
)
from samverkan_console.assessments.service import RequestView
from samverkan_console.errors import PageError, Refused
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.web import Console, PostedForm, SignedIn, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_APPROVE = "disclosures:approve"
_WORK = "godkänna utlämnanden"


@router.get("/godkannanden")
def approval_queue(
    request: Request, console: Console, session: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    require(session, _APPROVE, _WORK)
    page = queue(console, session, "assessed", cursor)
    return render(request, "approvals/queue.html", session, page=page)


@router.get("/godkannanden/{disclosure_id}")
def approval_page(
    request: Request, console: Console, session: SignedIn, disclosure_id: DisclosureId
) -> HTMLResponse:
    require(session, _APPROVE, _WORK)
    view = load_request(console, session, disclosure_id)
    return _page(request, session, view)


@router.post("/godkannanden/{disclosure_id}", response_model=None)
def decide(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    disclosure_id: DisclosureId,
) -> HTMLResponse | RedirectResponse:
    require(session, _APPROVE, _WORK)
    body = approval_body(form.get("decision"), form.get("reason"))
    path = f"/v1/disclosure-requests/{disclosure_id}/approval"
    try:
        console.apis.post(session, "sharing", path, body)
    except Refused as refusal:
        error, status = f"Delningstjänsten tog inte emot beslutet: {refusal}", 422
    except PageError as refusal:
        if refusal.status != 403:
            raise
        # The service's own four-eyes check: shown on the page, not instead of it.
        error, status = f"Delningstjänsten vägrade: {refusal.detail}", 403
    else:
        return RedirectResponse(f"/godkannanden/{disclosure_id}", status_code=303)
    view = load_request(console, session, disclosure_id)
    return _page(request, session, view, error=error, status=status, typed=body)


def _page(
    request: Request,
    session: ConsoleSession,
    view: RequestView,
    *,
    error: str = "",
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "approvals/request.html",
        session,
        status=status,
        view=view,
        may=decidable(view, session.person.subject),
        error=error,
        typed=typed or {},
    )
