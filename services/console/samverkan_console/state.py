"""The console's typed state: one frozen object, built with the app."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from fastapi import FastAPI, Request

from samverkan_console.apis import Apis
from samverkan_console.sessions.store import SessionStore
from samverkan_console.settings import ConsoleSettings
from samverkan_console.signin.service import OpenIdProvider

__all__ = ["ConsoleApp", "ConsoleState", "console_state"]


@dataclass(frozen=True)
class ConsoleState:
    settings: ConsoleSettings
    sessions: SessionStore
    provider: OpenIdProvider
    apis: Apis
    pages: jinja2.Environment
    clock: Callable[[], datetime]


class ConsoleApp(FastAPI):
    """The console's app: its state at once (building it does no I/O)."""

    console: ConsoleState

    def __init__(self, console: ConsoleState, **fastapi: Any) -> None:
        super().__init__(**fastapi)
        self.console = console


def console_state(request: Request) -> ConsoleState:
    app: ConsoleApp = request.app
    return app.console
