"""Demo clients and people for `make run`, their credentials written to
`demo-clients.json`."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from authlib.jose import JsonWebKey
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.dpop import jwk_thumbprint
from samverkan_shared.keyfiles import write_secret_file
from samverkan_sharing.oauth.registration import register_client
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.people.service import add_person
from samverkan_sharing.settings import DEMO_HOLDER_ORG_NUMBER, SharingSettings
from samverkan_sharing.signin.command import console_redirect_uri

__all__ = ["DEMO_CLIENTS", "DEMO_PEOPLE", "seed"]

MALMO = DEMO_HOLDER_ORG_NUMBER  # whose persons decide in the demo
# The purchasing centre that owns the demo agreements (tips seed) and manages their tips.
ADDA = "556578-5788"


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
    redirect_uris: tuple[str, ...] = ()
    dpop: str = "optional"


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
    # The purchasing centre's tip function: it owns the demo agreements (tips seed),
    # so it moves their tips and stops call-offs; malmo-manager reads Malmö's tips.
    DemoClient(
        "adda-manager",
        "Adda Inköpscentral AB, tipsfunktionen",
        ADDA,
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
        dpop="required",  # its tokens are bound to its key (RFC 9449)
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
    # A case system of its own: it sends notices (a client's token suffices there),
    # and shows that a client's own token cannot assess. Assessment and approval are
    # the demo people's (DEMO_PEOPLE), so no client exists for approving.
    DemoClient(
        "assessor",
        "Malmö stad, handläggare",
        MALMO,
        "municipality",
        "disclosures:assess tips:read",
    ),
    # Malmö's persons file tips through it for 1280; Adda's case officer signs in
    # through it too, and its tokens name Adda and no municipality.
    DemoClient(
        "console",
        "Malmö stad, konsolen",
        MALMO,
        "municipality",
        "openid profile disclosures:assess disclosures:approve audit:read "
        "tips:write tips:read tips:manage",
        municipality_code="1280",
        redirect_uris=(console_redirect_uri(),),
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
        public = key.as_dict(is_private=False)
        # kid: the RFC 7638 thumbprint, which client libraries name their keys by.
        jwks = {
            "keys": [
                {**public, "alg": "ES256", "use": "sig", "kid": jwk_thumbprint(public)}
            ]
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
        client_id=_client_id(demo),
        municipality_code=demo.municipality_code,
        redirect_uris=demo.redirect_uris,
        dpop=demo.dpop,
    )
    entry["client_id"] = client.client_id
    if secret is not None:
        entry["client_secret"] = secret
    return entry


@dataclass(frozen=True)
class DemoPerson:
    """A demo official; the key is their role, and their key in demo-clients.json's
    "people"."""

    role: str
    name: str
    username: str
    org_number: str = MALMO


# The approver is never the assessor (four eyes of two persons). Malmö's reporter
# files tips; Adda's case officer investigates those on Adda's agreements.
DEMO_PEOPLE = (
    DemoPerson("assessor", "Anna Andersson", "anna.andersson"),
    DemoPerson("approver", "Bertil Berg", "bertil.berg"),
    DemoPerson("compliance", "Cecilia Carlsson", "cecilia.carlsson"),
    DemoPerson("reporter", "Dana Dahlberg", "dana.dahlberg"),
    DemoPerson("case_officer", "Erik Ekström", "erik.ekstrom", ADDA),
)


def _client_id(demo: DemoClient) -> str:
    return demo.key if demo.key == "sharing-service" else f"demo-{demo.key}"


def _add_person(session: Session, demo: DemoPerson) -> dict[str, str]:
    """The demo's people have no second factor (`people add --no-totp`), so no
    secret is sealed and a throwaway keyring does."""
    new = add_person(
        session,
        name=demo.name,
        org_number=demo.org_number,
        username=demo.username,
        roles=[demo.role],
        keyring=Keyring.generate(),
        with_totp=False,
        issuer_name="Samverkan",
        now=datetime.now(UTC),
    )
    return {"username": new.record.username, "password": new.password}


def _bring_up_to_date(session: Session, clients: ClientRepository) -> None:
    """A demo seeded before gets what its clients lack now: their municipality,
    scopes added since (none is taken away) and their DPoP policy."""
    for demo in DEMO_CLIENTS:
        record = clients.get(_client_id(demo))
        if record is None:
            continue
        missing = [s for s in demo.scopes.split() if s not in record.scopes]
        stale = record.municipality_code != demo.municipality_code or missing
        if stale or record.dpop != demo.dpop:
            record.municipality_code = demo.municipality_code
            record.scopes = [*record.scopes, *missing]
            record.dpop = demo.dpop
            session.add(record)
    session.commit()


def _document(target: Path, issuer: str) -> dict[str, Any]:
    """What an earlier seed wrote, to add to; a fresh document otherwise."""
    try:
        document: dict[str, Any] = json.loads(target.read_text())
    except (OSError, ValueError):
        document = {}
    document.setdefault("issuer", issuer)
    document.setdefault("clients", {})
    document.setdefault("people", {})
    return document


def seed(data_dir: Path) -> None:
    """Register the demo clients and people that are missing; their secrets and
    passwords exist only in demo-clients.json. A demo seeded by an earlier version
    keeps its credentials and gains what it lacks."""
    settings = SharingSettings()
    target = data_dir / "demo-clients.json"
    document = _document(target, settings.issuer)
    engine = make_engine(settings.effective_database_url)
    with Session(engine) as session:
        clients = ClientRepository(session)
        _bring_up_to_date(session, clients)
        new_clients = {
            demo.key: _register(session, demo, data_dir)
            for demo in DEMO_CLIENTS
            if clients.get(_client_id(demo)) is None
        }
        people = PersonRepository(session)
        new_people = {
            demo.role: _add_person(session, demo)
            for demo in DEMO_PEOPLE
            if people.by_username(demo.username) is None
        }
    engine.dispose()
    if new_clients or new_people:
        document["clients"].update(new_clients)
        document["people"].update(new_people)
        write_secret_file(target, json.dumps(document, indent=2).encode())
