"""Who reads and manages which tips: every pair of role and organisation.

hvb-2022 is owned by the purchasing centre, assistans-2024 by Lund (its own
agreement). Malmö files a tip on each, Lund one on hvb-2022. The agreement owner's
tips:manage clients manage the tips on it; the filing organisation reads its own;
everyone else gets 404 for the tip (its existence is not disclosed), 403 for an
action on a tip it reads but may not take, and every tips:read caller the supplier's
aggregate record.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from samverkan_tips.agreements.models import AgreementRecord
from tests.support.filing import file_as_municipality
from tests.support.tokens import TestIssuer

PURCHASING_CENTRE, MALMO, LUND = "556578-5788", "212000-1124", "212000-1173"
MANAGE, READ = ["tips:read", "tips:manage"], ["tips:read"]
# role → (organisation, scopes)
ROLES = {
    "owner's manager": (PURCHASING_CENTRE, MANAGE),
    "filing municipality's manager": (MALMO, MANAGE),
    "other municipality's manager": (LUND, MANAGE),
    "filing municipality's reader": (MALMO, READ),
    "other municipality's reader": (LUND, READ),
}


@dataclass(frozen=True)
class World:
    """Malmö's tip on hvb-2022 (the one acted on), Lund's on hvb-2022 and Malmö's
    on assistans-2024."""

    malmo_hvb: str
    lund_hvb: str
    malmo_assistans: str


def _headers(issuer: TestIssuer, role: str) -> dict[str, str]:
    org_number, scopes = ROLES[role]
    return issuer.headers(scopes, client_id=role, org_number=org_number)


@pytest.fixture
def world(client: TestClient, issuer: TestIssuer, kit: Any) -> World:
    assistans = {
        "supplier": {"org_number": "559012-3450", "name": "Norr"},
        "agreement_id": "assistans-2024",
    }
    return World(
        malmo_hvb=file_as_municipality(client, issuer, kit, MALMO, "1280"),
        lund_hvb=file_as_municipality(client, issuer, kit, LUND, "1281"),
        malmo_assistans=file_as_municipality(
            client, issuer, kit, MALMO, "1280", **assistans
        ),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner's manager", 200),
        ("filing municipality's manager", 200),
        ("other municipality's manager", 404),
        ("filing municipality's reader", 200),
        ("other municipality's reader", 404),
    ],
    ids=lambda value: str(value),
)
def test_read_a_tip(
    client: TestClient, issuer: TestIssuer, world: World, role: str, status: int
) -> None:
    response = client.get(f"/v1/tips/{world.malmo_hvb}", headers=_headers(issuer, role))
    assert response.status_code == status, response.text
    if status == 404:
        assert response.json()["detail"] == f"There is no tip {world.malmo_hvb}."


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("owner's manager", {"malmo_hvb", "lund_hvb"}),
        ("filing municipality's manager", {"malmo_hvb", "malmo_assistans"}),
        ("other municipality's manager", {"lund_hvb", "malmo_assistans"}),
        ("filing municipality's reader", {"malmo_hvb", "malmo_assistans"}),
        ("other municipality's reader", {"lund_hvb"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "+".join(sorted(value)),
)
def test_list_tips_one_per_page(
    client: TestClient, issuer: TestIssuer, world: World, role: str, listed: set[str]
) -> None:
    """Filtered in SQL: every page of one is full, none is empty with a cursor."""
    names = {getattr(world, name): name for name in vars(world)}
    seen: list[str] = []
    cursor = ""
    while True:
        page = client.get(
            f"/v1/tips?limit=1{cursor}", headers=_headers(issuer, role)
        ).json()
        assert len(page["items"]) == 1, page
        seen.append(names[page["items"][0]["id"]])
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert sorted(seen) == sorted(listed)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner's manager", 200),
        ("filing municipality's manager", 403),
        ("other municipality's manager", 404),
        ("filing municipality's reader", 403),  # no tips:manage
        ("other municipality's reader", 403),  # no tips:manage: never looks
    ],
    ids=lambda value: str(value),
)
def test_transition_a_tip(
    client: TestClient, issuer: TestIssuer, world: World, role: str, status: int
) -> None:
    response = client.post(
        f"/v1/tips/{world.malmo_hvb}/transitions",
        json={"to": "investigating", "reason": "Utreds"},
        headers=_headers(issuer, role),
    )
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["history"][0]["actor"] == role


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner's manager", 201),
        ("filing municipality's manager", 403),
        ("other municipality's manager", 403),
        ("filing municipality's reader", 403),
        ("other municipality's reader", 403),
    ],
    ids=lambda value: str(value),
)
def test_stop_call_offs(
    client: TestClient,
    issuer: TestIssuer,
    world: World,
    kit: Any,
    role: str,
    status: int,
) -> None:
    response = client.post(
        f"/v1/suppliers/{kit.example_org}/call-off-stop",
        json={"reason": "Bemanning saknas", "tip_ids": [world.malmo_hvb]},
        headers=_headers(issuer, role),
    )
    assert response.status_code == status, response.text


@pytest.mark.parametrize("role", list(ROLES), ids=list(ROLES))
def test_read_the_supplier_aggregate(
    client: TestClient, issuer: TestIssuer, world: World, kit: Any, role: str
) -> None:
    """The same counts and stop state for everyone, and no tip's content."""
    response = client.get(
        f"/v1/suppliers/{kit.example_org}", headers=_headers(issuer, role)
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "org_number": kit.example_org,
        "name": "Exempel Omsorg AB",
        "agreements": ["hvb-2022"],
        "tips_total": 2,
        "tips_by_category": {"safety": 2, "staffing": 2},
        "tips_by_status": {"received": 2},
        "call_off_stop": {"active": False, "since": None, "reason": None},
        "call_off_stops": [
            {"agreement_id": "hvb-2022", "active": False, "since": None, "reason": None}
        ],
        "history": [],
    }


