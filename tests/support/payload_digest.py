"""The digest the audit log records of a released payload."""

import hashlib
from typing import Any

from samverkan_shared.canonical_json import canonicalize


def payload_sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonicalize(payload)).hexdigest()
