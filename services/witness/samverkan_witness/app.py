"""The witness's app factory."""

from contextlib import ExitStack

from samverkan_shared.db import make_engine
from samverkan_shared.service_app import Platform, ServiceApp, build_app
from samverkan_witness.cosigning import routes as cosigning
from samverkan_witness.dependencies import WitnessState
from samverkan_witness.followed_logs import FollowedLogs
from samverkan_witness.forks import routes as forks
from samverkan_witness.keys import WitnessSigner, load_witness_signer
from samverkan_witness.settings import WitnessSettings

__all__ = ["create_app"]


def create_app(
    settings: WitnessSettings | None = None, *, signer: WitnessSigner | None = None
) -> ServiceApp[WitnessState]:
    """The witness app; tests inject the signer. A missing key stops the start."""
    settings = settings or WitnessSettings()
    witness = signer or load_witness_signer(settings)
    logs = FollowedLogs(settings.effective_logs_file)

    def open_state(stack: ExitStack, platform: Platform) -> WitnessState:
        return WitnessState(signer=witness, logs=logs)

    app = build_app(
        service="witness",
        title="Samverkan witness",
        description="A C2SP tlog-witness: cosigns the audit log's checkpoints once "
        "they are consistent with what it saw before, and keeps evidence of forks.",
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        open_state=open_state,
    )
    app.include_router(cosigning.router)
    app.include_router(forks.router)
    return app
