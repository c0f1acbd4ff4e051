"""Call-off stops: hidden from the selection list, shown to the tip function, kept in history."""

from typing import Any

from fastapi.testclient import TestClient

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
    }
    assert [(h["action"], h["reason"], h["tip_ids"], h["actor"]) for h in history] == [
        ("stop", "Brister i bemanning", [first["id"], second["id"]], "adda"),
        ("lift", "Åtgärdat", [first["id"]], "adda"),
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
