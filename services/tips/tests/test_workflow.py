"""The tip workflow, pure and over HTTP: legal moves, 409 naming the allowed ones, history."""

import uuid
from itertools import product
from typing import Any

import pytest
from fastapi.testclient import TestClient

from samverkan_tips.tips.workflow import (
    MOVES,
    IllegalTransition,
    InvalidBreachedTerms,
    TipStatus,
    breached_terms_for,
    has_moved,
    transition,
)
from tests.support.tokens import TestIssuer

S = TipStatus
LEGAL = {
    (S.RECEIVED, S.INVESTIGATING),
    (S.INVESTIGATING, S.SUBSTANTIATED),
    (S.INVESTIGATING, S.UNSUBSTANTIATED),
    (S.SUBSTANTIATED, S.CLOSED),
    (S.UNSUBSTANTIATED, S.CLOSED),
}


@pytest.mark.parametrize(("current", "requested"), list(product(S, S)))
def test_every_pair_of_statuses(current: TipStatus, requested: TipStatus) -> None:
    if (current, requested) in LEGAL:
        assert transition(current, requested) is requested
        return
    with pytest.raises(IllegalTransition) as raised:
        transition(current, requested)
    assert set(raised.value.allowed) == {to for frm, to in LEGAL if frm is current}


class TestBreachedTerms:
    def test_named_on_substantiation(self) -> None:
        assert breached_terms_for(S.SUBSTANTIATED, [3, 1, 3], [1, 2, 3]) == (1, 3)

    def test_none_named_records_none(self) -> None:
        assert breached_terms_for(S.CLOSED, [], [1]) is None

    def test_only_on_substantiation(self) -> None:
        with pytest.raises(InvalidBreachedTerms, match="substantiated"):
            breached_terms_for(S.INVESTIGATING, [1], [1])

    def test_only_the_agreements_terms(self) -> None:
        with pytest.raises(InvalidBreachedTerms, match="no term numbered 7"):
            breached_terms_for(S.SUBSTANTIATED, [1, 7], [1, 2])


def _move(
    client: TestClient, tip_id: str, headers: dict[str, str], to: str, **extra: Any
) -> Any:
    return client.post(
        f"/v1/tips/{tip_id}/transitions",
        json={"to": to, "reason": f"now {to}", **extra},
        headers=headers,
    )


def test_a_tip_moves_to_closed_and_keeps_its_history(
    client: TestClient, writer: dict[str, str], issuer: TestIssuer, kit: Any
) -> None:
    tip = kit.file(client, writer)
    headers = issuer.headers(
        ["tips:manage", "tips:read"],
        client_id="adda-utredare",
        org_number=kit.purchasing_centre,
    )
    for to in ("investigating", "substantiated", "closed"):
        response = _move(
            client,
            tip["id"],
            headers,
            to,
            **({"breached_terms": [3, 1]} if to == "substantiated" else {}),
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == to
    stored = client.get(f"/v1/tips/{tip['id']}", headers=headers).json()
    assert stored["breached_terms"] == [1, 3]
    steps = [(s["from"], s["to"], s["reason"], s["actor"]) for s in stored["history"]]
    assert steps == [
        ("received", "investigating", "now investigating", "adda-utredare"),
        ("investigating", "substantiated", "now substantiated", "adda-utredare"),
        ("substantiated", "closed", "now closed", "adda-utredare"),
    ]
    times = [step["at"] for step in stored["history"]]
    assert times == sorted(times)


def test_a_tip_lists_the_moves_its_status_allows_to_every_reader(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    """``next_statuses`` follows the workflow table at each step; the filer reads the
    same list as the owner's manager (it is the workflow's, not the caller's)."""
    tip = kit.file(client, writer)
    assert tip["next_statuses"] == ["investigating"]
    path = f"/v1/tips/{tip['id']}"
    for to in ("investigating", "unsubstantiated", "closed"):
        moved = _move(client, tip["id"], manager, to).json()
        expected = [str(status) for status in MOVES[S(to)]]
        assert moved["next_statuses"] == expected
        assert client.get(path, headers=manager).json()["next_statuses"] == expected
        assert client.get(path, headers=writer).json()["next_statuses"] == expected
        listed = client.get("/v1/tips", headers=writer).json()["items"]
        [item] = [item for item in listed if item["id"] == tip["id"]]
        assert item["next_statuses"] == expected
    assert moved["next_statuses"] == []


def test_an_illegal_move_is_a_409_naming_the_allowed_moves(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    tip = kit.file(client, writer)
    response = _move(client, tip["id"], manager, "closed")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "The tip is received; it cannot move to closed. Allowed: investigating.",
        "current": "received",
        "requested": "closed",
        "allowed": ["investigating"],
    }
    assert client.get(f"/v1/tips/{tip['id']}", headers=manager).json()["history"] == []


def test_breached_terms_the_agreement_lacks_are_a_422(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    tip = kit.file(client, writer)
    _move(client, tip["id"], manager, "investigating")
    response = _move(client, tip["id"], manager, "substantiated", breached_terms=[9])
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "pointer": "#/breached_terms",
            "detail": "the agreement has no term numbered 9",
        }
    ]
    assert client.get(f"/v1/tips/{tip['id']}", headers=manager).json()["status"] == (
        "investigating"
    )


def test_moving_an_unknown_tip_is_a_404(
    client: TestClient, manager: dict[str, str]
) -> None:
    response = _move(client, str(uuid.uuid4()), manager, "investigating")
    assert response.status_code == 404
    assert response.json()["title"] == "Not Found"


def test_a_move_needs_a_reason(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    tip = kit.file(client, writer)
    response = client.post(
        f"/v1/tips/{tip['id']}/transitions",
        json={"to": "investigating"},
        headers=manager,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/reason"


@pytest.mark.parametrize("status", list(TipStatus))
def test_only_a_tip_still_received_has_never_moved(status: TipStatus) -> None:
    # No move leads back to received: the listing asks no history for such tips.
    assert all(S.RECEIVED not in targets for targets in MOVES.values())
    assert has_moved(status) is (status is not S.RECEIVED)
