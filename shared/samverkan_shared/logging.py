"""Structured JSON logging: one stream, secrets masked, one canonical line per request."""

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = ["REDACTED", "configure_logging", "redact_secrets"]

REDACTED = "[redacted]"
_SECRET_KEYS = frozenset(
    {
        "authorization",
        "client_secret",
        "secret",
        "password",
        "token",
        "access_token",
        "assertion",
        "client_assertion",
        "personal_number",
        "personnummer",
        "identifier",
        "description",
        "contact_email",
        "private_key",
        "cookie",
    }
)


def redact_secrets(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Second line of defence: mask values of keys that may carry secrets or identities."""
    for key in list(event):
        if key.lower() in _SECRET_KEYS:
            event[key] = REDACTED
    return event


def configure_logging(level: str = "INFO") -> None:
    """Route structlog and the standard library into one JSON stream on stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer()
    )
    # Not cached on first use: tests replace the processors with capture_logs().
    structlog.configure(
        # Below the level, an event is dropped before any processor runs: services
        # log at INFO on every request, and at WARNING that work was pure waste.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log prints raw paths, which may hold identifiers: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs full URLs at INFO; a URL may carry an identifier.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
