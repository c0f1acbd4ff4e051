"""The sharing service's app factory."""

from fastapi import FastAPI

from samverkan_shared.auth import TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app
from samverkan_sharing.settings import SharingSettings

__all__ = ["create_app"]


def create_app(
    settings: SharingSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
) -> FastAPI:
    settings = settings or SharingSettings()
    app: FastAPI = build_app(
        service="sharing",
        title="Samverkan sharing",
        description="Rule-checked disclosure to partner agencies; the OAuth 2.0 server.",
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        token_validator=token_validator,
    )
    return app
