"""HTTP access to a remote audit log and its token issuer, for `samverkan audit verify`."""

import base64
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
import orjson

__all__ = [
    "Batch",
    "ClientFactory",
    "FetchFailed",
    "LogReader",
    "Prefetch",
    "default_client",
    "fetch_token",
]

# Builds the client for one base URL; tests return clients over an in-process app.
ClientFactory = Callable[[str], httpx.Client]
# Entries checked at once: ~1.7 MB of lines, so a batch and what orjson builds of it
# stay in the CPU caches (larger batches made reading each entry twice as slow).
_BATCH = 1000
T = TypeVar("T")


class FetchFailed(Exception):
    """The log or the issuer could not be read; the message says what and why."""


@dataclass(frozen=True)
class Batch:
    """Consecutive entries as downloaded, read fast, with ``json``'s reading at hand.

    ``items`` is orjson's reading of the lines (~2.5x faster than ``json``, whose
    reading ``exact()`` gives), or ``json``'s own when ``exact`` is None. The two
    differ only where orjson reads integers beyond 64 bits as floats: a line it
    refuses outright (lone surrogate escapes, NaN) has the batch read by ``json``.
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

    def batches(self) -> Iterator[Batch]:
        """Every entry, in index order, in batches: the JSON Lines export, streamed.

        One request for the whole log, no page round trips: the server reads and
        sends the next entries while these are checked. The export is a snapshot
        taken as it starts, so it covers at least the checkpoint read before.
        """
        for lines, first in self._stream("/v1/export", {"format": "jsonl"}, "export"):
            yield _batch(lines, first)

    def indexes(self, below: int) -> Iterator[list[Any]]:
        """The look-up indexes of the entries below ``below``, in index order, in
        batches: ``{"index", "legal_basis", "subjects", "tip_ids"}`` per entry that
        has any."""
        for lines, first in self._stream(
            "/v1/export/indexes", {"below": below}, "index export"
        ):
            yield _read_lines(lines, first, "index export")

    def _stream(
        self, path: str, params: Mapping[str, Any], what: str
    ) -> Iterator[tuple[list[memoryview], int]]:
        """The lines of a JSON Lines download, in batches, with the first's number."""
        with self._client.stream(
            "GET", path, params=params, headers=self._headers
        ) as response:
            if response.is_error:
                response.read()
                _checked(response, what)
            line = 1
            try:
                for lines in _batched_lines(response.iter_bytes(), _BATCH):
                    yield lines, line
                    line += len(lines)
            except httpx.HTTPError as error:
                # Not "cannot reach": it was reached, and stopped sending.
                raise FetchFailed(f"{what}: the download broke off: {error}") from None

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


def _batched_lines(chunks: Iterable[bytes], size: int) -> Iterator[list[memoryview]]:
    """The lines of a JSON Lines stream, about ``size`` at a time, in order.

    Each line is a view into the received bytes (splitting into copies cost as
    much again as receiving them).
    """
    received: list[bytes] = []
    count = 0
    for chunk in chunks:
        received.append(chunk)
        count += chunk.count(b"\n")
        if count >= size:
            lines, rest = _lines(b"".join(received))
            yield lines
            received, count = [rest], 0
    lines, rest = _lines(b"".join(received))
    if rest:  # the last line may lack its newline
        lines.append(memoryview(rest))
    if lines:
        yield lines


def _lines(text: bytes) -> tuple[list[memoryview], bytes]:
    """The complete lines of ``text``, and what follows the last newline."""
    view = memoryview(text)
    lines = []
    start = 0
    end = text.find(b"\n")
    while end >= 0:
        lines.append(view[start:end])
        start = end + 1
        end = text.find(b"\n", start)
    return lines, text[start:]


def _batch(lines: list[memoryview], first: int) -> Batch:
    """The lines (numbered from ``first``) read by orjson, or by ``json`` if it refuses one."""
    try:
        items = [orjson.loads(line) for line in lines]
    except orjson.JSONDecodeError:
        return Batch(_read_lines(lines, first))
    return Batch(items, lambda: _read_lines(lines, first))


def _read_lines(lines: list[memoryview], first: int, what: str = "export") -> list[Any]:
    items = []
    for number, line in enumerate(lines, first):
        try:
            items.append(json.loads(bytes(line)))
        except ValueError:
            raise FetchFailed(f"{what}: line {number} is not JSON") from None
    return items


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

    The verifier checks one batch while the next is downloaded (and the server
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
