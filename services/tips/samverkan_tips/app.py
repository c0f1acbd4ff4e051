"""The tips service's app factory."""

from contextlib import ExitStack

from samverkan_shared.auth import TokenValidator
from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import Platform, ServiceApp, build_app
from samverkan_tips.agreements import routes as agreements
from samverkan_tips.deadlines import routes as deadline_policy
from samverkan_tips.dependencies import TipsState
from samverkan_tips.disclosures import routes as disclosures
from samverkan_tips.internal import routes as internal
from samverkan_tips.notes import routes as notes
from samverkan_tips.settings import TipsSettings
from samverkan_tips.statistics import routes as statistics
from samverkan_tips.suppliers import routes as suppliers
from samverkan_tips.timeline import routes as timeline
from samverkan_tips.tips import routes as tips
from samverkan_tips.tips.filing_queue import FilingQueue
from samverkan_tips.webhooks import routes as webhooks
from samverkan_tips.webhooks.delivery import Deliverer, DeliveryPolicy
from samverkan_tips.webhooks.destinations import DestinationGuard

__all__ = ["create_app"]


def create_app(
    settings: TipsSettings | None = None,
    *,
    token_validator: TokenValidator | None = None,
    keyring: Keyring | None = None,
) -> ServiceApp[TipsState]:
    """The tips app; a missing encryption key outside the demo fails here, at start-up."""
    settings = settings or TipsSettings()
    keys = keyring or settings.keyring()
    deadlines = settings.deadline_policy()

    def open_state(stack: ExitStack, platform: Platform) -> TipsState:
        filings = FilingQueue(platform.engine, keys, deadlines=deadlines)
        # The writer thread files what is queued before the engine is disposed.
        stack.callback(filings.close)
        guard = DestinationGuard.from_setting(settings.webhook_allow)
        deliverer = Deliverer(
            platform.engine,
            keys,
            guard,
            DeliveryPolicy(
                max_attempts=settings.webhook_max_attempts,
                backoff_base=settings.webhook_backoff_base,
            ),
            poll_interval=settings.webhook_poll_interval,
        )
        deliverer.start()
        # Stops after the send in progress; what is unsent waits in the database.
        stack.callback(deliverer.close)
        return TipsState(
            keyring=keys, filings=filings, destinations=guard, deadlines=deadlines
        )

    app = build_app(
        service="tips",
        title="Samverkan tips",
        description="Quality-deficiency tips about suppliers on public framework agreements.",
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        open_state=open_state,
        token_validator=token_validator,
    )
    for module in (tips, suppliers, agreements, internal, statistics):
        app.include_router(module.router)
    app.include_router(webhooks.router)
    for feature in (deadline_policy, notes, timeline, disclosures):
        app.include_router(feature.router)
    return app
