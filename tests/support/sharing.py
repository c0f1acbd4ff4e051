"""The sharing app under test (the ``sharing`` fixture) and how a test asks it.

``Sharing`` wraps the app's TestClient with its settings and fakes; ``headers(key)``
registers one of the standard clients on first use and fetches it a token, or, for
the officers who assess and approve, adds the person and signs them in through a
console client (the authorization code flow).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_shared.sessions import writing_session
from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.people.service import NewPerson, add_person
from samverkan_sharing.settings import SharingSettings
from tests.support.fakes import FakeAuditLog, FakeTips
from tests.support.payloads import TIP_ID
from tests.support.signing_in import PERSON_SCOPES, REDIRECT_URI, SignIn

ISSUER = "http://sharing.test"
# The authority whose data the tests disclose (SHARING_HOLDER_ORG_NUMBER): Malmö stad,
# the organisation of the standard people and clients.
HOLDER_ORG_NUMBER = "212000-1124"
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
    # A machine client with an officer's scope: assessment and approval refuse it.
    "assessing-client": {
        "name": "Malmö stad, ärendesystem",
        "scopes": ["disclosures:assess", "disclosures:approve"],
    },
}
# The officers who assess and approve: persons of Malmö (username → name and roles).
STANDARD_PEOPLE: dict[str, tuple[str, list[str]]] = {
    "assessor": ("Anna Andersson", ["assessor"]),
    "assessor2": ("Adam Ek", ["assessor"]),
    "approver": ("Bertil Berg", ["approver"]),
    "both": ("Ensam Chef", ["assessor", "approver"]),
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
    # The standard people added so far: their password by username.
    _people: dict[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def headers(self, key: str, scope: str | None = None) -> dict[str, str]:
        """Bearer headers for one of the standard test clients (registered on first
        use), or for one of the standard people, signed in (added on first use)."""
        if key in STANDARD_PEOPLE:
            return {"Authorization": f"Bearer {self.person_token(key)}"}
        if key not in self._clients:
            self._clients[key] = self.register(**STANDARD_CLIENTS[key])
        client_id, secret = self._clients[key]
        return {"Authorization": f"Bearer {self.token(client_id, secret, scope)}"}

    def person_token(self, username: str) -> str:
        """An access token of one of the standard people, signed in at the console."""
        if "console" not in self._clients:
            self._clients["console"] = self.register(
                name="Konsol",
                scopes=PERSON_SCOPES.split(),
                redirect_uris=[REDIRECT_URI],
            )
        if username not in self._people:
            self._people[username] = self._add_person(username)
        client_id, secret = self._clients["console"]
        sign_in = SignIn(self.client, client_id, secret or "")
        token: str = sign_in.tokens(username, self._people[username])["access_token"]
        return token

    def _add_person(self, username: str) -> str:
        name, roles = STANDARD_PEOPLE[username]
        return self.add_person(username, roles, name=name).password

    def add_person(
        self,
        username: str,
        roles: list[str],
        *,
        name: str | None = None,
        totp: bool = False,
        org_number: str = HOLDER_ORG_NUMBER,
    ) -> NewPerson:
        """A person who signs in (password, and a TOTP secret if ``totp``); named
        after the username unless ``name`` is given ("anna" is Anna Andersson)."""
        engine = self.client.app.platform.engine  # type: ignore[attr-defined]
        with writing_session(engine, expire_on_commit=False) as session:
            return add_person(
                session,
                name=name or f"{username.title()} Andersson",
                org_number=org_number,
                username=username,
                roles=roles,
                keyring=self.settings.keyring(),
                with_totp=totp,
                issuer_name="Samverkan",
                now=datetime.now(UTC),
            )

    def person_client(self, **fields: object) -> SignIn:
        """A client registered to sign people in at REDIRECT_URI (with a secret unless
        ``fields`` give it keys), as a sign-in of it."""
        client_id, secret = self.register(
            **{
                "name": "Samverkan konsol",
                "scopes": PERSON_SCOPES.split(),
                "redirect_uris": [REDIRECT_URI],
                **fields,
            }
        )
        return SignIn(self.client, client_id, secret or "")

    def person_id(self, username: str) -> str:
        """The id (a token's ``sub``) of one of the standard people, once added."""
        with Session(self.client.app.platform.engine) as session:  # type: ignore[attr-defined]
            person = PersonRepository(session).by_username(username)
            assert person is not None, f"{username} has not signed in yet"
            return person.person_id

    def register(self, **fields: object) -> tuple[str, str | None]:
        defaults: dict[str, object] = {
            "name": "Malmö stad",
            "org_number": HOLDER_ORG_NUMBER,
            "kind": "municipality",
            "scopes": ["tips:read"],
        }
        engine = self.client.app.platform.engine  # type: ignore[attr-defined]
        with writing_session(engine) as session:
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
