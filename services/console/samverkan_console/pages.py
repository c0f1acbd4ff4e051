"""The start page and the operations endpoints."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from samverkan_console.signin.service import ProviderUnreachable
from samverkan_console.web import SESSION_COOKIE, Console, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def start(request: Request, console: Console) -> HTMLResponse:
    """Signed in: what the person can do; else the way to sign in."""
    session = console.sessions.find(
        request.cookies.get(SESSION_COOKIE), console.clock()
    )
    return render(request, "start.html", session)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(console: Console) -> Response:
    """Ready when the OpenID provider's metadata can be read: without it nobody
    can sign in."""
    try:
        console.provider.metadata()
    except ProviderUnreachable:
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "Not ready: the OpenID provider is not reachable.",
            },
            status_code=503,
            media_type="application/problem+json",
            headers={"Retry-After": "5"},
        )
    return JSONResponse({"status": "ready", "checks": {"provider": "ok"}})
