"""The suite's APIs, called with the signed-in person's own token, bound to the
console's DPoP key (a fresh proof on every call) unless CONSOLE_DPOP=off.

The console decides nothing: each service checks the token as for any caller.
An expiring access token is refreshed first (one refresh per session at a time);
what the services answer becomes a page: 401 a new sign-in, 403 and 404 their own
pages, an outage 503.
"""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from samverkan_console.dpop import PersonToken
from samverkan_console.errors import PageError, Refused, SignInNeeded
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.signin.service import OpenIdProvider, ProviderUnreachable

__all__ = ["Apis"]

# Refresh this long before the access token expires, so no call carries a dying one.
_MARGIN = timedelta(seconds=30)
_NAMES = {
    "sharing": "delningstjänsten",
    "audit-log": "granskningsloggen",
    "tips": "tipstjänsten",
}


class Apis:
    def __init__(
        self,
        provider: OpenIdProvider,
        http: httpx.Client,
        urls: Mapping[str, str],
        clock: Callable[[], datetime],
    ) -> None:
        self._provider = provider
        self._http = http
        self._urls = {name: url.rstrip("/") for name, url in urls.items()}
        self._clock = clock

    def get(
        self,
        session: ConsoleSession,
        service: str,
        path: str,
        params: Mapping[str, str | int] | None = None,
    ) -> Any:
        return self._call(session, service, "GET", path, params=params).json()

    def get_text(self, session: ConsoleSession, service: str, path: str) -> str:
        return self._call(session, service, "GET", path).text

    def post(
        self,
        session: ConsoleSession,
        service: str,
        path: str,
        body: Any,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The answer's JSON; a 409 or 422 raises Refused with the problem's detail."""
        return self._call(
            session, service, "POST", path, json=body, headers=dict(headers or {})
        ).json()

    def delete(
        self,
        session: ConsoleSession,
        service: str,
        path: str,
        body: Any,
    ) -> Any:
        """A DELETE with a JSON body (the suite's lifts carry a reason); as `post`."""
        return self._call(session, service, "DELETE", path, json=body).json()

    def raw(
        self,
        session: ConsoleSession,
        service: str,
        path: str,
        params: Mapping[str, str | int] | None = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        return self._call(
            session, service, "GET", path, params=params, headers={"Accept": accept}
        )

    def stream(
        self,
        session: ConsoleSession,
        service: str,
        path: str,
        params: Mapping[str, str | int] | None = None,
    ) -> httpx.Response:
        """An open streamed GET (an export): the caller reads it and closes it."""
        auth = self._auth(session)
        url = f"{self._urls[service]}{path}"
        request = self._http.build_request("GET", url, params=params)
        try:
            response = self._http.send(request, stream=True, auth=auth)
        except httpx.HTTPError:
            raise _outage(service) from None
        if response.status_code >= 400:
            response.read()  # the problem body, for the error page
            response.close()
        return _checked(response, service)

    def _call(
        self,
        session: ConsoleSession,
        service: str,
        method: str,
        path: str,
        **kwargs: Any,
    ) -> httpx.Response:
        auth = self._auth(session)
        try:
            response = self._http.request(
                method, f"{self._urls[service]}{path}", auth=auth, **kwargs
            )
        except httpx.HTTPError:
            raise _outage(service) from None
        return _checked(response, service)

    def _auth(self, session: ConsoleSession) -> PersonToken:
        """The person's fresh token as the request's ``auth``: with a proof of the
        console's key made for that request, which httpx builds first."""
        return PersonToken(self._fresh_token(session), self._provider.dpop)

    def _fresh_token(self, session: ConsoleSession) -> str:
        if session.tokens.expires_at - self._clock() > _MARGIN:
            return session.tokens.access_token
        with session.refreshing:
            # Another page of this session may have refreshed while we waited.
            now = self._clock()
            if session.tokens.expires_at - now > _MARGIN:
                return session.tokens.access_token
            try:
                fresh = self._provider.refresh(session.tokens, now)
            except ProviderUnreachable:
                raise _outage("inloggningstjänsten") from None
            if fresh is None:
                raise SignInNeeded("Din inloggning har gått ut.")
            session.tokens = fresh
            return fresh.access_token


def _checked(response: httpx.Response, service: str) -> httpx.Response:
    status = response.status_code
    if status < 400:
        return response
    detail = _detail(response)
    if status == 401:
        raise SignInNeeded("Din inloggning gäller inte längre.")
    if status == 403:
        raise PageError(403, "Ingen behörighet", detail)
    if status == 404:
        raise PageError(404, "Finns inte", detail)
    if status in (409, 422, 400):
        raise Refused(detail, _errors(response), status)
    raise _outage(service)


def _outage(service: str) -> PageError:
    name = _NAMES.get(service, service)
    return PageError(
        503, "Tjänsten svarar inte", f"Det gick inte att nå {name}. Försök igen strax."
    )


def _errors(response: httpx.Response) -> list[Mapping[str, Any]]:
    """The problem's ``errors`` member, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    return [error for error in errors if isinstance(error, dict)]


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"Svar {response.status_code}."
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or response.status_code)
    return f"Svar {response.status_code}."
