"""The sharing app under test (the ``sharing`` fixture) and how a test asks it.

``Sharing`` wraps the app's TestClient with its settings and fakes; ``headers(key)``
registers one of the standard clients on first use and fetches it a token.
"""

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.settings import SharingSettings
from tests.support.fakes import FakeAuditLog, FakeTips
from tests.support.payloads import TIP_ID

ISSUER = "http://sharing.test"
STANDARD_CLIENTS: dict[str, dict[str, object]] = {
    "police": {
        "name": "Polismyndigheten",
        "org_number": "202100-0076",
        "kind": "partner",
        "recipient": "polismyndigheten",
        "scopes": ["disclosures:request"],
    },
    "skatteverket": {
        "name": "Skatteverket",
        "org_number": "202100-5448",
        "kind": "partner",
        "recipient": "skatteverket",
        "scopes": ["disclosures:request"],
    },
    "assessor": {"name": "Handläggare", "scopes": ["disclosures:assess", "tips:read"]},
    "assessor2": {"name": "Handläggare 2", "scopes": ["disclosures:assess"]},
    "approver": {"name": "Enhetschef", "scopes": ["disclosures:approve"]},
    "both": {
        "name": "Ensam chef",
        "scopes": ["disclosures:assess", "disclosures:approve"],
    },
}


@dataclass
class Sharing:
    client: TestClient
    settings: SharingSettings
    tips: FakeTips
    audit: FakeAuditLog
    # The standard clients registered so far: client id and secret by key.
    _clients: dict[str, tuple[str, str | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def headers(self, key: str, scope: str | None = None) -> dict[str, str]:
        """Bearer headers for one of the standard test clients (registered on first use)."""
        if key not in self._clients:
            self._clients[key] = self.register(**STANDARD_CLIENTS[key])
        client_id, secret = self._clients[key]
        return {"Authorization": f"Bearer {self.token(client_id, secret, scope)}"}

    def register(self, **fields: object) -> tuple[str, str | None]:
        defaults: dict[str, object] = {
            "name": "Malmö stad",
            "org_number": "212000-1124",
            "kind": "municipality",
            "scopes": ["tips:read"],
        }
        with Session(self.client.app.platform.engine) as session:  # type: ignore[attr-defined]
            record, secret = register_client(session, **{**defaults, **fields})  # type: ignore[arg-type]
            return record.client_id, secret

    def token(
        self, client_id: str, secret: str | None, scope: str | None = None
    ) -> str:
        data = {"grant_type": "client_credentials"}
        if scope:
            data["scope"] = scope
        response = self.client.post(
            "/oauth/token", data=data, auth=(client_id, secret or "")
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


def request_disclosure(
    sharing: Sharing, purpose: dict[str, Any], *, key: str | None = None, **extra: Any
) -> Any:
    """POST /v1/disclosure-requests for TIP_ID as the police; ``extra`` joins the body."""
    headers = sharing.headers("police")
    if key:
        headers["Idempotency-Key"] = key
    body = {
        "tip_id": TIP_ID,
        "purpose": purpose,
        "partner_reference": "5000-K123-26",
        **extra,
    }
    return sharing.client.post("/v1/disclosure-requests", json=body, headers=headers)
