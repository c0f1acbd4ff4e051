"""The demo suite as a caller meets it: its clients' tokens and a tip filed by Malmö."""

import json
import secrets
from pathlib import Path
from typing import Any

import httpx

from samverkan_shared.supervisor import Suite

__all__ = ["demo_headers", "demo_token", "file_demo_tip"]


def demo_token(suite: Suite, client: str) -> str:
    """An access token of the demo client ``client`` (client credentials)."""
    registration = json.loads(Path(suite.data_dir, "demo-clients.json").read_text())[
        "clients"
    ][client]
    answer = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(registration["client_id"], registration["client_secret"]),
        timeout=30.0,
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def demo_headers(suite: Suite, client: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo_token(suite, client)}"}


def file_demo_tip(
    suite: Suite,
    *,
    supplier: dict[str, str],
    agreement_id: str,
    description: str = "Bemanningen motsvarar inte anbudet.",
    categories: tuple[str, ...] = ("staffing",),
    **changes: Any,
) -> dict[str, Any]:
    """A tip filed by Malmö's demo client; ``changes`` replace fields of the body."""
    response = httpx.post(
        f"{suite.url('tips')}/v1/tips",
        json={
            "supplier": supplier,
            "agreement_id": agreement_id,
            "categories": list(categories),
            "description": description,
            "occurred_on": "2026-11-20",
            "reporter": {
                "municipality_code": "1280",
                "unit": "Avtalsuppföljning",
                "activity": "procurement_follow_up",
                "contact_email": "tips@malmo.se",
            },
            **changes,
        },
        headers={
            **demo_headers(suite, "malmo"),
            "Idempotency-Key": secrets.token_hex(8),
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    tip: dict[str, Any] = response.json()
    return tip
