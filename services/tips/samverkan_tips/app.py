"""The tips service's app factory."""

from fastapi import FastAPI

from samverkan_shared.auth import TokenValidator
from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import build_app
from samverkan_tips.filing import FilingQueue
from samverkan_tips.routes import agreements, internal, suppliers, tips
from samverkan_tips.settings import TipsSettings

__all__ = ["create_app"]


def create_app(
    settings: TipsSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    keyring: Keyring | None = None,
) -> FastAPI:
    """The tips app; a missing encryption key outside the demo fails here, at start-up."""
    settings = settings or TipsSettings()
    keyring = keyring or settings.keyring()
    engine = make_engine(settings.effective_database_url)
    app: FastAPI = build_app(
        service="tips",
        title="Samverkan tips",
        description="Quality-deficiency tips about suppliers on public framework agreements.",
        settings=settings,
        engine=engine,
        token_validator=token_validator,
    )
    app.state.keyring = keyring
    app.state.filings = FilingQueue(engine, keyring)
    # The writer thread files what is queued before the engine is disposed.
    app.state.on_startup.append(
        lambda: app.state.closers.append(app.state.filings.close)
    )
    for module in (tips, suppliers, agreements, internal):
        app.include_router(module.router)
    return app
