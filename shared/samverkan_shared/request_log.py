"""Pure-ASGI middleware: request id, trace context and one canonical log line per request."""

import re
import secrets
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samverkan_shared.tracing import start_trace

__all__ = ["RequestLogMiddleware", "route_template"]

_log = structlog.get_logger("samverkan.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def route_template(scope: Scope) -> str:
    """The matched route's template (never the raw path, which may hold an identifier)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "<unmatched>"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class RequestLogMiddleware:
    """Binds request and trace ids to the log context and writes the canonical line."""

    def __init__(self, app: ASGIApp, *, service: str, observer: Any = None) -> None:
        self.app = app
        self.service = service
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else None
        ) or secrets.token_hex(8)
        trace = start_trace(_header(scope, b"traceparent"))
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request_id, trace_id=trace.trace_id, service=self.service
        )
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._finish(scope, status, time.perf_counter() - started)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_template(scope)
        client_id = scope.get("state", {}).get("client_id")
        _log.info(
            "request",
            method=scope["method"],
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 2),
            client_id=client_id,
        )
        if self.observer is not None:
            self.observer(scope["method"], route, status, seconds)
