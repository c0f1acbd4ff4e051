"""The sharing service's app factory: authorization server, rules and disclosures."""

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI, Request
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.auth import Revocations, TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.http import make_client
from samverkan_shared.service_app import build_app
from samverkan_sharing.cors import TokenEndpointCors
from samverkan_sharing.disclosures.metrics import DisclosureMetrics
from samverkan_sharing.oauth import routes as oauth_routes
from samverkan_sharing.oauth.documents import CLIENT_AUTHENTICATION
from samverkan_sharing.oauth.errors import install_oauth_error_handler
from samverkan_sharing.oauth.keys import SigningKeyStore
from samverkan_sharing.oauth.repository import RevocationRepository
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.outbound_pool import OutboundPool, OutboundPoolCollector
from samverkan_sharing.routes import disclosures, notifications, rules
from samverkan_sharing.rules import CATALOGUE, Catalogue, validate_catalogue
from samverkan_sharing.settings import SharingSettings
from samverkan_sharing.upstream import (
    AuditLogClient,
    ServiceToken,
    TipsClient,
    Upstream,
)

__all__ = ["create_app"]


def _local_revocations(engine: Engine) -> Revocations:
    with Session(engine) as session:
        repository = RevocationRepository(session)
        return Revocations(
            token_ids=frozenset(repository.revoked_token_ids(datetime.now(UTC))),
            client_ids=frozenset(repository.revoked_client_ids()),
        )


def _upstream_ready(name: str) -> tuple[str, object]:
    def check(request: Request) -> bool:
        client: TipsClient | AuditLogClient = getattr(request.app.state.upstream, name)
        return client.reachable()

    return name.replace("_", "-"), check


def create_app(
    settings: SharingSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    tips_http: httpx.Client | None = None,
    audit_http: httpx.Client | None = None,
    catalogue: Catalogue = CATALOGUE,
) -> FastAPI:
    """Upstream HTTP clients can be injected (tests pass in-process or failing ones)."""
    settings = settings or SharingSettings()
    engine = make_engine(settings.effective_database_url)
    keys = SigningKeyStore(
        settings.effective_signing_keys_dir,
        token_lifetime=settings.token_lifetime,
        create=settings.demo,
    )
    issuer = TokenIssuer(
        issuer=settings.issuer, keys=keys, lifetime=settings.token_lifetime
    )
    # The issuer validates its own tokens locally: no HTTP round trip to itself.
    validator = token_validator or TokenValidator(
        issuer=issuer.issuer,
        audience="sharing",
        keys=keys.jwks,
        revocations=lambda: _local_revocations(engine),
    )
    app: FastAPI = build_app(
        service="sharing",
        title="Samverkan sharing",
        description="Rule-checked disclosure to partner agencies; the OAuth 2.0 server.",
        settings=settings,
        engine=engine,
        token_validator=validator,
        readiness=[_upstream_ready("tips"), _upstream_ready("audit_log")],  # type: ignore[list-item]
        on_startup=[keys.current, lambda: _load_secrets(app, settings)],
        # Every token check in tips and the audit log depends on these two: refused
        # while sharing is busy, they would make those services fail sharing's own
        # disclosures, which would keep sharing busy.
        always_admitted=[oauth_routes.JWKS_PATH, oauth_routes.REVOCATIONS_PATH],
        openapi_components={
            "securitySchemes": CLIENT_AUTHENTICATION,
            "schemas": rules.EVALUATION_SCHEMAS,
        },
    )
    token = ServiceToken(issuer, engine, settings.service_client_id)

    def open_upstream() -> None:
        # Clients made here live as long as the lifespan; injected ones belong to the caller.
        tips_client = tips_http or make_client(settings.tips_url)
        audit_client = audit_http or make_client(settings.audit_log_url)
        owned = [
            c for c in (tips_client, audit_client) if c not in (tips_http, audit_http)
        ]
        app.state.closers += [c.close for c in owned]
        app.state.upstream = Upstream(
            TipsClient(tips_client, token), AuditLogClient(audit_client, token)
        )

    app.state.on_startup.append(open_upstream)
    app.state.token_issuer = issuer
    app.state.outbound_pool = OutboundPool(settings.outbound_threads)
    app.state.metrics.registry.register(OutboundPoolCollector(app.state.outbound_pool))
    app.state.disclosure_metrics = DisclosureMetrics(app.state.metrics.registry)
    validate_catalogue(catalogue.rules)
    app.state.catalogue = catalogue
    install_oauth_error_handler(app)
    # Outermost: a preflight is answered at once, and every answer of the token
    # endpoint (503 from a busy service too) carries the headers the page needs.
    app.add_middleware(TokenEndpointCors, origins=settings.effective_cors_origins)
    for module in (oauth_routes, rules, disclosures, notifications):
        app.include_router(module.router)
    return app


def _load_secrets(app: FastAPI, settings: SharingSettings) -> None:
    app.state.keyring = settings.keyring()
    app.state.pseudonym_key = settings.pseudonym_key()
