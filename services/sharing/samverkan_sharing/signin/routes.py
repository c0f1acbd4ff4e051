"""People sign in: the authorization endpoint's pages (OpenID Connect Core §3.1.2).

GET shows the sign-in form for a checked request (or for the pushed request its
``request_uri`` names, RFC 9126; under the FAPI 2.0 profile only those); POST checks
the password, then the one-time code, and sends the browser back to the client with a
code. An untrusted client or redirect URI gets an error page, never a redirect.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from samverkan_shared.problems import Forbidden
from samverkan_shared.service_app import ServiceApp
from samverkan_shared.sessions import ReadingSession, writing_session
from samverkan_sharing.dependencies import PersonCaller, SharingState, sharing_app
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.people.service import CodeNeeded, SignInRefused, sign_in
from samverkan_sharing.signin import service
from samverkan_sharing.signin.authorization_request import (
    AuthorizationRequest,
    RedirectedError,
    UnsafeRequest,
    authorization_request,
)
from samverkan_sharing.signin.pages import (
    PAGE_HEADERS,
    error_page,
    page_headers,
    sign_in_page,
)
from samverkan_sharing.signin.tokens import person_claims

__all__ = ["AUTHORIZE_PATH", "router"]

AUTHORIZE_PATH = "/oauth/authorize"
router = APIRouter(tags=["sign-in"])
_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}},
    303: {"description": "back to the client, with a code or an error"},
    400: {"content": {"text/html": {}}, "description": "an untrusted client"},
}
_MAX_FIELDS = 16


@router.get(
    AUTHORIZE_PATH,
    summary="Sign a person in (authorization code flow with PKCE S256)",
    response_class=HTMLResponse,
    responses=_HTML,
)
def authorize_page(request: Request, session: ReadingSession) -> Response:
    state = sharing_app(request).running.state
    issuer = state.token_issuer.issuer
    try:
        asked = authorization_request(
            session,
            dict(request.query_params),
            keyring=state.keyring,
            now=datetime.now(UTC),
            pushed_only=state.token_issuer.fapi2,
        )
    except UnsafeRequest as error:
        return _html(error_page(str(error)), 400)
    except RedirectedError as error:
        return RedirectResponse(service.error_redirect(error, issuer), 303)
    return _form(asked, sign_in_page(asked))


@router.post(
    AUTHORIZE_PATH,
    summary="The sign-in form's answer: password, then the one-time code",
    response_class=HTMLResponse,
    responses=_HTML,
)
async def authorize_answer(request: Request) -> Response:
    # The body limit (1 MiB) is the middleware's; the form has a handful of fields.
    try:
        fields = parse_qsl((await request.body()).decode(), max_num_fields=_MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return _html(error_page("Formuläret kunde inte läsas."), 400)
    return await run_in_threadpool(_answer, sharing_app(request), dict(fields))


def _answer(app: ServiceApp[SharingState], form: dict[str, str]) -> Response:
    state = app.running.state
    with writing_session(app.platform.engine, expire_on_commit=False) as session:
        try:
            asked = authorization_request(
                session,
                form,
                keyring=state.keyring,
                now=datetime.now(UTC),
                pushed_only=state.token_issuer.fapi2,
            )
        except UnsafeRequest as error:
            return _html(error_page(str(error)), 400)
        except RedirectedError as error:
            location = service.error_redirect(error, state.token_issuer.issuer)
            return RedirectResponse(location, 303)
        return _sign_in(session, state, asked, form, demo=app.platform.settings.demo)


def _sign_in(
    session: Session,
    state: SharingState,
    asked: AuthorizationRequest,
    form: dict[str, str],
    *,
    demo: bool,
) -> Response:
    now = datetime.now(UTC)
    username = form.get("username", "").strip().lower()
    ticket = form.get("ticket")
    if ticket is not None and (
        service.ticket_holder(state.keyring, asked, ticket, now) != username
    ):
        return _form(
            asked,
            sign_in_page(asked, message="Inloggningen tog för lång tid; börja om."),
        )
    try:
        person = sign_in(
            session,
            username=username,
            password=form.get("password", ""),
            code=form.get("otp") or None,
            keyring=state.keyring,
            require_totp=not demo,  # outside the demo, a second factor always
            now=now,
            password_verified=ticket is not None,
        )
    except CodeNeeded:
        proof = service.password_ticket(state.keyring, asked, username, now)
        return _form(asked, sign_in_page(asked, ticket=proof, username=username))
    except SignInRefused as refused:
        page = sign_in_page(
            asked, ticket=ticket, message=str(refused), username=username
        )
        return _form(asked, page)
    amr = ["pwd", "otp", "mfa"] if person.totp_secret else ["pwd"]  # RFC 8176
    location = service.issue_code(
        session, asked, person, amr=amr, now=now, issuer=state.token_issuer.issuer
    )
    return RedirectResponse(location, 303, headers={"Cache-Control": "no-store"})


@router.get("/oauth/userinfo", summary="The signed-in person (OpenID Connect §5.3)")
@router.post("/oauth/userinfo", summary="The signed-in person, by POST (§5.3.1)")
def userinfo(caller: PersonCaller, session: ReadingSession) -> dict[str, Any]:
    person = PersonRepository(session).get(caller.subject)
    if person is None or not person.active:
        raise Forbidden("The person's account is no longer active.")
    return {"sub": person.person_id, **person_claims(person)}


def _html(page: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(page, status, headers=PAGE_HEADERS)


def _form(asked: AuthorizationRequest, page: str) -> HTMLResponse:
    return HTMLResponse(page, 200, headers=page_headers(asked.redirect_uri))
