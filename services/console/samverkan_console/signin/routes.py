"""`/auth/login`, `/auth/callback`, `/auth/logout`: signing in at the provider.

The session cookie is SameSite=Strict, so a browser arriving from the provider (another
site in production) would not send it on the callback's redirect; the pending sign-in
travels in its own short Lax cookie, and the callback answers with a page that moves
on by itself: a navigation of the console's own, which carries the Strict cookie.
"""

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samverkan_console.errors import PageError
from samverkan_console.settings import MissingClient
from samverkan_console.signin.service import (
    DPoPUnsupported,
    ProviderUnreachable,
    SignInFailed,
)
from samverkan_console.web import (
    SESSION_COOKIE,
    Console,
    PostedForm,
    SignedIn,
    local_page,
    render,
)

__all__ = ["router"]

router = APIRouter(prefix="/auth", include_in_schema=False)

PENDING_COOKIE = "samverkan_console_signin"
_ANSWER = ("code", "state", "iss", "error", "error_description")


@router.get("/login")
def login(
    console: Console,
    next_page: Annotated[str | None, Query(alias="next", max_length=500)] = None,
) -> Response:
    try:
        key, pending = console.sessions.begin_sign_in(
            local_page(next_page), console.clock()
        )
        target = console.provider.authorization_url(pending)
    except ProviderUnreachable:
        raise PageError(
            503,
            "Inloggningen svarar inte",
            "Det gick inte att nå inloggningstjänsten. Försök igen strax.",
        ) from None
    except OverflowError:
        raise PageError(503, "För många inloggningar", "Försök igen strax.") from None
    except DPoPUnsupported as unsupported:
        raise PageError(
            503,
            "Inloggningstjänsten binder inte token",
            "Konsolen tar bara emot token bundna till sin nyckel (DPoP), och "
            "inloggningstjänsten säger inte att den kan binda dem. Den som driftar "
            f"konsolen behöver åtgärda det: {unsupported}",
        ) from None
    except MissingClient as missing:
        raise PageError(
            503,
            "Konsolen är inte registrerad",
            "Konsolen har ingen klientregistrering hos inloggningstjänsten ännu. "
            f"Den som driftar konsolen behöver åtgärda det: {missing}",
        ) from None
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        key,
        max_age=600,
        path="/auth",
        httponly=True,
        secure=console.settings.secure_cookies,
        samesite="lax",
    )
    return response


@router.get("/callback")
def callback(request: Request, console: Console) -> Response:
    now = console.clock()
    pending = console.sessions.finish_sign_in(request.cookies.get(PENDING_COOKIE), now)
    if pending is None:
        raise PageError(
            400,
            "Inloggningen gick inte att slutföra",
            "Inloggningen har gått ut eller slutförts redan. Börja om.",
        )
    answer = {k: request.query_params[k] for k in _ANSWER if k in request.query_params}
    try:
        person, tokens = console.provider.redeem(pending, answer, now)
    except SignInFailed as error:
        raise PageError(400, "Inloggningen misslyckades", str(error)) from None
    except ProviderUnreachable:
        raise PageError(503, "Inloggningen svarar inte", "Försök igen strax.") from None
    session = console.sessions.start(person, tokens, now)
    response = render(request, "signed_in.html", session, next_page=pending.next_page)
    response.delete_cookie(PENDING_COOKIE, path="/auth")
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        path="/",
        httponly=True,
        secure=console.settings.secure_cookies,
        samesite="strict",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, console: Console, session: SignedIn, form: PostedForm
) -> HTMLResponse:
    """End the session here and revoke its tokens at the provider."""
    console.sessions.end(session.id)
    # The session is gone here whatever the provider says; unrevoked tokens expire.
    with suppress(ProviderUnreachable):
        console.provider.revoke(session.tokens)
    response = render(request, "signed_out.html")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
