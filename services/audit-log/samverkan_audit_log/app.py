"""The audit-log service's app factory."""

from contextlib import ExitStack

from samverkan_audit_log.checkpoints import routes as checkpoints
from samverkan_audit_log.checkpoints.signer import LogSigner, load_signer
from samverkan_audit_log.dependencies import LogState
from samverkan_audit_log.entries import routes as entries
from samverkan_audit_log.entries.append import AppendQueue
from samverkan_audit_log.export import routes as export
from samverkan_audit_log.metrics import LogSizeCollector
from samverkan_audit_log.proofs import routes as proofs
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_audit_log.tiles import routes as tiles
from samverkan_shared.auth import TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import Platform, ServiceApp, build_app

__all__ = ["create_app"]


def create_app(
    settings: AuditLogSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    signing_key: LogSigner | None = None,
    pseudonym_key: bytes | None = None,
) -> ServiceApp[LogState]:
    """The audit-log app; tests inject the validator, signer and pseudonym key.

    Unlike the rest of the assembly, the two keys are read here: a missing key
    outside the demo must stop the service at start-up with a message naming the
    file, not fail its first request.
    """
    settings = settings or AuditLogSettings()
    signer = signing_key or load_signer(settings)
    key = pseudonym_key or settings.pseudonym_key()

    def open_state(stack: ExitStack, platform: Platform) -> LogState:
        appends = AppendQueue(platform.engine, signer)
        # The writer thread drains its queue before the engine is disposed.
        stack.callback(appends.close)
        return LogState(signer=signer, pseudonym_key=key, appends=appends)

    engine = make_engine(settings.effective_database_url)
    app = build_app(
        service="audit-log",
        title="Samverkan audit-log",
        description="Append-only, verifiable log of every disclosure (RFC 9162).",
        settings=settings,
        engine=engine,
        open_state=open_state,
        token_validator=token_validator,
    )
    app.platform.metrics.registry.register(LogSizeCollector(engine))
    routers = (
        entries.router,
        entries.subjects_router,
        proofs.router,
        checkpoints.router,
        export.router,
        tiles.router,
    )
    for router in routers:
        app.include_router(router)
    return app
