"""A relying party over HTTP: signs a person in at an issuer's sign-in pages and
redeems the code, as a case system or `samverkan people sign-in` does.

The authorization code flow with PKCE S256 (RFC 7636), a fresh ``state`` and
``nonce``, the answer's ``state`` and ``iss`` checked (RFC 9207) before the code
is redeemed at the token endpoint with the client's secret; the ID token is then
verified against the issuer's JWKS (``samverkan_sharing.signin.id_token``).
"""

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from samverkan_sharing.signin.id_token import InvalidIdToken, verify_id_token

__all__ = ["Person", "RelyingParty", "SignInFailed", "sign_in"]


class SignInFailed(Exception):
    """The person is not signed in; the message says why (the page's own words
    when the sign-in page refused)."""


@dataclass(frozen=True)
class RelyingParty:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    # Asked only when the sign-in page asks for the one-time code.
    one_time_code: Callable[[], str]


def sign_in(http: httpx.Client, party: RelyingParty, person: Person) -> dict[str, Any]:
    """The token response (access token, ID token, scope …) for ``person``."""
    metadata = _metadata(http, party.issuer)
    verifier = secrets.token_urlsafe(48)
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    page = http.get(
        metadata["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": party.client_id,
            "redirect_uri": party.redirect_uri,
            "scope": party.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
        },
        follow_redirects=False,
    )
    answer = _answer_the_pages(http, page, person)
    code = _code(answer, state=state, issuer=party.issuer)
    redeemed = http.post(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": party.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(party.client_id, party.client_secret),
    )
    if redeemed.status_code != 200:
        raise SignInFailed(f"the token endpoint refused the code: {_oauth(redeemed)}")
    tokens: dict[str, Any] = redeemed.json()
    if "openid" in party.scope.split():
        _verify(http, metadata, party, tokens, nonce)
    return tokens


def _verify(
    http: httpx.Client,
    metadata: dict[str, str],
    party: RelyingParty,
    tokens: dict[str, Any],
    nonce: str,
) -> None:
    """The ID token must be the issuer's answer to this sign-in (OIDC Core §3.1.3.7)."""
    if not isinstance(tokens.get("id_token"), str):
        raise SignInFailed("the token response has no ID token")
    try:
        verify_id_token(
            tokens["id_token"],
            _jwks(http, metadata),
            issuer=party.issuer,
            client_id=party.client_id,
            nonce=nonce,
        )
    except InvalidIdToken as refused:
        raise SignInFailed(f"the ID token is refused: {refused}") from None


def _jwks(http: httpx.Client, metadata: dict[str, str]) -> dict[str, Any]:
    url = metadata.get("jwks_uri")
    if not url:
        raise SignInFailed("the issuer's discovery document names no jwks_uri")
    response = http.get(url)
    if response.status_code != 200:
        raise SignInFailed(f"{url}: HTTP {response.status_code}")
    try:
        keys: dict[str, Any] = response.json()
    except ValueError:
        raise SignInFailed(f"{url} is not a JSON key set") from None
    return keys


def _metadata(http: httpx.Client, issuer: str) -> dict[str, str]:
    """OpenID Connect Discovery; its issuer must be the one we asked."""
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    response = http.get(url)
    if response.status_code != 200:
        raise SignInFailed(f"{url}: HTTP {response.status_code}")
    metadata: dict[str, str] = response.json()
    if metadata.get("issuer") != issuer.rstrip("/"):
        raise SignInFailed(
            f"{url} names the issuer {metadata.get('issuer')!r}, not {issuer!r}"
        )
    return metadata


def _answer_the_pages(
    http: httpx.Client, page: httpx.Response, person: Person
) -> httpx.Response:
    """Fill in the password form, then the one-time code if the page asks for it."""
    form = _page_form(page)
    filled = {"username": person.username, "password": person.password}
    answer = http.post(
        form.action, data={**form.inputs, **filled}, follow_redirects=False
    )
    if answer.status_code == 200 and "otp" in _Form.of(answer.text).inputs:
        form = _page_form(answer)
        answer = http.post(
            form.action,
            data={**form.inputs, "otp": person.one_time_code()},
            follow_redirects=False,
        )
    if answer.status_code != 303:
        raise SignInFailed(_page_message(answer))
    return answer


def _page_form(page: httpx.Response) -> "_Form":
    form = _Form.of(page.text) if page.status_code == 200 else None
    if form is None or form.refusal or not form.action:
        raise SignInFailed(_page_message(page))
    form.action = str(page.url.join(form.action))
    return form


def _code(answer: httpx.Response, *, state: str, issuer: str) -> str:
    query = _query(answer.headers.get("location", ""))
    if query.get("state") != state:
        raise SignInFailed("the answer's state is not the one sent (a forged answer?)")
    if query.get("iss") != issuer.rstrip("/"):
        raise SignInFailed(
            f"the answer comes from the issuer {query.get('iss')!r}, not {issuer!r}"
        )
    if "code" not in query:
        raise SignInFailed(_page_message(answer))
    return query["code"]


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _page_message(page: httpx.Response) -> str:
    """Why the pages did not go on: their own words, or the error the browser was
    sent back to the client with (RFC 6749 §4.1.2.1)."""
    form = _Form.of(page.text)
    if form.refusal:
        return form.refusal
    query = _query(page.headers.get("location", ""))
    if "error" in query:
        return f"{query['error']}: {query.get('error_description', '')}".rstrip(": ")
    return f"the sign-in page answered HTTP {page.status_code}"


def _query(location: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(location).query)
    return {name: values[0] for name, values in parsed.items()}


def _oauth(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"{body['error']}: {body.get('error_description', '')}".rstrip(": ")
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


class _Form(HTMLParser):
    """The page's form (its action and inputs) and its refusal (the text marked
    ``class="fel"``), as a browser would show them."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: dict[str, str] = {}
        self.refusal = ""
        self._in_refusal = False

    @classmethod
    def of(cls, page: str) -> "_Form":
        form = cls()
        form.feed(page)
        form.close()
        return form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form":
            self.action = fields.get("action") or ""
        elif tag == "input" and fields.get("name"):
            self.inputs[fields["name"] or ""] = fields.get("value") or ""
        self._in_refusal = "fel" in (fields.get("class") or "").split()

    def handle_endtag(self, tag: str) -> None:
        self._in_refusal = False

    def handle_data(self, data: str) -> None:
        if self._in_refusal:
            self.refusal += data.strip()
