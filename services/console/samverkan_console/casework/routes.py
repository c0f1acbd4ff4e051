"""`/arenden`: the tips a person may read, with their due dates (the agreement
owner's case list), and one tip's page, where the owner's case officer moves it,
writes case notes, and stops or lifts call-offs from its supplier on its agreement.

What the list holds is the tips service's rule, not the console's: the filing
organisation's tips, and with tips:manage those on the agreements its organisation
owns.
"""

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from samverkan_console.assessments.routes import require
from samverkan_console.casework import service
from samverkan_console.errors import Refused
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.state import ConsoleState
from samverkan_console.web import Console, PostedForm, SignedIn, render

__all__ = ["TipId", "agreements", "router"]

router = APIRouter(include_in_schema=False)

TipId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]
Cursor = Annotated[str | None, Query(max_length=500)]
_READ = "tips:read"
_MANAGE = "tips:manage"
_AGREEMENTS_MAX = 500
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def agreements(
    console: ConsoleState, session: ConsoleSession
) -> dict[str, service.Agreement]:
    """Every framework agreement by id (the service lists them by id)."""
    found: dict[str, service.Agreement] = {}
    params: dict[str, str | int] = {"limit": 100}
    while len(found) < _AGREEMENTS_MAX:
        page = console.apis.get(session, "tips", "/v1/agreements", params)
        found |= {item["id"]: service.Agreement.of(item) for item in page["items"]}
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    return found


@router.get("/arenden")
def case_list(
    request: Request, console: Console, session: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    require(session, _READ, "läsa tips")
    known = agreements(console, session)
    chosen = service.CaseFilter.read(request.query_params, known)
    params = chosen.api_params()
    if cursor:
        params["cursor"] = cursor
    answer = console.apis.get(session, "tips", "/v1/tips", params)
    return render(
        request,
        "casework/list.html",
        session,
        page=service.case_page(answer, known),
        chosen=chosen,
        agreements=sorted(known.values(), key=lambda a: a.name),
        statuses=service.STATUSES,
        manages=session.may(_MANAGE),
    )


@router.get("/arenden/{tip_id}")
def tip_page(
    request: Request, console: Console, session: SignedIn, tip_id: TipId
) -> HTMLResponse:
    require(session, _READ, "läsa tips")
    filed = request.query_params.get("inlamnat") == "1"
    return _page(request, console, session, tip_id, filed=filed)


@router.post("/arenden/{tip_id}/flytt", response_model=None)
def move(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    tip_id: TipId,
) -> HTMLResponse | RedirectResponse:
    require(session, _MANAGE, "utreda tips")
    terms = [int(term) for term in form.all("villkor") if term.isdigit()]
    body = {"to": form.get("to"), "reason": form.get("skal"), "breached_terms": terms}
    try:
        console.apis.post(session, "tips", f"/v1/tips/{tip_id}/transitions", body)
    except Refused as refusal:
        error = service.move_refused(refusal.status, refusal.errors)
        return _page(
            request, console, session, tip_id, error=error, typed=dict(form.items())
        )
    return RedirectResponse(f"/arenden/{tip_id}", status_code=303)


@router.post("/arenden/{tip_id}/anteckningar", response_model=None)
def add_note(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    tip_id: TipId,
) -> HTMLResponse | RedirectResponse:
    require(session, _MANAGE, "utreda tips")
    key = form.get("nyckel")
    if not _KEY.fullmatch(key):
        key = secrets.token_urlsafe(24)
    # As for a tip: the person's id in the key, a fresh key with every form.
    headers = {"Idempotency-Key": f"{session.person.subject}.{key}"}
    body = {"text": form.get("anteckning")}
    try:
        console.apis.post(session, "tips", f"/v1/tips/{tip_id}/notes", body, headers)
    except Refused as refusal:
        error = service.note_refused(refusal.errors)
        return _page(
            request,
            console,
            session,
            tip_id,
            note_error=error,
            typed=dict(form.items()),
        )
    return RedirectResponse(f"/arenden/{tip_id}#handelser", status_code=303)


@router.post("/arenden/{tip_id}/avropsstopp", response_model=None)
def stop_call_offs(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    tip_id: TipId,
) -> HTMLResponse | RedirectResponse:
    return _call_offs(request, console, session, form, tip_id, stopping=True)


@router.post("/arenden/{tip_id}/avropsstopp/hav", response_model=None)
def lift_call_offs(
    request: Request,
    console: Console,
    session: SignedIn,
    form: PostedForm,
    tip_id: TipId,
) -> HTMLResponse | RedirectResponse:
    return _call_offs(request, console, session, form, tip_id, stopping=False)


def _call_offs(
    request: Request,
    console: ConsoleState,
    session: ConsoleSession,
    form: PostedForm,
    tip_id: str,
    *,
    stopping: bool,
) -> HTMLResponse | RedirectResponse:
    """Stop (or lift) call-offs from the tip's supplier on the tip's agreement only,
    citing the tip: its supplier and agreement as the service has them, not as a
    form says."""
    require(session, _MANAGE, "stoppa avrop")
    tip = console.apis.get(session, "tips", f"/v1/tips/{tip_id}")
    path = f"/v1/suppliers/{tip['supplier']['org_number']}/call-off-stop"
    body = {
        "reason": form.get("avropsskal"),
        "tip_ids": [tip_id],
        "agreement_ids": [tip["agreement_id"]],
    }
    try:
        if stopping:
            console.apis.post(session, "tips", path, body)
        else:
            console.apis.delete(session, "tips", path, body)
    except Refused as refusal:
        error = service.call_off_refused(stopping, refusal.status, refusal.errors)
        return _page(
            request,
            console,
            session,
            tip_id,
            call_off_error=error,
            typed=dict(form.items()),
        )
    return RedirectResponse(f"/arenden/{tip_id}#avrop", status_code=303)


def _page(
    request: Request,
    console: ConsoleState,
    session: ConsoleSession,
    tip_id: str,
    *,
    filed: bool = False,
    error: str = "",
    note_error: str = "",
    call_off_error: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    tip = console.apis.get(session, "tips", f"/v1/tips/{tip_id}")
    timeline = console.apis.get(session, "tips", f"/v1/tips/{tip_id}/timeline")
    supplier = console.apis.get(
        session, "tips", f"/v1/suppliers/{tip['supplier']['org_number']}"
    )
    agreement = agreements(console, session).get(tip["agreement_id"])
    owner = agreement.owner if agreement else None
    manages = session.may(_MANAGE) and owner == session.person.org_number
    return render(
        request,
        "casework/tip.html",
        session,
        status=422 if error or note_error or call_off_error else 200,
        view=service.tip_view(tip, agreement, manages, timeline, supplier),
        filed=filed,
        error=error,
        note_error=note_error,
        call_off_error=call_off_error,
        typed=typed or {},
        key=secrets.token_urlsafe(24),
    )
