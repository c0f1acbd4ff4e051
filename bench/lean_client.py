"""A minimal HTTP/1.1 keep-alive client for the load generators.

Why not httpx: on this 2-core machine the benchmark's client shares the CPU with the
servers it measures. httpx's async client costs ~2.5 ms of CPU per request, as much as a
service spends answering one, so the figures measured the client as much as the server.
This client writes a pre-built request and parses the answer with the C JSON decoder:
~0.1 ms per request. It speaks just enough HTTP for the benchmarks (127.0.0.1, no TLS,
Content-Length or chunked bodies) and is used the same way for every baseline and every
service, so ratios stay fair.
"""

import asyncio
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = ["LeanClient", "LeanResponse", "TransportError"]


class TransportError(Exception):
    """The connection failed or the answer was not HTTP/1.1 we can read."""


class LeanResponse:
    """The part of httpx.Response the benchmarks use."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(
        self, status_code: int, headers: dict[str, str], content: bytes
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class _Connection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class LeanClient:
    """Keep-alive connections per (host, port); one request at a time per connection."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._idle: dict[tuple[str, int], list[_Connection]] = {}

    async def __aenter__(self) -> "LeanClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> LeanResponse:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        return await self.request("GET", url, headers=headers)

    async def post(
        self, url: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> LeanResponse:
        body = _dumps(json) if json is not None else b""
        extra = {"Content-Type": "application/json"} if json is not None else {}
        return await self.request(
            "POST", url, headers={**extra, **(headers or {})}, body=body
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> LeanResponse:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            return await asyncio.wait_for(
                self._exchange((host, port), request), self.timeout
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error

    async def _exchange(self, key: tuple[str, int], request: bytes) -> LeanResponse:
        idle = self._idle.setdefault(key, [])
        reused = bool(idle)
        connection = idle.pop() if idle else await self._open(key)
        try:
            response, keep = await self._send(connection, request)
        except (ConnectionError, asyncio.IncompleteReadError):
            connection.close()
            if not reused:
                raise
            # The server closed an idle keep-alive connection: once more on a new one.
            connection = await self._open(key)
            response, keep = await self._send(connection, request)
        except BaseException:
            connection.close()
            raise
        if keep:
            idle.append(connection)
        else:
            connection.close()
        return response

    @staticmethod
    async def _open(key: tuple[str, int]) -> _Connection:
        reader, writer = await asyncio.open_connection(*key)
        return _Connection(reader, writer)

    @staticmethod
    async def _send(
        connection: _Connection, request: bytes
    ) -> tuple[LeanResponse, bool]:
        connection.writer.write(request)
        reader = connection.reader
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError) as error:
            raise TransportError(f"not an HTTP status line: {status_line!r}") from error
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            content = await _read_chunked(reader)
        else:
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        keep = headers.get("connection", "").lower() != "close"
        return LeanResponse(status, headers, content), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0], 16)
        if size == 0:
            # Trailers, if any, end with an empty line.
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
