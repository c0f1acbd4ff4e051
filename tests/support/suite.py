"""The three apps wired together in one process: real tokens, real HTTP semantics.

sharing is the issuer; tips and audit-log fetch its JWKS and revocations through its
TestClient, and sharing reaches them through theirs. An unreachable audit-log is a
transport that refuses every connection.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from samverkan_audit_log.app import create_app as create_audit_app
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.auth import HttpKeySource, HttpRevocationSource, TokenValidator
from samverkan_shared.crypto import Keyring
from samverkan_shared.db import migrate
from samverkan_sharing.app import create_app as create_sharing_app
from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.people.service import add_person
from samverkan_sharing.settings import SharingSettings
from samverkan_tips.app import create_app as create_tips_app
from samverkan_tips.settings import TipsSettings
from tests.support.databases import DatabaseFactory
from tests.support.signing_in import PERSON_SCOPES, REDIRECT_URI, SignIn

ISSUER = "http://sharing.test"
# Malmö stad: the authority whose data the suite discloses, the officers' organisation.
HOLDER_ORG_NUMBER = "212000-1124"
# The purchasing centre that owns the suite's agreement, and so manages its tips.
PURCHASING_CENTRE = "556578-5788"
ROLES: dict[str, dict[str, Any]] = {
    "sharing-service": {"kind": "service", "scopes": ["audit:append", "tips:internal"]},
    "malmo": {
        "kind": "municipality",
        "scopes": ["tips:write", "tips:read"],
        "municipality_code": "1280",
    },
    # The owner of the suite's agreement: it moves the tips and stops call-offs.
    "adda": {
        "kind": "municipality",
        "org_number": PURCHASING_CENTRE,
        "scopes": ["tips:read", "tips:manage"],
    },
    "police": {
        "kind": "partner",
        "org_number": "202100-0076",
        "recipient": "polismyndigheten",
        "scopes": ["disclosures:request"],
    },
    "skatteverket": {
        "kind": "partner",
        "org_number": "202100-5448",
        "recipient": "skatteverket",
        "scopes": ["disclosures:request"],
    },
    # A case system that sends notices on its own (no person decides a notice).
    "case-system": {"kind": "municipality", "scopes": ["disclosures:assess"]},
    "compliance": {"kind": "compliance", "scopes": ["audit:read"]},
    # The console the officers sign in through.
    "console": {
        "kind": "municipality",
        "scopes": PERSON_SCOPES.split(),
        "redirect_uris": [REDIRECT_URI],
    },
}
# The officers who assess and approve: persons of Malmö, signed in at the console.
PEOPLE: dict[str, tuple[str, list[str]]] = {
    "assessor": ("Anna Andersson", ["assessor"]),
    "approver": ("Bertil Berg", ["approver"]),
}


def _forward(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    response = client.send(request)
    response.read()
    return httpx.Response(
        response.status_code, headers=response.headers, content=response.content
    )


class _Lazy(httpx.BaseTransport):
    """Routes to a client that exists only once the other apps are built."""

    def __init__(self) -> None:
        self.target: httpx.Client | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert self.target is not None
        return _forward(self.target, request)


class _Refusing(httpx.BaseTransport):
    def __init__(self, inner: httpx.Client) -> None:
        self.inner = inner
        self.down = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return _forward(self.inner, request)


@dataclass
class InProcessSuite:
    tips: TestClient
    sharing: TestClient
    audit: TestClient
    audit_switch: _Refusing
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        """A client's token, or for an officer (``PEOPLE``) the person's, signed in."""
        if role in PEOPLE:
            client_id, secret = self.secrets["console"]
            sign_in = SignIn(self.sharing, client_id, secret)
            tokens = sign_in.tokens(role, self.passwords[role])
            return {"Authorization": f"Bearer {tokens['access_token']}", **extra}
        client_id, secret = self.secrets[role]
        response = self.sharing.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}", **extra}


def _validator(audience: str, sharing: _Lazy) -> TokenValidator:
    client = httpx.Client(base_url=ISSUER, transport=sharing)
    return TokenValidator(
        issuer=ISSUER,
        audience=audience,
        keys=HttpKeySource("/.well-known/jwks.json", client),
        revocations=HttpRevocationSource("/oauth/revocations", client),
    )


AGREEMENTS_CSV = f"""\
agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,supplier_org_number,supplier_name
hvb-2022,HVB 2022,HVB,2022-04-01,2027-03-31,1:Bemanning|2:Tillstånd,{PURCHASING_CENTRE},\
556677-8899,Exempel Omsorg AB
"""


def _migrate(url: str, package: str) -> None:
    migrate(url, package)
    if package == "samverkan_tips":
        from sqlmodel import create_engine

        from samverkan_tips.agreements.csv_import import parse_agreements_csv
        from samverkan_tips.agreements.service import import_agreements

        engine = create_engine(url)
        with Session(engine) as session:
            import_agreements(session, parse_agreements_csv(AGREEMENTS_CSV))
        engine.dispose()


@pytest.fixture
def suite_settings() -> dict[str, dict[str, Any]]:
    """Settings of each app ("tips", "sharing", "audit-log") beyond the suite's own;
    a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def in_process_suite(
    backend: str,
    database_factory: DatabaseFactory,
    tmp_path: Path,
    suite_settings: dict[str, dict[str, Any]],
) -> Iterator[InProcessSuite]:
    urls = _databases(backend, database_factory)
    common: dict[str, Any] = {"data_dir": tmp_path, "demo": True, "issuer": ISSUER}
    to_sharing = _Lazy()
    tips_app = create_tips_app(
        TipsSettings(
            database_url=urls["tips"], **common, **suite_settings.get("tips", {})
        ),
        token_validator=_validator("tips", to_sharing),
    )
    audit_app = create_audit_app(
        AuditLogSettings(
            database_url=urls["audit-log"],
            **common,
            **suite_settings.get("audit-log", {}),
        ),
        token_validator=_validator("audit-log", to_sharing),
    )
    with (
        TestClient(tips_app, base_url="http://tips.test") as tips,
        TestClient(audit_app, base_url="http://audit.test") as audit,
    ):
        switch = _Refusing(audit)
        sharing_app = create_sharing_app(
            SharingSettings(
                database_url=urls["sharing"],
                holder_org_number=HOLDER_ORG_NUMBER,
                **common,
                **suite_settings.get("sharing", {}),
            ),
            tips_http=tips,
            audit_http=httpx.Client(base_url="http://audit.test", transport=switch),
        )
        with TestClient(sharing_app, base_url=ISSUER) as sharing:
            to_sharing.target = sharing
            suite = InProcessSuite(tips, sharing, audit, switch)
            with Session(sharing_app.platform.engine) as session:
                suite.secrets.update(_register_clients(session))
                suite.passwords.update(_add_people(session))
            yield suite


