"""W3C Trace Context: parse or start a trace per request and pass it on to outgoing calls."""

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = [
    "TraceContext",
    "outgoing_traceparent",
    "parse_traceparent",
    "start_trace",
]

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: ContextVar["TraceContext | None"] = ContextVar("trace", default=None)


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    parent_id: str
    flags: str = "01"


def parse_traceparent(value: str | None) -> TraceContext | None:
    """The incoming context, or None when the header is absent or malformed (spec §3.2)."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if not match:
        return None
    trace_id, parent_id, flags = match.groups()
    if trace_id == "0" * 32 or parent_id == "0" * 16:
        return None
    return TraceContext(trace_id, parent_id, flags)


def start_trace(incoming: str | None) -> TraceContext:
    """Continue the caller's trace or start a new one, and make it current."""
    ctx = parse_traceparent(incoming) or TraceContext(
        secrets.token_hex(16), secrets.token_hex(8)
    )
    _current.set(ctx)
    return ctx


def outgoing_traceparent() -> str:
    """A traceparent for a call made now: same trace, a fresh span id of our own."""
    ctx = _current.get()
    trace_id = ctx.trace_id if ctx else secrets.token_hex(16)
    flags = ctx.flags if ctx else "01"
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"
