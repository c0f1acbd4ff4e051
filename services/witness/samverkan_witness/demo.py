"""The demo's witness follows the demo's audit log (`make run`, after start-up).

Outside the demo an operator writes the logs file from the log's published key;
here the key is taken from the running demo log, which is on the same machine.
"""

import os
from pathlib import Path

import httpx
import structlog

from samverkan_shared.signed_note import parse_verifier_key
from samverkan_witness.followed_logs import parse_followed_logs
from samverkan_witness.settings import WitnessSettings

__all__ = ["follow_demo_log"]

_log = structlog.get_logger("samverkan_witness")


def follow_demo_log(data_dir: Path) -> None:
    """Add the demo audit log's origin and key to the logs file, once."""
    url = os.environ.get("SAMVERKAN_AUDIT_LOG_URL")
    if not url:
        return
    response = httpx.get(f"{url.rstrip('/')}/v1/log-key", timeout=10.0)
    response.raise_for_status()
    key = parse_verifier_key(response.text.strip())
    path = WitnessSettings(data_dir=data_dir).effective_logs_file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if key.name in parse_followed_logs(text):
        return
    path.write_text(f"{text}{key.name} {key.encode()}\n", encoding="utf-8")
    _log.info("following_log", origin=key.name, logs_file=str(path))
