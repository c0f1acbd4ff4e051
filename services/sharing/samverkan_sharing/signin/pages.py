"""The sign-in pages, in Swedish: plain HTML, no script, styled from one block."""

import base64
import hashlib
from html import escape
from urllib.parse import urlsplit

from samverkan_sharing.signin.authorization_request import AuthorizationRequest

__all__ = ["PAGE_HEADERS", "error_page", "page_headers", "sign_in_page"]

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;"
    "padding:0 1rem;color:#1b1b1b}label{display:block;margin-top:1rem}"
    "input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}"
    "button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}"
    ".fel{color:#a00;border-left:4px solid #a00;padding-left:.6rem}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
# No script at all, the one style block by its hash, forms posted only back here,
# never framed (clickjacking), never cached (the page carries the request).
_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
    "form-action 'self'{}; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": _POLICY.format(""),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def page_headers(redirect_uri: str) -> dict[str, str]:
    """The headers of a sign-in form whose answer redirects to ``redirect_uri``.

    Browsers hold the redirects that follow a form's post to form-action too
    (Chromium does): the client's origin is allowed besides this one, else the
    signed-in person's browser would be stopped on its way back to the client.
    The URI is one the client registered, compared exactly.
    """
    parts = urlsplit(redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    return {**PAGE_HEADERS, "Content-Security-Policy": _POLICY.format(f" {origin}")}


def sign_in_page(
    request: AuthorizationRequest,
    *,
    ticket: str | None = None,
    message: str | None = None,
    username: str = "",
) -> str:
    """The form: username and password; with a ``ticket`` (the password was right),
    the one-time code."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in request.form_fields().items()
    )
    fields = _credentials(username, ticket)
    notice = f'<p class="fel" role="alert">{escape(message)}</p>' if message else ""
    return _page(
        "Logga in",
        f"<h1>Logga in</h1><p>till {escape(request.client_name)}</p>{notice}"
        f'<form method="post" action="/oauth/authorize">{hidden}{fields}'
        '<button type="submit">Logga in</button></form>',
    )


def _credentials(username: str, ticket: str | None) -> str:
    if ticket is not None:
        # The password was right: it travels no further; the code is all we ask.
        return (
            f'<input type="hidden" name="username" value="{escape(username)}">'
            f'<input type="hidden" name="ticket" value="{escape(ticket)}">'
            f"<p>Användare: {escape(username)}</p>"
            '<label for="otp">Engångskod från din kodapp</label>'
            '<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code"'
            ' pattern="[0-9]{6}" required autofocus>'
        )
    return (
        '<label for="username">Användarnamn</label>'
        f'<input id="username" name="username" value="{escape(username)}"'
        ' autocomplete="username" required autofocus>'
        '<label for="password">Lösenord</label>'
        '<input id="password" name="password" type="password"'
        ' autocomplete="current-password" required>'
    )


def error_page(message: str) -> str:
    return _page(
        "Inloggningen kan inte fortsätta",
        f'<h1>Inloggningen kan inte fortsätta</h1><p class="fel">{escape(message)}</p>'
        "<p>Gå tillbaka till tjänsten du kom från och försök igen.</p>",
    )


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – Samverkan</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
