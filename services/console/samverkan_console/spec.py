"""How the supervisor and the CLI find the console."""

import os
from pathlib import Path

import httpx

from samverkan_console.settings import ConsoleSettings
from samverkan_shared.keyfiles import write_secret_file
from samverkan_shared.service_spec import ServiceSpec

__all__ = ["SPEC"]


def _migrate() -> None:
    """The console keeps no database: nothing to migrate."""


def _pin_the_demo_log_key(data_dir: Path) -> None:
    """The demo pins the log key it finds on first start (trust on first use);
    a real deployment configures CONSOLE_LOG_KEY from the published key."""
    settings = ConsoleSettings()
    target = settings.effective_log_key_file
    if settings.log_key or target.exists():
        return
    url = os.environ.get("SAMVERKAN_AUDIT_LOG_URL", settings.audit_log_url)
    response = httpx.get(f"{url.rstrip('/')}/v1/log-key", timeout=10.0)
    response.raise_for_status()
    write_secret_file(target, response.text.strip().encode())


SPEC = ServiceSpec(
    name="console",
    factory="samverkan_console.app:create_app",
    default_port=8004,
    migrate=_migrate,
    after_start=_pin_the_demo_log_key,
    start_page="/",
)
