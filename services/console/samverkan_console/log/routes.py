"""The log's pages: search, one entry (verified in the browser), identity look-up
and the register extract. Identity numbers arrive only in posted forms, never in
a URL, so no log line or browser history holds one."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from samverkan_console.errors import PageError, Refused
from samverkan_console.log import evidence, service
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.web import Console, PostedForm, SignedIn, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# Before /logg/{index}: the JSON endpoints and the export have paths of their own.
router.include_router(evidence.router)

# A look-up gathers at most this many pages (of 100 entries) before saying it stopped.
_LOOKUP_PAGES = 50
_IDENTIFIER_HELP = (
    "Skriv ett personnummer, samordningsnummer eller organisationsnummer, "
    "t.ex. 19850412-4564 eller 559012-3450."
)


def _may_read_log(session: ConsoleSession) -> None:
    if not session.may("audit:read"):
        raise PageError(
            403,
            "Ingen behörighet",
            "Utlämnandeloggen kan bara läsas av den som har rollen granskare.",
        )


@router.get("/logg")
def search(request: Request, console: Console, session: SignedIn) -> HTMLResponse:
    """Entries newest first, filtered by recipient, legal basis and period."""
    _may_read_log(session)
    form = service.Search.read(request.query_params)
    rows: list[service.EntryRow] = []
    next_cursor = None
    searched = bool(request.query_params)
    if not form.errors:
        page = console.apis.get(session, "audit-log", "/v1/entries", form.api_params())
        rows = [service.entry_row(item) for item in page["items"]]
        next_cursor = page["next_cursor"]
    return render(
        request,
        "log/search.html",
        session,
        status=422 if form.errors else 200,
        form=form,
        rows=rows,
        searched=searched,
        next_page=form.query(cursor=next_cursor) if next_cursor else None,
        export_query=form.query(),
    )


@router.post("/logg/uppslag")
def lookup(
    request: Request, console: Console, session: SignedIn, form: PostedForm
) -> HTMLResponse:
    """Every disclosure about one person or company (GDPR art. 15.1 c)."""
    _may_read_log(session)
    identifier = form.get("identifier").strip()
    found = _disclosures_about(console, session, identifier)
    if isinstance(found, str):
        return render(
            request, "log/lookup.html", session, status=422, error=found, identifier=""
        )
    rows, cut = found
    return render(
        request,
        "log/lookup.html",
        session,
        error=None,
        identifier=identifier,
        rows=rows,
        cut=cut,
    )


@router.post("/logg/registerutdrag")
def register_extract(
    request: Request, console: Console, session: SignedIn, form: PostedForm
) -> HTMLResponse:
    """A printable extract of every disclosure about one person (GDPR art. 15)."""
    _may_read_log(session)
    identifier = form.get("identifier").strip()
    found = _disclosures_about(console, session, identifier)
    if isinstance(found, str):
        raise PageError(422, "Registerutdraget kunde inte göras", found)
    rows, cut = found
    today = console.clock().astimezone(service.LOCAL).date().isoformat()
    return render(
        request,
        "log/extract.html",
        session,
        identifier=identifier,
        rows=rows,
        cut=cut,
        made_on=today,
    )


@router.get("/logg/{index}")
def entry(
    request: Request,
    console: Console,
    session: SignedIn,
    index: Annotated[int, Path(ge=0, le=2**53)],
) -> HTMLResponse:
    """The decision's facts; verify.js checks the entry against the pinned key."""
    _may_read_log(session)
    item = console.apis.get(session, "audit-log", f"/v1/entries/{index}")
    return render(
        request,
        "log/entry.html",
        session,
        entry=service.entry_facts(item),
        log_key=console.settings.pinned_log_key() or "",
    )


def _disclosures_about(
    console: Console, session: ConsoleSession, identifier: str
) -> tuple[list[service.EntryRow], bool] | str:
    """The rows about ``identifier`` and whether the list was cut; or what is wrong."""
    if not 1 <= len(identifier) <= 20:
        return _IDENTIFIER_HELP
    items: list[Any] = []
    cursor = None
    for _ in range(_LOOKUP_PAGES):
        path = "/v1/subjects/lookup" + (f"?cursor={quote(cursor)}" if cursor else "")
        try:
            page = console.apis.post(
                session, "audit-log", path, {"identifier": identifier}
            )
        except Refused:
            # The log's detail names the field, never the value; ours says what to do.
            return _IDENTIFIER_HELP
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    rows = [service.entry_row(item) for item in reversed(items)]
    return rows, cursor is not None
