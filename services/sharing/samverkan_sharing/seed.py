"""Demo clients for `make run`, their credentials written to `demo-clients.json`."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.jose import JsonWebKey
from sqlmodel import Session

from samverkan_shared.db import make_engine
from samverkan_shared.keyfiles import write_secret_file
from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.settings import SharingSettings

__all__ = ["DEMO_CLIENTS", "seed"]

MALMO = "212000-1124"


@dataclass(frozen=True)
class DemoClient:
    key: str
    name: str
    org_number: str
    kind: str
    scopes: str
    recipient: str | None = None
    private_key_jwt: bool = False
    municipality_code: str | None = None


DEMO_CLIENTS = (
    DemoClient(
        "malmo",
        "Malmö stad, IFO",
        MALMO,
        "municipality",
        "tips:write tips:read",
        municipality_code="1280",
    ),
    DemoClient(
        "malmo-manager",
        "Malmö stad, avtalsuppföljning",
        MALMO,
        "municipality",
        "tips:read tips:manage",
    ),
    DemoClient(
        "polisen",
        "Polismyndigheten",
        "202100-0076",
        "partner",
        "disclosures:request",
        "polismyndigheten",
    ),
    DemoClient(
        "polisen-jwt",
        "Polismyndigheten (private_key_jwt)",
        "202100-0076",
        "partner",
        "disclosures:request",
        "polismyndigheten",
        private_key_jwt=True,
    ),
    DemoClient(
        "ekobrottsmyndigheten",
        "Ekobrottsmyndigheten",
        "202100-4979",
        "partner",
        "disclosures:request",
        "ekobrottsmyndigheten",
    ),
    DemoClient(
        "skatteverket",
        "Skatteverket",
        "202100-5448",
        "partner",
        "disclosures:request",
        "skatteverket",
    ),
    DemoClient(
        "compliance", "Malmö stad, dataskyddsombud", MALMO, "compliance", "audit:read"
    ),
    DemoClient(
        "assessor",
        "Malmö stad, handläggare",
        MALMO,
        "municipality",
        "disclosures:assess tips:read",
    ),
    DemoClient(
        "approver",
        "Malmö stad, enhetschef",
        MALMO,
        "municipality",
        "disclosures:approve tips:read",
    ),
    DemoClient(
        "sharing-service",
        "Samverkan sharing service",
        MALMO,
        "service",
        "audit:append tips:internal",
    ),
)


def _register(session: Session, demo: DemoClient, data_dir: Path) -> dict[str, Any]:
    jwks = None
    entry: dict[str, Any] = {"scopes": demo.scopes}
    if demo.private_key_jwt:
        key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
        key_file = data_dir / f"demo-{demo.key}-key.pem"
        write_secret_file(key_file, key.as_pem(is_private=True))
        jwks = {
            "keys": [{**key.as_dict(is_private=False), "alg": "ES256", "use": "sig"}]
        }
        entry["private_key_file"] = str(key_file)
    client, secret = register_client(
        session,
        name=demo.name,
        org_number=demo.org_number,
        kind=demo.kind,
        scopes=demo.scopes.split(),
        recipient=demo.recipient,
        jwks=jwks,
        client_id=f"demo-{demo.key}" if demo.key != "sharing-service" else demo.key,
        municipality_code=demo.municipality_code,
    )
    entry["client_id"] = client.client_id
    if secret is not None:
        entry["client_secret"] = secret
    return entry


def _name_the_municipalities(session: Session, clients: ClientRepository) -> None:
    """A demo seeded before clients named their municipality gets it now."""
    for demo in DEMO_CLIENTS:
        record = clients.get(f"demo-{demo.key}")
        if record is not None and record.municipality_code != demo.municipality_code:
            record.municipality_code = demo.municipality_code
            session.add(record)
    session.commit()


def seed(data_dir: Path) -> None:
    """Register the demo clients once; their secrets exist only in demo-clients.json."""
    settings = SharingSettings()
    target = data_dir / "demo-clients.json"
    engine = make_engine(settings.effective_database_url)
    with Session(engine) as session:
        clients = ClientRepository(session)
        if clients.get("sharing-service") is not None:
            _name_the_municipalities(session, clients)
            return
        credentials = {
            demo.key: _register(session, demo, data_dir) for demo in DEMO_CLIENTS
        }
    engine.dispose()
    document = {"issuer": settings.issuer, "clients": credentials}
    write_secret_file(target, json.dumps(document, indent=2).encode())