def _databases(backend: str, database_factory: DatabaseFactory) -> dict[str, str]:
    """A migrated database per app, by app name."""
    return {
        # A key of its own: this template also holds the suite's agreements.
        name: database_factory.new(
            backend, f"suite-{name}", partial(_migrate, package=package)
        )
        for name, package in (
            ("tips", "samverkan_tips"),
            ("sharing", "samverkan_sharing"),
            ("audit-log", "samverkan_audit_log"),
        )
    }


def _register_clients(session: Session) -> dict[str, tuple[str, str]]:
    """The ``ROLES``' clients, registered: client id and secret by role."""
    secrets: dict[str, tuple[str, str]] = {}
    for role, fields in ROLES.items():
        _, secret = register_client(
            session,
            name=role,
            org_number=fields.get("org_number", HOLDER_ORG_NUMBER),
            kind=fields["kind"],
            scopes=fields["scopes"],
            recipient=fields.get("recipient"),
            municipality_code=fields.get("municipality_code"),
            redirect_uris=fields.get("redirect_uris", ()),
            client_id=role,
        )
        secrets[role] = (role, secret or "")
    return secrets


def _add_people(session: Session) -> dict[str, str]:
    """The ``PEOPLE``, added: the password by username."""
    return {
        username: add_person(
            session,
            name=name,
            org_number=HOLDER_ORG_NUMBER,
            username=username,
            roles=roles,
            keyring=Keyring.generate(),  # no second factor to seal
            with_totp=False,
            issuer_name="Samverkan",
            now=datetime.now(UTC),
        ).password
        for username, (name, roles) in PEOPLE.items()
    }
