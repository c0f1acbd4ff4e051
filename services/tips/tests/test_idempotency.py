"""Idempotency-Key on POST /v1/tips: replays return the original tip, even concurrently."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from samverkan_tips.tips.models import IdempotencyKeyRecord, TipRecord
from samverkan_tips.tips.repository import IdempotencyRepository
from tests.support.tokens import TestIssuer


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TipRecord)).one()


def _post(
    client: TestClient, body: Any, headers: dict[str, str], key: str
) -> httpx.Response:
    return client.post(
        "/v1/tips", json=body, headers={**headers, "Idempotency-Key": key}
    )


def test_a_retry_with_the_same_key_and_body_returns_the_original_tip(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    first = _post(client, kit.body(), writer, "retry-1")
    again = _post(client, kit.body(), writer, "retry-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert _count(engine) == 1


def test_the_same_body_in_another_spelling_is_the_same_request(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    first = _post(client, kit.body(), writer, "spelling")
    respelt = kit.body(
        supplier={"org_number": "5566778899", "name": "Exempel Omsorg AB"}
    )
    again = _post(client, respelt, writer, "spelling")
    assert again.json()["id"] == first.json()["id"]
    assert _count(engine) == 1


def test_the_same_key_with_another_body_is_a_422(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    _post(client, kit.body(), writer, "reused")
    response = _post(client, kit.body(categories=["other"]), writer, "reused")
    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "This Idempotency-Key was used before with another body; use a new "
        "key for a new tip, or resend the original body.",
        "errors": [
            {
                "parameter": "Idempotency-Key",
                "in": "header",
                "detail": "was used with another request body",
            }
        ],
    }
    assert _count(engine) == 1


def test_keys_belong_to_one_client(
    client: TestClient, issuer: TestIssuer, engine: Engine, kit: Any
) -> None:
    one = issuer.headers(["tips:write"], client_id="one")
    two = issuer.headers(["tips:write"], client_id="two")
    first = _post(client, kit.body(), one, "shared-key")
    second = _post(client, kit.body(), two, "shared-key")
    assert first.json()["id"] != second.json()["id"]
    assert _count(engine) == 2


def test_without_a_key_every_post_is_a_new_tip(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    ids = {kit.file(client, writer)["id"] for _ in range(3)}
    assert len(ids) == 3
    assert _count(engine) == 3


def test_an_invalid_key_is_a_422(
    client: TestClient, writer: dict[str, str], kit: Any
) -> None:
    response = _post(client, kit.body(), writer, "x" * 201)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "Idempotency-Key"


def test_concurrent_retries_file_one_tip(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    """Twenty retries racing with one key: one tip, and every answer is that tip."""
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(
            pool.map(lambda _: _post(client, kit.body(), writer, "racing"), range(20))
        )
    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert _count(engine) == 1
    with Session(engine) as session:
        claims = session.exec(select(IdempotencyKeyRecord)).all()
    assert [(claim.key, str(claim.tip_id)) for claim in claims] == [
        ("racing", responses[0].json()["id"])
    ]


def test_a_burst_of_200_tips_loses_none_and_duplicates_none(
    client: TestClient, writer: dict[str, str], engine: Engine, kit: Any
) -> None:
    def post(number: int) -> httpx.Response:
        return client.post(
            "/v1/tips",
            json=kit.body(description=f"tip number {number}"),
            headers=writer,
        )

    with ThreadPoolExecutor(max_workers=40) as pool:
        responses = list(pool.map(post, range(200)))
    assert [response.status_code for response in responses] == [201] * 200
    ids = {response.json()["id"] for response in responses}
    assert len(ids) == 200
    assert _count(engine) == 200
    with Session(engine) as session:
        stored = {str(tip_id) for tip_id in session.exec(select(TipRecord.id)).all()}
    assert stored == ids
    descriptions = {response.json()["description"] for response in responses}
    assert descriptions == {f"tip number {number}" for number in range(200)}


def test_a_lost_race_for_the_key_returns_the_winners_tip(
    client: TestClient,
    writer: dict[str, str],
    engine: Engine,
    kit: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the pre-check misses a concurrent claim, the key's primary key still holds."""
    first = _post(client, kit.body(), writer, "late")
    real_claims = IdempotencyRepository.claims
    calls = iter(range(1_000))

    def miss_once(self: IdempotencyRepository, pairs: Any) -> Any:
        return {} if next(calls) == 0 else real_claims(self, pairs)

    monkeypatch.setattr(IdempotencyRepository, "claims", miss_once)
    again = _post(client, kit.body(), writer, "late")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert next(calls) == 1  # the pre-check missed, the key's primary key held
    assert _count(engine) == 1


def test_a_replay_answers_with_the_tip_as_it_is_now(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    """The replayed answer is the JSON a GET gives, history and its 'from' included."""
    first = _post(client, kit.body(), writer, "moved")
    tip_id = first.json()["id"]
    moved = client.post(
        f"/v1/tips/{tip_id}/transitions",
        json={"to": "investigating", "reason": "Granskas."},
        headers=manager,
    )
    assert moved.status_code == 200, moved.text
    again = _post(client, kit.body(), writer, "moved")
    current = client.get(f"/v1/tips/{tip_id}", headers=manager)
    assert again.status_code == 201
    assert again.json() == current.json()
    assert again.json()["history"][0]["from"] == "received"
