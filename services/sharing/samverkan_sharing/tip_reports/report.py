"""What sharing tells tips about a release, one report per tip; no framework imports.

Tips shows it in the tip's timeline: who received data about the tip, on which legal
basis, which data categories, when, and the audit log index that proves it. Never
the payload: the report is built from the audit entry, which holds none of it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = ["DUE_STATES", "ReportState", "TipReport", "reports_of_release", "rfc3339"]


class ReportState(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"  # tips failed or was away; tried again after a backoff
    DELIVERED = "delivered"  # tips recorded it (also a repeat)
    UNKNOWN_TIP = "unknown_tip"  # tips knows no such tip: the row ends, recorded


DUE_STATES = (ReportState.PENDING, ReportState.RETRYING)


@dataclass(frozen=True)
class TipReport:
    """One of the ``reports`` of ``POST /internal/v1/tip-disclosures``: the tip's id
    and ``body``."""

    tip_id: str
    body: dict[str, Any]


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def reports_of_release(
    disclosure_id: str,
    entry: Mapping[str, Any],
    audit_index: int,
    released_at: datetime,
) -> list[TipReport]:
    """One report per tip the release was about (``tip_ids`` of its audit entry; a
    request about a supplier covers each of its tips), each with the same body."""
    recipient = entry["recipient"]
    body = {
        "disclosure_id": disclosure_id,
        "audit_index": audit_index,
        "recipient": {
            "code": str(recipient["code"]),
            "org_number": str(recipient["org_number"]),
            "name": str(recipient["name"]),
        },
        "legal_basis": [str(basis) for basis in entry["legal_basis"]],
        "data_categories": [str(category) for category in entry["data_categories"]],
        "released_at": rfc3339(released_at),
    }
    tip_ids = sorted({str(tip_id) for tip_id in entry.get("tip_ids", [])})
    return [TipReport(tip_id, body) for tip_id in tip_ids]
