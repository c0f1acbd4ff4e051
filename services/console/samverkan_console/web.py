"""What every page shares: the signed-in person, checked forms, rendering, headers."""

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samverkan_console.errors import PageError, SignInNeeded
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.state import ConsoleState, console_state

__all__ = [
    "SESSION_COOKIE",
    "Console",
    "PostedForm",
    "SecurityHeaders",
    "SignedIn",
    "install_page_errors",
    "local_page",
    "render",
]

SESSION_COOKIE = "samverkan_console"
_MAX_FIELDS = 1000
# Scripts and styles only from the console itself, nothing inline; forms post only
# here; never framed.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Console = Annotated[ConsoleState, Depends(console_state)]

# What each part of the console needs; the navigation shows only what the token allows.
_NAVIGATION = (
    ("/bedomningar", "Att bedöma", "disclosures:assess"),
    ("/godkannanden", "Att godkänna", "disclosures:approve"),
    ("/logg", "Utlämnandeloggen", "audit:read"),
    ("/statistik", "Statistik", "audit:read"),
    ("/tips/nytt", "Lämna tips", "tips:write"),
    ("/arenden", "Tipsärenden", "tips:read"),
    ("/tipsstatistik", "Tipsstatistik", "tips:read"),
)


class SecurityHeaders:
    """Every answer gets the headers; pages (not the static files) are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_HEADERS]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def signed_in(request: Request, console: Console) -> ConsoleSession:
    session = console.sessions.find(
        request.cookies.get(SESSION_COOKIE), console.clock()
    )
    if session is None:
        raise SignInNeeded("")
    return session


SignedIn = Annotated[ConsoleSession, Depends(signed_in)]


@dataclass(frozen=True)
class Form:
    """A posted form whose CSRF token matched the session's."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.pairs if key == name), default)

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)


async def posted_form(request: Request, session: SignedIn) -> Form:
    """The body of a form post, refused unless it carries the session's token."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        raise PageError(400, "Felaktigt formulär", "Formuläret kunde inte läsas.")
    try:
        pairs = parse_qsl(
            (await request.body()).decode(),
            keep_blank_values=True,
            max_num_fields=_MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise PageError(
            400, "Felaktigt formulär", "Formuläret kunde inte läsas."
        ) from None
    form = Form(tuple(pairs))
    if not hmac.compare_digest(form.get("csrf"), session.csrf):
        raise PageError(
            403,
            "Formuläret har gått ut",
            "Formuläret kom inte från den här inloggningen. Ladda om sidan och försök "
            "igen.",
        )
    return form


PostedForm = Annotated[Form, Depends(posted_form)]


def render(
    request: Request,
    template: str,
    session: ConsoleSession | None = None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    console = console_state(request)
    navigation = [
        (href, label)
        for href, label, scope in _NAVIGATION
        if session is not None and session.may(scope)
    ]
    html = console.pages.get_template(template).render(
        session=session,
        person=session.person if session else None,
        csrf=session.csrf if session else "",
        navigation=navigation,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def local_page(target: str | None) -> str:
    """``target`` if it is a page of the console's own, else the start page (no open
    redirects: never another host, never a scheme-relative URL)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def sign_in_redirect(request: Request) -> RedirectResponse:
    here = request.url.path if request.method == "GET" else "/"
    if request.method == "GET" and request.url.query:
        here = f"{here}?{request.url.query}"
    return RedirectResponse(f"/auth/login?{urlencode({'next': here})}", 303)


def install_page_errors(app: FastAPI) -> None:
    async def sign_in_needed(request: Request, error: Exception) -> Response:
        return sign_in_redirect(request)

    async def page_error(request: Request, error: Exception) -> Response:
        if isinstance(error, RequestValidationError):
            error = PageError(422, "Felaktig adress", _invalid(error))
        elif isinstance(error, StarletteHTTPException):
            error = PageError(
                error.status_code,
                *_HTTP_PAGES.get(error.status_code, ("Fel", str(error.detail))),
            )
        if not isinstance(error, PageError):
            raise error
        return error_page(request, error)

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(StarletteHTTPException, page_error)
    app.add_exception_handler(RequestValidationError, page_error)


_HTTP_PAGES = {
    404: ("Sidan finns inte", "Det finns ingen sida på den här adressen."),
    405: ("Fel metod", "Sidan kan inte användas så."),
}


def error_page(request: Request, error: PageError) -> HTMLResponse:
    console = console_state(request)
    session = console.sessions.find(
        request.cookies.get(SESSION_COOKIE), console.clock()
    )
    response = render(
        request,
        "error.html",
        session,
        status=error.status,
        title=error.title,
        detail=error.detail,
    )
    if error.status == 503:
        response.headers["Retry-After"] = "5"
    return response


def _invalid(error: RequestValidationError) -> str:
    names = sorted({str(item["loc"][-1]) for item in error.errors() if item["loc"]})
    return f"Värdet på {', '.join(names) or 'adressen'} går inte att läsa."
