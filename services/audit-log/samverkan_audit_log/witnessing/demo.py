"""The demo's log asks the demo's witness to cosign (`make run`, after start-up).

Outside the demo the operator writes the witnesses file from each witness's
published key; here the key is taken from the witness the suite started.
"""

import os
from pathlib import Path

import httpx
import structlog

from samverkan_audit_log.settings import AuditLogSettings
from samverkan_audit_log.witnessing.config import parse_witnesses
from samverkan_shared.cosignature import parse_cosigner_key

__all__ = ["use_demo_witness"]

_log = structlog.get_logger("samverkan_audit_log")


def use_demo_witness(data_dir: Path) -> None:
    """Add the running demo witness (SAMVERKAN_WITNESS_URL) to the witnesses file."""
    url = os.environ.get("SAMVERKAN_WITNESS_URL", "").rstrip("/")
    if not url:
        return
    try:
        response = httpx.get(f"{url}/v1/witness-key", timeout=10.0)
    except httpx.HTTPError:
        return  # the suite runs no witness (`samverkan run --no-demo` or serve)
    response.raise_for_status()
    key = parse_cosigner_key(response.text)
    path = AuditLogSettings(data_dir=data_dir).effective_witnesses_file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if any(witness.url == url for witness in parse_witnesses(text)):
        return
    path.write_text(f"{text}{url} {key.encode()}\n", encoding="utf-8")
    _log.info("witness_added", witness=key.name, url=url, file=str(path))
