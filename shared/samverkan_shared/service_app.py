"""build_app(): the assembly every service's create_app() shares."""

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

from samverkan_shared.admission import AdmissionGate, AdmissionMiddleware
from samverkan_shared.auth import TokenValidator, bearer_scheme, make_token_validator
from samverkan_shared.body_limit import BodyLimitMiddleware
from samverkan_shared.docs_page import install_docs_page
from samverkan_shared.health import ReadinessCheck, health_router
from samverkan_shared.logging import configure_logging
from samverkan_shared.metrics import RequestMetrics, metrics_router
from samverkan_shared.problems import (
    PROBLEM_MEDIA_TYPE,
    install_problem_handlers,
    problem_responses,
    problem_schema,
)
from samverkan_shared.request_log import RequestLogMiddleware
from samverkan_shared.settings import ServiceSettings

__all__ = ["Platform", "Running", "ServiceApp", "build_app", "running_app"]

_BODY_METHODS = {"post", "put", "patch"}
_FASTAPI_VALIDATION_ERROR = {"$ref": "#/components/schemas/HTTPValidationError"}
_BEARER_SCHEME = bearer_scheme.scheme_name
# The project's licence (LICENSE, README "Licence"); SPDX identifier, OpenAPI 3.1 §4.8.4.
_LICENSE = {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
# Each service serves its own document: its paths are relative to where it is served.
_SERVERS = [{"url": "/", "description": "the service that serves this document"}]

S = TypeVar("S")


@dataclass(frozen=True)
class Platform:
    """What every service has from the assembly, before start-up and after it."""

    service: str
    settings: ServiceSettings
    engine: Engine
    admission: AdmissionGate
    metrics: RequestMetrics


@dataclass(frozen=True)
class Running(Generic[S]):
    """What the lifespan opened: the token validator and the service's own state."""

    token_validator: TokenValidator
    state: S


# Opens what the service needs while it runs; closers go on the stack.
OpenState = Callable[[ExitStack, Platform], S]


class ServiceApp(FastAPI, Generic[S]):
    """A service's app: its platform at once, its running state while the lifespan runs."""

    platform: Platform
    running: Running[S]

    def __init__(
        self,
        *,
        platform: Platform,
        open_state: OpenState[S],
        token_validator: TokenValidator | None,
        **fastapi: Any,
    ) -> None:
        super().__init__(lifespan=_lifespan, **fastapi)
        self.platform = platform
        self.open_state = open_state
        self.injected_validator = token_validator
        self.lifespans = 0  # how many lifespans run (tests may nest a second)


def running_app(request: Request) -> "ServiceApp[Any]":
    """The app serving ``request`` (Starlette types ``request.app`` as Any)."""
    app: ServiceApp[Any] = request.app
    return app


@asynccontextmanager
async def _lifespan(app: ServiceApp[Any]) -> AsyncIterator[None]:
    # A second lifespan of a running app (two test clients over one app) shares the
    # state of the first, which alone opens and closes it.
    if app.lifespans:
        app.lifespans += 1
        try:
            yield
        finally:
            app.lifespans -= 1
        return
    # Start-up work (keys generated on first start, secrets checked) fails the start,
    # not the first request. What it opens is closed in reverse order at shutdown;
    # the engine last, after the writer threads have drained into it.
    with ExitStack() as stack:
        platform = app.platform
        stack.callback(platform.engine.dispose)
        validator = app.injected_validator or _open_token_validator(stack, platform)
        app.running = Running(validator, app.open_state(stack, platform))
        app.lifespans = 1
        try:
            # The collector's view of the heap is the process's: the server freezes
            # it once start-up is done (service_process), not each app.
            yield
        finally:
            app.lifespans = 0


def build_app(
    *,
    service: str,
    title: str,
    description: str,
    settings: ServiceSettings,
    engine: Engine,
    open_state: OpenState[S],
    token_validator: TokenValidator | None = None,
    readiness: Sequence[ReadinessCheck] = (),
    always_admitted: Sequence[str] = (),
    openapi_components: Mapping[str, Mapping[str, Any]] | None = None,
    version: str = "0.1.0",
) -> ServiceApp[S]:
    """The app with problem handlers, body limit, request log, health and OpenAPI fixes.

    ``open_state``: run by the lifespan, returns the service's frozen state.
    ``always_admitted``: paths answered however busy the service is (besides health,
    readiness and metrics), for what other services cannot work without.
    ``openapi_components``: what the service's routes refer to beyond their models
    (e.g. ``{"securitySchemes": {...}, "schemas": {...}}``), added to the document.
    Nothing here does I/O.
    """
    configure_logging(settings.log_level)
    admission = AdmissionGate.with_exempt(settings.max_in_flight, always_admitted)
    platform = Platform(service, settings, engine, admission, RequestMetrics(service))
    platform.metrics.track(admission)
    app: ServiceApp[S] = ServiceApp(
        platform=platform,
        open_state=open_state,
        token_validator=token_validator,
        title=title,
        description=description,
        version=version,
        docs_url=None,  # install_docs_page: Swagger UI from the service, not a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    _install_middleware(app, platform)
    app.include_router(health_router(engine, readiness))
    install_docs_page(app)
    app.include_router(metrics_router(platform.metrics.registry))
    app.openapi = _openapi_factory(app, openapi_components or {})  # type: ignore[method-assign]
    return app


def _install_middleware(app: FastAPI, platform: Platform) -> None:
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    # Inside the request log, so a refused request is logged and counted with its id.
    app.add_middleware(AdmissionMiddleware, gate=platform.admission)
    app.add_middleware(
        RequestLogMiddleware,
        service=platform.service,
        observer=platform.metrics.observe,
    )


def _open_token_validator(stack: ExitStack, platform: Platform) -> TokenValidator:
    """The production validator, with an HTTP client that lives as long as the lifespan."""
    settings = platform.settings
    validator, client = make_token_validator(
        issuer=settings.issuer,
        audience=platform.service,
        jwks_url=settings.effective_jwks_url,
        revocation_url=settings.effective_revocation_url,
    )
    stack.callback(client.close)
    return validator


def _openapi_factory(
    app: "ServiceApp[Any]", components: Mapping[str, Mapping[str, Any]]
) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                license_info=_LICENSE,
                servers=_SERVERS,
            )
            for section, entries in components.items():
                document.setdefault("components", {}).setdefault(section, {}).update(
                    entries
                )
            _document_problems(document)
            _point_at_token_endpoint(document, app.platform.settings.issuer)
            app.openapi_schema = document
        return app.openapi_schema

    return openapi


def _point_at_token_endpoint(document: dict[str, Any], issuer: str) -> None:
    schemes = document.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        for flow in scheme.get("flows", {}).values():
            flow["tokenUrl"] = f"{issuer.rstrip('/')}/oauth/token"


def _document_problems(document: dict[str, Any]) -> None:
    """Every error a route can give is documented, and documented as problem+json."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = problem_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            _document_operation(method, operation)


def _document_operation(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    # A public operation says so: an empty requirement list, not none at all.
    security = operation.setdefault("security", [])
    statuses = {500, 503}  # 503: a database or service it needs is out of reach
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(400)  # a body that cannot be read at all (not UTF-8, not the form)
    if method in _BODY_METHODS:
        statuses.add(413)
    if any(_BEARER_SCHEME in requirement for requirement in security):
        statuses |= {401, 403}  # the access token's; client authentication has its own
    for status, response in problem_responses(*sorted(statuses)).items():
        responses.setdefault(str(status), response)
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400 and not _own_format(response):
            response["content"] = {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def _own_format(response: dict[str, Any]) -> bool:
    """Whether the route documented another error format on purpose (an OAuth
    endpoint's RFC 6749 JSON); FastAPI's own validation error is not one of those."""
    content = response.get("content") or {}
    return bool(content) and all(
        media.get("schema") != _FASTAPI_VALIDATION_ERROR for media in content.values()
    )
