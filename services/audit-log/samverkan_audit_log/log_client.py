"""HTTP access to a remote audit log and its token issuer, for `samverkan audit verify`."""

import base64
import json
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
import orjson

__all__ = [
    "ClientFactory",
    "FetchFailed",
    "LogReader",
    "Page",
    "Prefetch",
    "default_client",
    "fetch_token",
]

# Builds the client for one base URL; tests return clients over an in-process app.
ClientFactory = Callable[[str], httpx.Client]
# Half the server's MAX_PAGE_SIZE: the server spends ~7 µs per entry on pages of
# 5,000 (~8 MB) and ~10 µs on pages of 10,000, where the bodies are large enough
# to be fresh memory each time; a round trip costs ~1.5 ms. The first page is
# small, so checking starts at once (it cannot overlap a download, the later ones do).
_PAGE_LIMIT = 5000
_FIRST_PAGE_LIMIT = 1000
T = TypeVar("T")


class FetchFailed(Exception):
    """The log or the issuer could not be read; the message says what and why."""


@dataclass(frozen=True)
class Page:
    """One page of entries, read fast, with the standard parser's reading at hand.

    ``items`` is orjson's reading of the body (~1.5x faster than ``json``, whose
    reading ``exact()`` gives), or ``json``'s own when ``exact`` is None. The two
    differ only where orjson reads integers beyond 64 bits as floats: where it
    refuses a body outright (lone surrogate escapes, NaN) ``json`` reads it.
    """

    items: list[Any]
    exact: Callable[[], list[Any]] | None = None


def default_client(base_url: str) -> httpx.Client:
    from samverkan_shared.http import make_client

    return make_client(base_url, timeout=httpx.Timeout(30.0, connect=5.0))


def fetch_token(
    client: httpx.Client, client_id: str, client_secret: str, scope: str = "audit:read"
) -> str:
    """Client credentials grant (RFC 6749 §4.4) at the issuer's token endpoint.

    The endpoint comes from the issuer's metadata (RFC 8414); the client
    authenticates with HTTP Basic (client_secret_basic).
    """
    metadata = _json(client.get("/.well-known/oauth-authorization-server"), "issuer")
    endpoint = metadata.get("token_endpoint")
    if not isinstance(endpoint, str):
        raise FetchFailed("issuer: its metadata has no token_endpoint")
    response = client.post(
        endpoint,
        data={"grant_type": "client_credentials", "scope": scope},
        auth=httpx.BasicAuth(client_id, client_secret),
    )
    token = _json(response, "token endpoint").get("access_token")
    if not isinstance(token, str):
        raise FetchFailed("token endpoint: the answer has no access_token")
    return token


class LogReader:
    """Reads one audit log with a bearer token."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"}

    def log_key(self) -> str:
        return _text(self._client.get("/v1/log-key"), "log key")

    def checkpoint(self) -> str:
        return _text(
            self._client.get("/v1/checkpoint", headers=self._headers), "checkpoint"
        )

    def pages(self) -> Iterator[Page]:
        """Every page of entries, in index order, following next_cursor."""
        params: dict[str, str | int] = {"limit": _FIRST_PAGE_LIMIT}
        while True:
            response = self._client.get(
                "/v1/entries", params=params, headers=self._headers
            )
            page, exact = _entries(response)
            yield Page(list(page.get("items", [])), exact)
            cursor = page.get("next_cursor")
            if not cursor:
                return
            params = {"limit": _PAGE_LIMIT, "cursor": str(cursor)}

    def consistency(self, first: int, second: int) -> list[bytes]:
        response = self._client.get(
            "/v1/proofs/consistency",
            params={"first": first, "second": second},
            headers=self._headers,
        )
        hashes = _json(response, "consistency proof").get("hashes", [])
        try:
            return [base64.b64decode(item, validate=True) for item in hashes]
        except (TypeError, ValueError) as error:
            raise FetchFailed(
                f"consistency proof: not base64 hashes ({error})"
            ) from None


def _checked(response: httpx.Response, what: str) -> httpx.Response:
    if response.is_error:
        detail = response.text[:300].replace("\n", " ")
        raise FetchFailed(f"{what}: HTTP {response.status_code} {detail}")
    return response


def _text(response: httpx.Response, what: str) -> str:
    return _checked(response, what).text


def _entries(
    response: httpx.Response,
) -> tuple[Mapping[str, Any], Callable[[], list[Any]] | None]:
    """A page of entries as orjson reads it, and how to read it with ``json``.

    Only a page of the expected shape is taken from orjson (an object, its items
    a list, its cursor a string or null): a cursor beyond 64 bits would be a float
    there, and anything else is left to ``_json`` and its messages.
    """
    body = _checked(response, "entries").content
    try:
        page = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _json(response, "entries"), None
    if (
        type(page) is not dict
        or type(page.get("items")) is not list
        or type(page.get("next_cursor", None)) not in (str, type(None))
    ):
        return _json(response, "entries"), None
    return page, lambda: list(json.loads(body)["items"])


def _json(response: httpx.Response, what: str) -> Mapping[str, Any]:
    try:
        body = _checked(response, what).json()
    except ValueError:
        raise FetchFailed(f"{what}: the answer is not JSON") from None
    if not isinstance(body, Mapping):
        raise FetchFailed(f"{what}: the answer is not a JSON object")
    return body


class Prefetch(Generic[T]):
    """Iterates ``source`` in a thread of its own, up to ``depth`` items ahead.

    The verifier checks one page while the next is downloaded (and the server
    builds it). Whatever the source raises is raised here, in order; leaving the
    ``with`` block early stops the thread and waits for it, so the HTTP client is
    not closed under a request in flight.
    """

    def __init__(self, source: Iterator[T], *, depth: int = 2) -> None:
        self._queue: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(
            target=self._run, args=(source,), name="log-prefetch", daemon=True
        )
        self._thread.start()

    def _run(self, source: Iterator[T]) -> None:
        try:
            for item in source:
                if not self._put((True, item)):
                    return
        except BaseException as error:  # handed over to the consuming thread
            self._put((False, error))
            return
        self._put((False, None))

    def _put(self, message: tuple[bool, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(message, timeout=0.05)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> "Prefetch[T]":
        return self

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        ok, value = self._queue.get()
        if ok:
            item: T = value
            return item
        self._finished = True
        if value is None:
            raise StopIteration
        raise value

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> "Prefetch[T]":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
