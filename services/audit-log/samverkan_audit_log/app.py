"""The audit-log service's app factory."""

from fastapi import FastAPI

from samverkan_audit_log.dependencies import LogContext
from samverkan_audit_log.metrics import LogSizeCollector
from samverkan_audit_log.routes import checkpoint, entries, export, proofs, subjects
from samverkan_audit_log.service import AppendQueue
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_audit_log.signer import LogSigner, load_signer
from samverkan_shared.auth import TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app

__all__ = ["create_app"]


def create_app(
    settings: AuditLogSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    signing_key: LogSigner | None = None,
    pseudonym_key: bytes | None = None,
) -> FastAPI:
    """The audit-log app; tests inject the validator, signer and pseudonym key.

    Unlike the rest of the assembly, the two keys are read here: a missing key
    outside the demo must stop the service at start-up with a message naming the
    file, not fail its first request.
    """
    settings = settings or AuditLogSettings()
    signer = signing_key or load_signer(settings)
    key = pseudonym_key or settings.pseudonym_key()
    engine = make_engine(settings.effective_database_url)
    context = LogContext(
        signer=signer, pseudonym_key=key, appends=AppendQueue(engine, signer)
    )
    app: FastAPI = build_app(
        service="audit-log",
        title="Samverkan audit-log",
        description="Append-only, verifiable log of every disclosure (RFC 9162).",
        settings=settings,
        engine=engine,
        token_validator=token_validator,
    )
    app.state.audit_log = context
    app.state.metrics.registry.register(LogSizeCollector(engine))
    # The writer thread drains its queue before the engine is disposed.
    app.state.on_startup.append(lambda: app.state.closers.append(context.appends.close))
    for module in (entries, subjects, proofs, checkpoint, export):
        app.include_router(module.router)
    return app
