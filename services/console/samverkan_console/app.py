"""create_app(): the console's pages, its static files and its operations endpoints."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import httpx
import jinja2
import structlog
from authlib.jose import JsonWebKey
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from samverkan_console import pages
from samverkan_console.apis import Apis
from samverkan_console.approvals import routes as approvals
from samverkan_console.assessments import routes as assessments
from samverkan_console.casework import routes as casework
from samverkan_console.dpop import ConsoleKey
from samverkan_console.log import routes as log
from samverkan_console.reporting import routes as reporting
from samverkan_console.sessions.store import SessionStore
from samverkan_console.settings import ConsoleSettings, MissingClient
from samverkan_console.signin import routes as signin
from samverkan_console.signin.service import Client, OpenIdProvider
from samverkan_console.state import ConsoleApp, ConsoleState
from samverkan_console.statistics import routes as statistics
from samverkan_console.tip_statistics import routes as tip_statistics
from samverkan_console.web import SecurityHeaders, install_page_errors
from samverkan_shared.body_limit import BodyLimitMiddleware
from samverkan_shared.http import make_client
from samverkan_shared.logging import configure_logging
from samverkan_shared.metrics import RequestMetrics, metrics_router
from samverkan_shared.request_log import RequestLogMiddleware

__all__ = ["create_app"]

_log = structlog.get_logger("samverkan.console")

_PACKAGE = files("samverkan_console")


def create_app(
    settings: ConsoleSettings | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ConsoleApp:
    """The app; ``transport`` and ``clock`` are for tests (another network, a set
    time). Without a client registration it starts, and its sign-in page says what
    is missing."""
    settings = settings or ConsoleSettings()
    configure_logging(settings.log_level)
    http = make_client(transport=transport)
    state = _state(settings, http, clock)
    app = ConsoleApp(
        state,
        title="Samverkan console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_closing(http),
    )
    metrics = RequestMetrics("console")
    install_page_errors(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        RequestLogMiddleware, service="console", observer=metrics.observe
    )
    app.mount(
        "/static", StaticFiles(directory=Path(str(_PACKAGE / "static"))), "static"
    )
    features = (
        assessments,
        approvals,
        log,
        statistics,
        reporting,
        casework,
        tip_statistics,
    )
    for router in (pages.router, signin.router, *(f.router for f in features)):
        app.include_router(router)
    app.include_router(metrics_router(metrics.registry))
    return app


def _state(
    settings: ConsoleSettings,
    http: httpx.Client,
    clock: Callable[[], datetime] | None,
) -> ConsoleState:
    # The process's own key (samverkan_console.dpop): a restart makes a new one.
    key = ConsoleKey() if settings.dpop == "required" else None
    provider = OpenIdProvider(settings.provider, _client(settings), http, key)
    now = clock or (lambda: datetime.now(UTC))
    urls = {
        "sharing": settings.sharing_url,
        "audit-log": settings.audit_log_url,
        "tips": settings.tips_url,
    }
    return ConsoleState(
        settings=settings,
        sessions=SessionStore(
            idle=timedelta(minutes=settings.idle_minutes),
            lifetime=timedelta(hours=settings.session_hours),
        ),
        provider=provider,
        apis=Apis(provider, http, urls, now),
        pages=jinja2.Environment(
            loader=jinja2.PackageLoader("samverkan_console", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        ),
        clock=now,
    )


def _client(settings: ConsoleSettings) -> Client | MissingClient:
    try:
        credentials = settings.client()
    except MissingClient as missing:
        _log.warning("console_not_registered", detail=str(missing))
        return missing
    key = None
    if credentials.key_pem is not None:
        key = JsonWebKey.import_key(credentials.key_pem, {"use": "sig"})
    return Client(
        credentials.client_id,
        credentials.secret,
        settings.redirect_uri,
        settings.scopes,
        key=key,
    )


def _closing(
    http: httpx.Client,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            http.close()

    return lifespan
