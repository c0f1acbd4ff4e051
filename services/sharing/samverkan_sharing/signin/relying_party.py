"""A relying party over HTTP: signs a person in at an issuer's sign-in pages and
redeems the code, as a case system or `samverkan people sign-in` does.

The authorization code flow with PKCE S256 (RFC 7636), a fresh ``state`` and
``nonce``, the answer's ``state`` and ``iss`` checked (RFC 9207) before the code
is redeemed at the token endpoint; the ID token is then verified against the
issuer's JWKS (``samverkan_sharing.signin.id_token``).

What the FAPI 2.0 profile asks of a client, whenever the issuer offers it: the
request is pushed (RFC 9126) when the issuer names a pushed-request endpoint, so
the browser carries only its reference; the client authenticates with its secret
or, given a private key, with an assertion (private_key_jwt, RFC 7523 §2.2); given
a DPoP key, the code and the tokens are bound to it (RFC 9449 §10), each request
to the issuer carrying a proof (once more with the issuer's nonce if it asks).
"""

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.oauth_client import (
    ASSERTION_TYPE,
    client_assertion,
    pkce_challenge,
)
from samverkan_sharing.signin.id_token import InvalidIdToken, verify_id_token

__all__ = ["Person", "RelyingParty", "SignInFailed", "sign_in"]


class SignInFailed(Exception):
    """The person is not signed in; the message says why (the page's own words
    when the sign-in page refused)."""


@dataclass(frozen=True)
class RelyingParty:
    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    scope: str
    # An authlib private key: the client authenticates with private_key_jwt and
    # never sends its secret.
    client_key: Any = None
    # The key the code and the tokens are bound to (DPoP); None: Bearer tokens.
    dpop: ProofSigner | None = None


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
    query = _authorization_query(http, metadata, party, state, nonce, verifier)
    page = http.get(
        metadata["authorization_endpoint"], params=query, follow_redirects=False
    )
    answer = _answer_the_pages(http, page, person)
    code = _code(answer, state=state, issuer=party.issuer)
    redeemed = _post(
        http,
        party,
        metadata["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": party.redirect_uri,
            "code_verifier": verifier,
        },
    )
    if redeemed.status_code != 200:
        raise SignInFailed(f"the token endpoint refused the code: {_oauth(redeemed)}")
    tokens: dict[str, Any] = redeemed.json()
    if party.dpop is not None and str(tokens.get("token_type")).lower() != "dpop":
        raise SignInFailed(
            "the issuer answered with an unbound token "
            f"({tokens.get('token_type')!r}) where one bound to the DPoP key was asked"
        )
    if "openid" in party.scope.split():
        _verify(http, metadata, party, tokens, nonce)
    return tokens


def _authorization_query(
    http: httpx.Client,
    metadata: Mapping[str, Any],
    party: RelyingParty,
    state: str,
    nonce: str,
    verifier: str,
) -> dict[str, str]:
    """The authorization request for the browser: the whole request, or only the
    reference the issuer gave for it when pushed."""
    query = {
        "response_type": "code",
        "client_id": party.client_id,
        "redirect_uri": party.redirect_uri,
        "scope": party.scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if party.dpop is not None:
        query["dpop_jkt"] = party.dpop.jkt  # the code too is the key's (§10)
    endpoint = metadata.get("pushed_authorization_request_endpoint")
    if not endpoint:
        return query
    pushed = _post(http, party, str(endpoint), query)
    try:
        request_uri = pushed.json()["request_uri"] if pushed.status_code == 201 else ""
    except (ValueError, KeyError, TypeError):
        request_uri = ""
    if not isinstance(request_uri, str) or not request_uri:
        # The issuer's own error, as the pages' would be for a request not pushed.
        raise SignInFailed(_oauth(pushed))
    return {"client_id": party.client_id, "request_uri": request_uri}


def _post(
    http: httpx.Client, party: RelyingParty, endpoint: str, form: dict[str, str]
) -> httpx.Response:
    """``form`` to an endpoint that authenticates the client, with a proof when the
    tokens are bound: once more with the issuer's nonce if it asks (RFC 9449 §8).
    Each attempt is authenticated anew (an assertion is used once)."""
    nonce: str | None = None
    for _attempt in range(2):
        headers = {}
        if party.dpop is not None:
            headers["DPoP"] = party.dpop.proof("POST", endpoint, nonce=nonce)
        sent, auth = _authenticated(party, form)
        response = http.post(endpoint, data=sent, auth=auth, headers=headers)
        nonce = response.headers.get("dpop-nonce")
        if party.dpop is None or not nonce or _error(response) != "use_dpop_nonce":
            break
    return response


def _authenticated(
    party: RelyingParty, form: dict[str, str]
) -> tuple[dict[str, str], httpx.Auth]:
    """The form and the request's authentication: the secret in the Authorization
    header (client_secret_basic), or a fresh assertion in the form."""
    if party.client_key is None:
        return form, httpx.BasicAuth(party.client_id, party.client_secret or "")
    assertion = {
        "client_id": party.client_id,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(
            party.client_key, party.client_id, party.issuer.rstrip("/")
        ),
    }
    return {**form, **assertion}, httpx.Auth()  # the base class adds nothing


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


def _error(response: httpx.Response) -> str | None:
    """The OAuth error code of an answer (RFC 6749 §5.2), if it is one."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return error if isinstance(error, str) else None


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
