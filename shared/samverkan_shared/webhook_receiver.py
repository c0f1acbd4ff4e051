"""A small receiver that verifies Standard Webhooks (`samverkan webhooks receive`).

It listens on 127.0.0.1, checks each POST's signature and timestamp
(``webhook_signatures``), answers 204 to an authentic delivery and 401 (a problem
document saying why) to anything else, and writes each event once per
``webhook-id`` as one JSON line: ``{"webhook_id": ..., "type": ..., "timestamp":
..., "data": ...}``. Senders deliver at least once, so a repeat is answered 204 and
not written again. Meant for trying webhooks out and for the demo, not production.
"""

import json
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from samverkan_shared.webhook_signatures import (
    DEFAULT_TOLERANCE_SECONDS,
    InvalidSecret,
    InvalidWebhook,
    secret_key,
    verify_webhook,
)

__all__ = ["EventSink", "ReceiverServer", "receive"]

_MAX_BODY = 1024 * 1024
_REMEMBERED_IDS = 10_000


class EventSink:
    """Writes each verified event once, as a JSON line, flushed at once."""

    def __init__(self, output: IO[str]) -> None:
        self._output = output
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def write(self, message_id: str, body: bytes) -> bool:
        """Whether the event was new (and so written)."""
        with self._lock:
            if message_id in self._seen:
                return False
            self._seen[message_id] = None
            if len(self._seen) > _REMEMBERED_IDS:
                self._seen.popitem(last=False)
            self._output.write(json.dumps(_line(message_id, body)) + "\n")
            self._output.flush()
            return True


def _line(message_id: str, body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError:
        return {"webhook_id": message_id, "body": body.decode(errors="replace")}
    if isinstance(event, dict):
        return {"webhook_id": message_id, **event}
    return {"webhook_id": message_id, "event": event}


class _Handler(BaseHTTPRequestHandler):
    server: "ReceiverServer"

    def do_GET(self) -> None:
        # Liveness, for whoever started it; deliveries are POSTs.
        self._answer(200 if self.path == "/healthz" else 404)

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._answer(411, "Length Required", "send a Content-Length")
            return
        if int(length) > _MAX_BODY:
            self._answer(413, "Content Too Large", "a delivery is at most 1 MiB")
            return
        body = self.rfile.read(int(length))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            message_id = verify_webhook(
                self.server.key,
                headers,
                body,
                now=self.server.clock(),
                tolerance=self.server.tolerance,
            )
        except InvalidWebhook as error:
            self._answer(401, "Unauthorized", str(error))
            return
        self.server.sink.write(message_id, body)
        self._answer(204)

    def _answer(self, status: int, title: str = "", detail: str = "") -> None:
        """An empty answer, or for a refusal an RFC 9457 problem saying why."""
        content = b""
        if detail:
            problem = {"type": "about:blank", "title": title, "status": status}
            content = json.dumps({**problem, "detail": detail}).encode()
        self.send_response(status)
        if content:
            self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the JSON lines are the output (and a request line holds the path)."""


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        key: bytes,
        sink: EventSink,
        *,
        tolerance: int = DEFAULT_TOLERANCE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(address, _Handler)
        self.key, self.sink, self.tolerance, self.clock = key, sink, tolerance, clock


def receive(
    port: int, secret_file: Path, *, tolerance: int, output: Path | None
) -> int:
    """Serve until interrupted; the exit status of `samverkan webhooks receive`."""
    try:
        key = secret_key(secret_file.read_text())
    except (OSError, InvalidSecret) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        sys.stderr.write(f"samverkan: {secret_file}: {reason}\n")
        return 2
    with ExitStack() as stack:
        sink = stack.enter_context(output.open("a")) if output else sys.stdout
        try:
            server = ReceiverServer(
                ("127.0.0.1", port), key, EventSink(sink), tolerance=tolerance
            )
        except OSError as error:
            sys.stderr.write(f"samverkan: port {port}: {error.strerror}\n")
            return 1
        with server, suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0
