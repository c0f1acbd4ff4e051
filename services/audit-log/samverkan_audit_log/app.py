"""The audit-log service's app factory."""

from fastapi import FastAPI

from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.auth import TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app

__all__ = ["create_app"]


def create_app(
    settings: AuditLogSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
) -> FastAPI:
    settings = settings or AuditLogSettings()
    app: FastAPI = build_app(
        service="audit-log",
        title="Samverkan audit-log",
        description="Append-only, verifiable log of every disclosure (RFC 9162).",
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        token_validator=token_validator,
    )
    return app
