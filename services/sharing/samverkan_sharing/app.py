"""The sharing service's app factory: authorization server, rules and disclosures."""

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from fastapi import Request
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.auth import Revocations, TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.http import make_client
from samverkan_shared.proof_replay import ReplayCache
from samverkan_shared.service_app import Platform, ServiceApp, build_app
from samverkan_shared.sessions import reading_session
from samverkan_sharing.cors import TokenEndpointCors
from samverkan_sharing.dependencies import SharingState, sharing_app
from samverkan_sharing.disclosures import routes as disclosure_routes
from samverkan_sharing.disclosures.metrics import DisclosureMetrics
from samverkan_sharing.oauth import routes as oauth_routes
from samverkan_sharing.oauth.binding import NonceSource, SenderBinding
from samverkan_sharing.oauth.errors import install_oauth_error_handler
from samverkan_sharing.oauth.keys import SigningKeyStore
from samverkan_sharing.oauth.repository import RevocationRepository
from samverkan_sharing.oauth.schemas import CLIENT_AUTHENTICATION
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.outbound_pool import OutboundPool, OutboundPoolCollector
from samverkan_sharing.rules import CATALOGUE, Catalogue, validate_catalogue
from samverkan_sharing.rules import routes as rules_routes
from samverkan_sharing.rules.schemas import EVALUATION_SCHEMAS
from samverkan_sharing.settings import SharingSettings
from samverkan_sharing.signin import routes as signin_routes
from samverkan_sharing.signin.refresh import RefreshPolicy
from samverkan_sharing.signin.tokens import PersonTokens
from samverkan_sharing.tip_reports.metrics import TipReportMetrics
from samverkan_sharing.tip_reports.reporter import ReportPolicy, TipReporter
from samverkan_sharing.tip_reports.repository import TipReportRepository
from samverkan_sharing.tip_reports.sender import TipReportSender
from samverkan_sharing.upstream import (
    AuditLogClient,
    ServiceToken,
    TipsClient,
    Upstream,
)

__all__ = ["create_app"]

_log = structlog.get_logger("samverkan.sharing")
_REPORT_TIMEOUT = httpx.Timeout(5.0)


def _local_revocations(engine: Engine) -> Revocations:
    with Session(engine) as session:
        repository = RevocationRepository(session)
        return Revocations(
            token_ids=frozenset(repository.revoked_token_ids(datetime.now(UTC))),
            client_ids=frozenset(repository.revoked_client_ids()),
        )


def _waiting_reports(engine: Engine) -> int:
    with reading_session(engine) as session:
        return TipReportRepository(session).count_waiting()


def _upstream_ready(name: str) -> tuple[str, object]:
    def check(request: Request) -> bool:
        upstream = sharing_app(request).running.state.upstream
        client: TipsClient | AuditLogClient = getattr(upstream, name)
        return client.reachable()

    return name.replace("_", "-"), check


def create_app(
    settings: SharingSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    tips_http: httpx.Client | None = None,
    audit_http: httpx.Client | None = None,
    catalogue: Catalogue = CATALOGUE,
) -> ServiceApp[SharingState]:
    """Upstream HTTP clients can be injected (tests pass in-process or failing ones)."""
    settings = settings or SharingSettings()
    validate_catalogue(catalogue.rules)
    engine = make_engine(settings.effective_database_url)
    issuer = _token_issuer(settings, engine)
    # The issuer validates its own tokens locally: no HTTP round trip to itself.
    validator = token_validator or TokenValidator(
        issuer=issuer.issuer,
        audience="sharing",
        keys=issuer.keys.jwks,
        revocations=lambda: _local_revocations(engine),
    )
    pool = OutboundPool(settings.outbound_threads)
    opened = _StateOpener(settings, issuer, catalogue, pool, tips_http, audit_http)
    app = build_app(
        service="sharing",
        title="Samverkan sharing",
        description="Rule-checked disclosure to partner agencies; the OAuth 2.0 server.",
        settings=settings,
        engine=engine,
        open_state=opened,
        token_validator=validator,
        readiness=[_upstream_ready("tips"), _upstream_ready("audit_log")],  # type: ignore[list-item]
        # Every token check in tips and the audit log depends on these two: refused
        # while sharing is busy, they would make those services fail sharing's own
        # disclosures, which would keep sharing busy.
        always_admitted=[oauth_routes.JWKS_PATH, oauth_routes.REVOCATIONS_PATH],
        openapi_components={
            "securitySchemes": CLIENT_AUTHENTICATION,
            "schemas": EVALUATION_SCHEMAS,
        },
    )
    app.platform.metrics.registry.register(OutboundPoolCollector(pool))
    install_oauth_error_handler(app)
    # Outermost: a preflight is answered at once, and every answer of the token
    # endpoint (503 from a busy service too) carries the headers the page needs.
    app.add_middleware(TokenEndpointCors, origins=settings.effective_cors_origins)
    for module in (oauth_routes, signin_routes, rules_routes, disclosure_routes):
        app.include_router(module.router)
    return app


