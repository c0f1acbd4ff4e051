"""`/tips/nytt`: a municipal officer files a tip about a supplier, as themselves.

Each rendering of the form carries a fresh key; the tips service files a body once
per key (Idempotency-Key), so a double submit or a resend files one tip.
"""

import re
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from samverkan_console.assessments.routes import require
from samverkan_console.casework.routes import agreements
from samverkan_console.errors import Refused
from samverkan_console.reporting import service
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.state import ConsoleState
from samverkan_console.web import Console, PostedForm, SignedIn, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_WRITE = "tips:write"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@router.get("/tips/nytt")
def tip_form(request: Request, console: Console, session: SignedIn) -> HTMLResponse:
    require(session, _WRITE, "lämna tips")
    return _form(request, console, session, service.TipForm.empty())


@router.post("/tips/nytt", response_model=None)
def file_tip(
    request: Request, console: Console, session: SignedIn, form: PostedForm
) -> HTMLResponse | RedirectResponse:
    require(session, _WRITE, "lämna tips")
    typed = service.TipForm.read(form.get, form.all)
    municipality = session.person.municipality_code
    if municipality is None:
        return _form(request, console, session, typed)
    key = form.get("nyckel")
    if not _KEY.fullmatch(key):
        key = _new_key()
    # The person's id in the key: two people's forms can never share one.
    headers = {"Idempotency-Key": f"{session.person.subject}.{key}"}
    try:
        tip = console.apis.post(
            session, "tips", "/v1/tips", typed.body(municipality), headers
        )
    except Refused as refusal:
        errors = service.field_errors(refusal.errors, typed.person_rows())
        return _form(
            request, console, session, typed, errors=errors, detail=str(refusal)
        )
    return RedirectResponse(f"/arenden/{tip['id']}?inlamnat=1", status_code=303)


def _form(
    request: Request,
    console: ConsoleState,
    session: ConsoleSession,
    typed: service.TipForm,
    *,
    errors: service.FieldErrors | None = None,
    detail: str = "",
) -> HTMLResponse:
    refused = errors is not None
    return render(
        request,
        "reporting/form.html",
        session,
        status=422 if refused else 200,
        agreements=service.agreement_choices(agreements(console, session).values()),
        typed=typed,
        errors=errors or {},
        # A refusal about no field of the form: the service's own words.
        detail=detail if refused and not errors else "",
        key=_new_key(),
        municipality=session.person.municipality_code,
        categories=service.CATEGORIES,
        activities=service.ACTIVITIES,
        marks=service.NARRATIVE_MARKS,
        roles=service.PERSON_ROLES,
        rows=range(service.PERSON_ROWS),
    )


def _new_key() -> str:
    return secrets.token_urlsafe(24)
