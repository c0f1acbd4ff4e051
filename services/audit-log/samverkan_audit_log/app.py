"""The audit-log service's app factory."""

from contextlib import ExitStack

import httpx

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
from samverkan_audit_log.witnessing import routes as witnessing
from samverkan_audit_log.witnessing.config import WitnessList
from samverkan_audit_log.witnessing.worker import Witnessing
from samverkan_shared.auth import TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.http import make_client
from samverkan_shared.service_app import Platform, ServiceApp, build_app

__all__ = ["create_app"]

# The API, in the order of its OpenAPI document.
_ROUTERS = (
    entries.router,
    entries.subjects_router,
    proofs.router,
    checkpoints.router,
    export.router,
    witnessing.router,
    tiles.router,
)


def create_app(
    settings: AuditLogSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    signing_key: LogSigner | None = None,
    pseudonym_key: bytes | None = None,
    witness_client: httpx.Client | None = None,
) -> ServiceApp[LogState]:
    """The audit-log app; tests inject the validator, signer, pseudonym key and the
    HTTP client that reaches the witnesses.

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
        witnesses = _open_witnessing(settings, platform, witness_client)
        # Stopped before the engine is disposed; a witness never holds up an append.
        stack.callback(witnesses.close)
        return LogState(
            signer=signer, pseudonym_key=key, appends=appends, witnessing=witnesses
        )

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
    for router in _ROUTERS:
        app.include_router(router)
    return app


def _open_witnessing(
    settings: AuditLogSettings, platform: Platform, client: httpx.Client | None
) -> Witnessing:
    witnessing = Witnessing(
        platform.engine,
        WitnessList(settings.effective_witnesses_file),
        settings.witness_policy,
        client or make_client(timeout=httpx.Timeout(10.0, connect=3.0), attempts=1),
        settings.witness_interval,
    )
    witnessing.start()
    return witnessing
