"""Demo disclosures made through the running services, so `make run` shows a live log.

Runs once every service answers. Each request carries a fixed Idempotency-Key, so running
the demo again adds nothing.
"""

import json
import os
from pathlib import Path
from typing import Any

import httpx

__all__ = ["DEMO_PURPOSE", "after_start"]

DEMO_PURPOSE = {
    "code": "investigate_crime",
    "offence": {
        "name": "grovt bedrägeri",
        "reference": "BrB 9:3",
        "min_penalty_months": 6,
        "max_penalty_months": 72,
        "attempt": False,
    },
    "detail": "Misstänkt fakturering för personal som inte funnits.",
}
_TAX_PURPOSE = {
    "code": "prevent_incorrect_taxation",
    "detail": "Svartlöner i verksamheten.",
}


class _Demo:
    def __init__(self, data_dir: Path) -> None:
        document = json.loads((data_dir / "demo-clients.json").read_text())
        self.clients: dict[str, dict[str, str]] = document["clients"]
        self.sharing = os.environ.get("SAMVERKAN_SHARING_URL", "http://127.0.0.1:8002")
        self.tips = os.environ.get("SAMVERKAN_TIPS_URL", "http://127.0.0.1:8001")

    def headers(self, key: str, **extra: str) -> dict[str, str]:
        client = self.clients[key]
        response = httpx.post(
            f"{self.sharing}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client["client_id"], client["client_secret"]),
            timeout=10,
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}", **extra}

    def post(
        self, key: str, path: str, body: dict[str, Any], **headers: str
    ) -> dict[str, Any]:
        response = httpx.post(
            f"{self.sharing}{path}",
            json=body,
            headers=self.headers(key, **headers),
            timeout=30,
        )
        if response.status_code >= 400:
            raise RuntimeError(f"demo {path}: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    def tip_ids(self) -> list[str]:
        response = httpx.get(
            f"{self.tips}/v1/tips", headers=self.headers("malmo"), timeout=10
        )
        response.raise_for_status()
        return sorted(item["id"] for item in response.json()["items"])


def after_start(data_dir: Path) -> None:
    demo = _Demo(data_dir)
    tips = demo.tip_ids()
    if not tips:
        return
    demo.post(
        "polisen",
        "/v1/disclosure-requests",
        {
            "tip_id": tips[0],
            "purpose": DEMO_PURPOSE,
            "partner_reference": "5000-K100-26",
        },
        **{"Idempotency-Key": "demo-police-1"},
    )
    asked = demo.post(
        "skatteverket",
        "/v1/disclosure-requests",
        {
            "tip_id": tips[-1],
            "purpose": _TAX_PURPOSE,
            "partner_reference": "SKV-131-2026",
        },
        **{"Idempotency-Key": "demo-skatteverket-1"},
    )
    if asked["status"] != "awaiting_assessment":
        return
    held = [w["field"] for w in asked["withheld"] if w["outcome"] == "needs_assessment"]
    demo.post(
        "assessor",
        f"/v1/disclosure-requests/{asked['id']}/assessment",
        {
            "assessment": "Uppgifterna behövs för att bedöma leverantörens skatt; menet är litet.",
            "proposals": [
                {
                    "field": name,
                    "decision": "release",
                    "reason": "nödvändig för ändamålet",
                }
                for name in held
            ],
        },
    )
    demo.post(
        "approver",
        f"/v1/disclosure-requests/{asked['id']}/approval",
        {"decision": "approve", "reason": "Instämmer i bedömningen."},
    )
