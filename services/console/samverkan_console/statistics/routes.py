"""The statistics page: the log's disclosures per month, and the queue's age when
the person's token may read the queue."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from samverkan_console.errors import PageError
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.statistics import service
from samverkan_console.web import Console, SignedIn, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# The audit-log's largest page; the sharing service's.
_LOG_PAGE = 1000
_QUEUE_PAGE = 100
_QUEUE_MAX = 1000


@router.get("/statistik")
def statistics(request: Request, console: Console, session: SignedIn) -> HTMLResponse:
    if not session.may("audit:read"):
        raise PageError(
            403,
            "Ingen behörighet",
            "Statistiken bygger på utlämnandeloggen och kräver rollen granskare.",
        )
    now = console.clock()
    period = service.Period.read(
        request.query_params.get("fran", ""),
        request.query_params.get("till", ""),
        now.astimezone(service.LOCAL).date(),
    )
    figures: dict[str, Any] = {"error": period.error}
    if period.error is None:
        entries, cut = _entries(console, session, period)
        by_recipient, by_basis = service.count_by_month(entries, period)
        figures |= {
            "count": len(entries),
            "cut": cut,
            "by_recipient": by_recipient,
            "by_basis": by_basis,
            "recipient_chart": service.chart(by_recipient),
            "basis_chart": service.chart(by_basis),
        }
    queue = None
    if session.may("disclosures:assess") or session.may("disclosures:approve"):
        queue = _queue(console, session, now)
    return render(
        request,
        "statistics/statistics.html",
        session,
        status=422 if period.error else 200,
        period=period,
        max_entries=service.MAX_ENTRIES,
        queue=queue,
        **figures,
    )


def _entries(
    console: Console, session: ConsoleSession, period: service.Period
) -> tuple[list[dict[str, Any]], bool]:
    """The period's entries, at most MAX_ENTRIES; True if there were more."""
    entries: list[dict[str, Any]] = []
    params: dict[str, str | int] = {**period.api_params(), "limit": _LOG_PAGE}
    while True:
        page = console.apis.get(session, "audit-log", "/v1/entries", params)
        entries += [item["entry"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return entries, False
        if len(entries) >= service.MAX_ENTRIES:
            return entries[: service.MAX_ENTRIES], True
        params["cursor"] = cursor


def _queue(console: Console, session: ConsoleSession, now: Any) -> service.Queue:
    items: list[dict[str, Any]] = []
    params: dict[str, str | int] = {
        "status": "awaiting_assessment",
        "order": "asc",
        "limit": _QUEUE_PAGE,
    }
    while True:
        page = console.apis.get(session, "sharing", "/v1/disclosure-requests", params)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None or len(items) >= _QUEUE_MAX:
            return service.queue_age(items, now, cut=cursor is not None)
        params["cursor"] = cursor