def test_a_municipality_manages_the_tips_on_its_own_agreement(
    client: TestClient, issuer: TestIssuer, world: World
) -> None:
    lund = _headers(issuer, "other municipality's manager")
    moved = client.post(
        f"/v1/tips/{world.malmo_assistans}/transitions",
        json={"to": "investigating", "reason": "Utreds"},
        headers=lund,
    )
    stopped = client.post(
        "/v1/suppliers/559012-3450/call-off-stop",
        json={"reason": "Fusk med tidrapporter", "tip_ids": [world.malmo_assistans]},
        headers=lund,
    )
    assert (moved.status_code, stopped.status_code) == (200, 201), stopped.text


def test_a_stop_names_only_tips_its_maker_may_read(
    client: TestClient, issuer: TestIssuer, world: World
) -> None:
    """Lund owns assistans-2024 but cannot read Malmö's tip on hvb-2022: a stop of
    its supplier naming that tip is refused as if the tip did not exist."""
    response = client.post(
        "/v1/suppliers/559012-3450/call-off-stop",
        json={"reason": "Brister", "tip_ids": [world.malmo_hvb]},
        headers=_headers(issuer, "other municipality's manager"),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "pointer": "#/tip_ids/0",
            "detail": f"there is no tip {world.malmo_hvb} about supplier 559012-3450",
        }
    ]


def test_nobody_manages_the_tips_on_an_agreement_without_an_owner(
    client: TestClient, issuer: TestIssuer, world: World, engine: Engine
) -> None:
    """As an agreement stored before owners were recorded (migration 0004)."""
    with Session(engine) as session:
        session.execute(
            update(AgreementRecord)
            .where(AgreementRecord.id == "hvb-2022")  # type: ignore[arg-type]
            .values(owner_org_number=None)
        )
        session.commit()
    owner = _headers(issuer, "owner's manager")
    moved = client.post(
        f"/v1/tips/{world.malmo_hvb}/transitions",
        json={"to": "investigating", "reason": "Utreds"},
        headers=owner,
    )
    read = client.get(
        f"/v1/tips/{world.malmo_hvb}",
        headers=_headers(issuer, "filing municipality's reader"),
    )
    assert (moved.status_code, read.status_code) == (404, 200)
    assert client.get("/v1/tips", headers=owner).json()["items"] == []
