"""Annotated dependencies and the witness's running state."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from samverkan_shared.service_app import ServiceApp
from samverkan_witness.followed_logs import FollowedLogs
from samverkan_witness.keys import WitnessSigner

__all__ = ["EngineDep", "WitnessDep", "WitnessState"]


@dataclass(frozen=True)
class WitnessState:
    """The cosigning key and the logs followed."""

    signer: WitnessSigner
    logs: FollowedLogs


async def _state(request: Request) -> WitnessState:
    app: ServiceApp[WitnessState] = request.app
    return app.running.state


async def _engine(request: Request) -> Engine:
    app: ServiceApp[WitnessState] = request.app
    return app.platform.engine


WitnessDep = Annotated[WitnessState, Depends(_state)]
EngineDep = Annotated[Engine, Depends(_engine)]
