"""Demo disclosures made through the running services, so `make run` shows a live log.

Runs once every service answers, at every `make run`, and must add nothing the second
time whatever the user did in between. So it asks about the demo's own tips, found by
supplier and by the client that seeded them (never "the first tip", which may be one the
user filed), and each request's Idempotency-Key is derived from its body: the same
question replays its first answer, a different one can never collide with it. A request
left half-way (assessed, not approved) is taken up where it stopped. The assessment and
the approval are made by two demo people, signed in at the demo console.
"""

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import httpx

from samverkan_sharing.demo_webhook import subscribe_demo_receiver
from samverkan_sharing.signin.command import PERSON_SCOPES, console_redirect_uri
from samverkan_sharing.signin.relying_party import (
    Person,
    RelyingParty,
    SignInFailed,
    sign_in,
)

__all__ = ["DEMO_PURPOSE", "DEMO_TIP_FILER", "after_start", "demo_key"]

# The client id the tips service's demo seed files its tips as (its `Tip.filed_by`).
DEMO_TIP_FILER = "demo-seed"
# The suppliers of the seeded tips the two demo requests ask about.
_POLICE_SUPPLIER = "559123-4561"  # Trygga Hem HVB AB: nights without staff, a child
_TAX_SUPPLIER = "559012-3450"  # Assistansbolaget Norr AB: hours invoiced, not worked

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
        self.people: dict[str, dict[str, str]] = document["people"]
        self.issuer: str = document["issuer"]
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

    def person_headers(self, role: str) -> dict[str, str]:
        """A demo person (``assessor``, ``approver``) signed in at the demo console."""
        console, person = self.clients["console"], self.people[role]
        party = RelyingParty(
            issuer=self.issuer,
            client_id=console["client_id"],
            client_secret=console["client_secret"],
            redirect_uri=console_redirect_uri(),
            scope=PERSON_SCOPES,
        )
        with httpx.Client(timeout=10) as http:
            tokens = sign_in(
                http, party, Person(person["username"], person["password"], _no_code)
            )
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    def post(
        self,
        key: str,
        path: str,
        body: dict[str, Any],
        *,
        person: bool = False,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST as a demo client, or as a demo person when ``person``."""
        auth = self.person_headers(key) if person else self.headers(key)
        response = httpx.post(
            f"{self.sharing}{path}",
            json=body,
            headers={**auth, **(headers or {})},
            timeout=30,
        )
        if response.status_code >= 400:
            raise RuntimeError(f"demo {path}: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    def seeded_tip(self, supplier: str) -> str | None:
        """The id of the demo seed's (oldest) tip about ``supplier``, if there is one."""
        response = httpx.get(
            f"{self.tips}/v1/tips",
            params={"supplier": supplier},
            headers=self.headers("malmo"),
            timeout=10,
        )
        response.raise_for_status()
        items = response.json()["items"]
        ids = [item["id"] for item in items if item["filed_by"] == DEMO_TIP_FILER]
        return ids[0] if ids else None

    def ask(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """A disclosure request whose Idempotency-Key is derived from its body."""
        path = "/v1/disclosure-requests"
        return self.post(
            key, path, body, headers={"Idempotency-Key": demo_key(key, body)}
        )


def _no_code() -> str:
    raise SignInFailed("the demo's people have no second factor, yet a code was asked")


def demo_key(client: str, body: dict[str, Any]) -> str:
    """``demo-<client>-<digest of the body>``: the same request, the same key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"demo-{client}-{digest}"


def after_start(data_dir: Path) -> None:
    demo = _Demo(data_dir)
    police_tip = demo.seeded_tip(_POLICE_SUPPLIER)
    if police_tip is not None:
        demo.ask(
            "polisen",
            {
                "tip_id": police_tip,
                "purpose": DEMO_PURPOSE,
                "partner_reference": "5000-K100-26",
            },
        )
    tax_tip = demo.seeded_tip(_TAX_SUPPLIER)
    if tax_tip is not None:
        asked = demo.ask(
            "skatteverket",
            {
                "tip_id": tax_tip,
                "purpose": _TAX_PURPOSE,
                "partner_reference": "SKV-131-2026",
            },
        )
        _decide(demo, asked)
    subscribe_demo_receiver(demo.tips, demo.headers("malmo"), data_dir)


def _decide(demo: _Demo, asked: dict[str, Any]) -> None:
    """Assess and approve a held request, from whichever step it stopped at."""
    if asked["status"] == "awaiting_assessment":
        asked = _assess(demo, asked)
    if asked["status"] == "assessed":
        demo.post(
            "approver",
            f"/v1/disclosure-requests/{asked['id']}/approval",
            {"decision": "approve", "reason": "Instämmer i bedömningen."},
            person=True,
        )


def _assess(demo: _Demo, asked: dict[str, Any]) -> dict[str, Any]:
    held = [w["field"] for w in asked["withheld"] if w["outcome"] == "needs_assessment"]
    return demo.post(
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
        person=True,
    )