def _token_issuer(settings: SharingSettings, engine: Engine) -> TokenIssuer:
    keys = SigningKeyStore(
        settings.effective_signing_keys_dir,
        token_lifetime=settings.effective_token_lifetime,
        create=settings.demo,
    )
    people = PersonTokens(
        RefreshPolicy(
            lifetime=timedelta(seconds=settings.refresh_lifetime),
            idle=timedelta(seconds=settings.refresh_idle),
        )
    )
    binding = SenderBinding(
        token_endpoint=f"{settings.issuer.rstrip('/')}/oauth/token",
        replays=ReplayCache(engine),
        nonces=NonceSource(settings.dpop_nonce_secret)
        if settings.dpop_nonces
        else None,
        bind_every_client=settings.fapi2,
    )
    return TokenIssuer(
        issuer=settings.issuer,
        keys=keys,
        lifetime=settings.effective_token_lifetime,
        code_grant=people.for_code,
        refresh_grant=people.for_refresh,
        refresh_revocation=people.revoke,
        binding=binding,
        fapi2=settings.fapi2,
        mutual_tls=settings.trust_client_cert_header,
    )


@dataclass
class _StateOpener:
    """Opens the running state: keys and secrets read, upstream clients made."""

    settings: SharingSettings
    issuer: TokenIssuer
    catalogue: Catalogue
    pool: OutboundPool
    tips_http: httpx.Client | None
    audit_http: httpx.Client | None

    def __call__(self, stack: ExitStack, platform: Platform) -> SharingState:
        self.issuer.keys.current()  # generated on the demo's first start
        if self.settings.effective_holder_org_number is None:
            # Not a start-up error: the service still serves partners and tokens,
            # and every assessment and approval is refused with a 403 saying why.
            _log.warning(
                "holder_org_number_missing", setting="SHARING_HOLDER_ORG_NUMBER"
            )
        metrics = DisclosureMetrics(platform.metrics.registry)
        stack.callback(metrics.unregister)
        token = ServiceToken(
            self.issuer, platform.engine, self.settings.service_client_id
        )
        self._start_tip_reporter(stack, platform, token)
        return SharingState(
            token_issuer=self.issuer,
            catalogue=self.catalogue,
            upstream=Upstream(
                TipsClient(self._client(stack, self.tips_http, "tips_url"), token),
                AuditLogClient(
                    self._client(stack, self.audit_http, "audit_log_url"), token
                ),
            ),
            outbound_pool=self.pool,
            disclosure_metrics=metrics,
            keyring=self.settings.keyring(),
            pseudonym_key=self.settings.pseudonym_key(),
            holder_org_number=self.settings.effective_holder_org_number,
        )

    def _start_tip_reporter(
        self, stack: ExitStack, platform: Platform, token: ServiceToken
    ) -> None:
        """The thread that tells tips of each release; stopped before the engine is
        disposed and its client closed (the stack unwinds in reverse)."""
        http = self.tips_http
        if http is None:
            # No retries inside an attempt: a failed one is retried later, stored.
            http = make_client(
                self.settings.tips_url, timeout=_REPORT_TIMEOUT, attempts=1
            )
            stack.callback(http.close)
        metrics = TipReportMetrics(
            platform.metrics.registry, lambda: _waiting_reports(platform.engine)
        )
        stack.callback(metrics.unregister)
        reporter = TipReporter(
            platform.engine,
            TipReportSender(http, token),
            ReportPolicy(backoff_base=self.settings.tip_report_backoff_base),
            metrics=metrics,
            poll_interval=self.settings.tip_report_poll_interval,
        )
        reporter.start()
        stack.callback(reporter.close)

    def _client(
        self, stack: ExitStack, injected: httpx.Client | None, url_setting: str
    ) -> httpx.Client:
        # Clients made here live as long as the lifespan; injected ones belong to the caller.
        if injected is not None:
            return injected
        client = make_client(getattr(self.settings, url_setting))
        stack.callback(client.close)
        return client
