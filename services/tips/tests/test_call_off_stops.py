"""Call-off stops: hidden from the selection list, shown to the tip function, kept in history."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_tips.agreements.repository import AgreementRepository
from tests.support.tokens import TestIssuer

SELECTION = "/v1/agreements/hvb-2022/suppliers"


def _orgs(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [supplier["org_number"] for supplier in response.json()["items"]]


def _stop(
    client: TestClient, org: str, headers: dict[str, str], tip_ids: list[str]
) -> Any:
    return client.post(
        f"/v1/suppliers/{org}/call-off-stop",
        json={"reason": "Brister i bemanning", "tip_ids": tip_ids},
        headers=headers,
    )


def test_a_stopped_supplier_is_hidden_until_lifted(
    client: TestClient,
    writer: dict[str, str],
    manager: dict[str, str],
    issuer: TestIssuer,
    kit: Any,
) -> None:
    reader = issuer.headers(["tips:read"])
    tip = kit.file(
        client, writer, supplier={"org_number": kit.other_org, "name": "Trygga"}
    )
    assert _orgs(client.get(SELECTION, headers=reader)) == [
        kit.example_org,
        kit.other_org,
    ]

    stopped = _stop(client, kit.other_org, manager, [tip["id"]])
    assert stopped.status_code == 201, stopped.text
    assert stopped.json()["call_off_stop"]["active"] is True

    assert _orgs(client.get(SELECTION, headers=reader)) == [kit.example_org]
    assert _orgs(client.get(SELECTION, headers=manager)) == [kit.example_org]
    shown = client.get(f"{SELECTION}?include_hidden=true", headers=manager)
    assert _orgs(shown) == [kit.example_org, kit.other_org]
    hidden_one = shown.json()["items"][1]["call_off_stop"]
    assert (hidden_one["active"], hidden_one["reason"]) == (True, "Brister i bemanning")

    lifted = client.request(
        "DELETE",
        f"/v1/suppliers/{kit.other_org}/call-off-stop",
        json={"reason": "Åtgärdat"},
        headers=manager,
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["call_off_stop"] == {
        "active": False,
        "since": None,
        "reason": None,
    }
    assert _orgs(client.get(SELECTION, headers=reader)) == [
        kit.example_org,
        kit.other_org,
    ]


def test_include_hidden_needs_tips_manage(
    client: TestClient, issuer: TestIssuer
) -> None:
    response = client.get(
        f"{SELECTION}?include_hidden=true", headers=issuer.headers(["tips:read"])
    )
    assert response.status_code == 403
    assert response.json() == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "include_hidden=true shows suppliers under a call-off stop and needs "
        "the scope tips:manage.",
    }


def test_the_supplier_view_counts_tips_and_keeps_the_history(
    client: TestClient, writer: dict[str, str], issuer: TestIssuer, kit: Any
) -> None:
    manager = issuer.headers(
        ["tips:manage", "tips:read"], client_id="adda", org_number=kit.purchasing_centre
    )
    first = kit.file(client, writer, categories=["staffing", "safety"])
    second = kit.file(client, writer, categories=["safety"])
    client.post(
        f"/v1/tips/{second['id']}/transitions",
        json={"to": "investigating", "reason": "utreds"},
        headers=manager,
    )
    _stop(client, kit.example_org, manager, [first["id"], second["id"]])
    client.request(
        "DELETE",
        f"/v1/suppliers/{kit.example_org}/call-off-stop",
        json={"reason": "Åtgärdat", "tip_ids": [first["id"]]},
        headers=manager,
    )
    view = client.get(f"/v1/suppliers/{kit.example_org}", headers=manager).json()
    history = view.pop("history")
    assert view == {
        "org_number": kit.example_org,
        "name": "Exempel Omsorg AB",
        "agreements": ["hvb-2022"],
        "tips_total": 2,
        "tips_by_category": {"safety": 2, "staffing": 1},
        "tips_by_status": {"investigating": 1, "received": 1},
        "call_off_stop": {"active": False, "since": None, "reason": None},
        "call_off_stops": [
            {"agreement_id": "hvb-2022", "active": False, "since": None, "reason": None}
        ],
    }
    assert [
        (h["action"], h["agreement_ids"], h["reason"], h["tip_ids"], h["actor"])
        for h in history
    ] == [
        (
            "stop",
            ["hvb-2022"],
            "Brister i bemanning",
            [first["id"], second["id"]],
            "adda",
        ),
        ("lift", ["hvb-2022"], "Åtgärdat", [first["id"]], "adda"),
    ]


def test_stop_and_lift_conflicts_and_bad_tip_ids(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    mine = kit.file(client, writer)
    other = kit.file(
        client, writer, supplier={"org_number": kit.other_org, "name": "T"}
    )
    lift = client.request(
        "DELETE",
        f"/v1/suppliers/{kit.example_org}/call-off-stop",
        json={"reason": "x"},
        headers=manager,
    )
    assert lift.status_code == 409
    wrong_tip = _stop(client, kit.example_org, manager, [mine["id"], other["id"]])
    assert wrong_tip.status_code == 422
    assert wrong_tip.json()["errors"][0]["pointer"] == "#/tip_ids/1"
    assert _stop(client, kit.example_org, manager, [mine["id"]]).status_code == 201
    again = _stop(client, kit.example_org, manager, [mine["id"]])
    assert again.status_code == 409
    assert again.json()["title"] == "Conflict"


def test_unknown_and_malformed_suppliers(
    client: TestClient, manager: dict[str, str]
) -> None:
    assert client.get("/v1/suppliers/556012-5790", headers=manager).status_code == 404
    malformed = client.get("/v1/suppliers/556012-5791", headers=manager)
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["parameter"] == "org_number"
    unknown_agreement = client.get("/v1/agreements/nope-1/suppliers", headers=manager)
    assert unknown_agreement.status_code == 404


def test_agreements_are_listed_with_their_terms(
    client: TestClient, issuer: TestIssuer
) -> None:
    response = client.get(
        "/v1/agreements?limit=1", headers=issuer.headers(["tips:read"])
    )
    page = response.json()
    assert page["items"] == [
        {
            "id": "assistans-2024",
            "name": "Assistans 2024",
            "area": "Personlig assistans",
            "valid_from": "2024-01-01",
            "valid_to": None,
            "terms": [{"number": 1, "text": "Kollektivavtal"}],
            "owner_org_number": "212000-1173",  # Lund's own agreement
        }
    ]
    rest = client.get(
        f"/v1/agreements?cursor={page['next_cursor']}",
        headers=issuer.headers(["tips:read"]),
    ).json()
    assert [a["id"] for a in rest["items"]] == ["hvb-2022"]
    assert rest["next_cursor"] is None


class TwoOwners:
    """Exempel Omsorg AB on hvb-2022 (the purchasing centre's) and on
    assistans-2024 (Lund's own agreement), with a tip about it on each."""

    def __init__(
        self, client: TestClient, issuer: TestIssuer, engine: Engine, kit: Any
    ) -> None:
        with Session(engine) as session:
            AgreementRepository(session).link("assistans-2024", kit.example_org)
            session.commit()
        self.org = kit.example_org
        self.centre = issuer.headers(
            ["tips:read", "tips:manage"],
            client_id="adda",
            org_number=kit.purchasing_centre,
        )
        self.lund = issuer.headers(
            ["tips:read", "tips:manage"], client_id="lund", org_number=kit.lund
        )
        self.internal = issuer.headers(["tips:internal"], client_id="sharing")
        writer = issuer.headers(["tips:write"], client_id="malmo", org_number=kit.malmo)
        self.hvb_tip = kit.file(client, writer)["id"]
        self.assistans_tip = kit.file(client, writer, agreement_id="assistans-2024")[
            "id"
        ]

    def selection(self, client: TestClient, agreement_id: str) -> list[str]:
        return _orgs(
            client.get(f"/v1/agreements/{agreement_id}/suppliers", headers=self.lund)
        )

    def stops(self, client: TestClient) -> dict[str, bool]:
        view = client.get(f"/v1/suppliers/{self.org}", headers=self.lund).json()
        return {stop["agreement_id"]: stop["active"] for stop in view["call_off_stops"]}

    def change(
        self,
        client: TestClient,
        method: str,
        headers: dict[str, str],
        tip_id: str,
        **body: Any,
    ) -> Any:
        return client.request(
            method,
            f"/v1/suppliers/{self.org}/call-off-stop",
            json={"reason": "Brister", "tip_ids": [tip_id], **body},
            headers=headers,
        )


@pytest.fixture
def two_owners(
    client: TestClient, issuer: TestIssuer, engine: Engine, kit: Any
) -> TwoOwners:
    return TwoOwners(client, issuer, engine, kit)


def test_an_owner_stops_call_offs_on_its_own_agreements_only(
    client: TestClient, two_owners: TwoOwners
) -> None:
    """The purchasing centre's stop hides the supplier on hvb-2022; Lund's own
    agreement still lists it, and the supplier's record says which is stopped."""
    w = two_owners
    stopped = w.change(client, "POST", w.centre, w.hvb_tip)
    assert stopped.status_code == 201, stopped.text
    assert stopped.json()["call_off_stop"]["active"] is True  # on some agreement
    assert w.stops(client) == {"assistans-2024": False, "hvb-2022": True}
    assert w.org not in w.selection(client, "hvb-2022")
    assert w.org in w.selection(client, "assistans-2024")
    assert stopped.json()["history"][0]["agreement_ids"] == ["hvb-2022"]


def test_an_owner_cannot_stop_or_lift_on_another_owners_agreement(
    client: TestClient, two_owners: TwoOwners
) -> None:
    w = two_owners
    on_lunds = w.change(
        client, "POST", w.centre, w.hvb_tip, agreement_ids=["assistans-2024"]
    )
    assert on_lunds.status_code == 403, on_lunds.text
    assert "assistans-2024" in on_lunds.json()["detail"]
    assert w.change(client, "POST", w.centre, w.hvb_tip).status_code == 201
    lift_centres = w.change(
        client, "DELETE", w.lund, w.assistans_tip, agreement_ids=["hvb-2022"]
    )
    assert lift_centres.status_code == 403, lift_centres.text
    # Lund's own agreements: none is stopped, so there is nothing of Lund's to lift.
    lift_own = w.change(client, "DELETE", w.lund, w.assistans_tip)
    assert lift_own.status_code == 409, lift_own.text
    assert w.stops(client) == {"assistans-2024": False, "hvb-2022": True}


def test_each_owner_lifts_its_own_stop(
    client: TestClient, two_owners: TwoOwners
) -> None:
    w = two_owners
    assert w.change(client, "POST", w.centre, w.hvb_tip).status_code == 201
    lund = w.change(client, "POST", w.lund, w.assistans_tip)
    assert lund.status_code == 201, lund.text
    assert w.stops(client) == {"assistans-2024": True, "hvb-2022": True}
    lifted = w.change(client, "DELETE", w.centre, w.hvb_tip)
    assert lifted.status_code == 200, lifted.text
    assert w.stops(client) == {"assistans-2024": True, "hvb-2022": False}
    assert lifted.json()["call_off_stop"]["active"] is True  # Lund's stop remains
    assert [
        (h["action"], h["agreement_ids"], h["actor"]) for h in lifted.json()["history"]
    ] == [
        ("stop", ["hvb-2022"], "adda"),
        ("stop", ["assistans-2024"], "lund"),
        ("lift", ["hvb-2022"], "adda"),
    ]


def test_named_agreements_are_checked_one_by_one(
    client: TestClient, two_owners: TwoOwners
) -> None:
    w = two_owners
    not_on = w.change(
        client, "POST", w.centre, w.hvb_tip, agreement_ids=["familjehem-2023"]
    )
    assert not_on.status_code == 422, not_on.text
    assert not_on.json()["errors"][0]["pointer"] == "#/agreement_ids/0"
    empty = w.change(client, "POST", w.centre, w.hvb_tip, agreement_ids=[])
    assert empty.status_code == 422, empty.text
    named = w.change(client, "POST", w.centre, w.hvb_tip, agreement_ids=["hvb-2022"])
    assert named.status_code == 201, named.text
    again = w.change(client, "POST", w.centre, w.hvb_tip, agreement_ids=["hvb-2022"])
    assert again.status_code == 409, again.text
    assert "hvb-2022" in again.json()["detail"]


def test_a_tip_read_by_sharing_carries_the_stop_on_its_own_agreement(
    client: TestClient, two_owners: TwoOwners
) -> None:
    w = two_owners
    assert w.change(client, "POST", w.centre, w.hvb_tip).status_code == 201

    def stop_field(tip_id: str) -> Any:
        tip = client.get(f"/internal/v1/tips/{tip_id}", headers=w.internal).json()
        return next(f["value"] for f in tip["fields"] if f["name"] == "call_off_stop")

    assert stop_field(w.hvb_tip)["active"] is True
    assert stop_field(w.assistans_tip)["active"] is False
    page = client.get(f"/internal/v1/suppliers/{w.org}/tips", headers=w.internal).json()
    by_tip = {
        item["tip_id"]: next(
            f["value"]["active"] for f in item["fields"] if f["name"] == "call_off_stop"
        )
        for item in page["items"]
    }
    assert by_tip == {w.hvb_tip: True, w.assistans_tip: False}
