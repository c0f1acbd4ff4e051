"""The sharing service's app factory: authorization server, rules and disclosures."""

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.auth import Revocations, TokenValidator
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app
from samverkan_sharing.oauth import routes as oauth_routes
from samverkan_sharing.oauth.keys import SigningKeyStore
from samverkan_sharing.oauth.repository import RevocationRepository
from samverkan_sharing.oauth.service import TokenIssuer
from samverkan_sharing.settings import SharingSettings

__all__ = ["create_app"]


def _local_revocations(engine: Engine) -> Revocations:
    from datetime import UTC, datetime

    with Session(engine) as session:
        repository = RevocationRepository(session)
        return Revocations(
            token_ids=frozenset(repository.revoked_token_ids(datetime.now(UTC))),
            client_ids=frozenset(repository.revoked_client_ids()),
        )


def create_app(
    settings: SharingSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
) -> FastAPI:
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
        on_startup=[keys.current],
    )
    app.state.token_issuer = issuer
    app.include_router(oauth_routes.router)
    return app
