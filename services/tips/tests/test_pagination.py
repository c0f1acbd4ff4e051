"""Keyset pages neither skip nor repeat, also while tips are filed between and during pages."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from samverkan_shared.cursors import encode_cursor
from samverkan_shared.db import make_engine, migrate
from samverkan_tips.tips.repository import TipFilter, TipRepository


def _walk(
    client: TestClient,
    headers: dict[str, str],
    between: Any = None,
    *,
    path: str = "/v1/tips?limit=3",
) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = path + (f"&cursor={cursor}" if cursor else "")
        response = client.get(query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [tip["id"] for tip in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        if between is not None:
            between()


def test_pages_cover_every_tip_once_while_tips_are_filed_between_pages(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    filed = [kit.file(client, writer)["id"] for _ in range(7)]
    budget = iter(range(5))

    def file_one_more() -> None:
        if next(budget, None) is not None:
            filed.append(kit.file(client, writer)["id"])

    seen = _walk(client, manager, file_one_more)
    assert len(seen) == len(set(seen))
    assert seen == filed  # oldest first: every later tip lands on a later page


def test_pages_stay_exact_under_concurrent_filing(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    before = [kit.file(client, writer)["id"] for _ in range(10)]
    stop = threading.Event()

    def keep_filing() -> list[str]:
        # Bounded: filers faster than a walker's pages of three would let it chase
        # a list that grows without end.
        ids: list[str] = []
        while not stop.is_set() and len(ids) < 25:
            ids.append(kit.file(client, writer)["id"])
        return ids

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(keep_filing) for _ in range(4)]
        walks = [_walk(client, manager) for _ in range(3)]
        stop.set()
        during = [tip for future in futures for tip in future.result()]
    for seen in walks:
        assert len(seen) == len(set(seen))
        assert seen[:10] == before
        assert set(seen) <= set(before) | set(during)
    final = _walk(client, manager)
    assert sorted(final) == sorted(before + during)
    # Each walk saw a prefix of the final order: nothing was skipped.
    for seen in walks:
        assert final[: len(seen)] == seen


def test_newest_first_pages_cover_every_tip_once_and_a_new_tip_does_not_shift_them(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    filed = [kit.file(client, writer)["id"] for _ in range(7)]
    budget = iter(range(3))

    def file_one_more() -> None:
        if next(budget, None) is not None:
            kit.file(client, writer)

    seen = _walk(client, manager, file_one_more, path="/v1/tips?limit=3&order=desc")
    # Tips filed during the walk are newer than its first page: none appears.
    assert seen == filed[::-1]
    assert _walk(client, manager, path="/v1/tips?limit=3&order=asc")[:7] == filed


def test_a_cursor_of_one_order_is_refused_by_the_other(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    for _ in range(3):
        kit.file(client, writer)
    cursor = client.get("/v1/tips?limit=1&order=desc", headers=manager).json()[
        "next_cursor"
    ]
    response = client.get(f"/v1/tips?limit=1&cursor={cursor}", headers=manager)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "parameter": "cursor",
            "in": "query",
            "detail": "the cursor belongs to another list or version",
        }
    ]
    unknown = client.get("/v1/tips?order=newest", headers=manager)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["parameter"] == "order"


def test_agreements_are_listed_by_id_either_way(
    client: TestClient, manager: dict[str, str]
) -> None:
    ids = ["assistans-2024", "hvb-2022"]
    for order, expected in (("asc", ids), ("desc", ids[::-1])):
        first = client.get(f"/v1/agreements?limit=1&order={order}", headers=manager)
        cursor = first.json()["next_cursor"]
        second = client.get(
            f"/v1/agreements?limit=1&order={order}&cursor={cursor}", headers=manager
        ).json()
        assert [a["id"] for a in first.json()["items"] + second["items"]] == expected
        assert second["next_cursor"] is None


def test_a_foreign_cursor_is_a_422(client: TestClient, manager: dict[str, str]) -> None:
    for cursor in ("garbage", "WzEsImFncmVlbWVudHMiLCJodmItMjAyMiJd"):
        response = client.get(f"/v1/tips?cursor={cursor}", headers=manager)
        assert response.status_code == 422
        assert response.json()["errors"][0]["parameter"] == "cursor"


TIP_ID = "0b4f9a52-8d43-4c0e-9f3e-2f5b1d6c7a80"


@pytest.mark.parametrize(
    ("timestamp", "detail"),
    [
        pytest.param("2026-01-01T00:00:00", "has no UTC offset", id="naive"),
        pytest.param("2026-01-01", "has no UTC offset", id="a date alone"),
        pytest.param("20260101T000000", "has no UTC offset", id="basic format, naive"),
        pytest.param(
            "0001-01-01T00:00:00+01:00", "is out of range", id="before year 1 in UTC"
        ),
        pytest.param(
            "9999-12-31T23:59:59-01:00", "is out of range", id="after 9999 in UTC"
        ),
        pytest.param("yesterday", "is not ISO 8601", id="not a timestamp"),
    ],
)
def test_a_cursor_with_an_odd_timestamp_is_a_422(
    client: TestClient, manager: dict[str, str], timestamp: str, detail: str
) -> None:
    """Well-formed cursors whose timestamp is naive or out of range were a 500."""
    cursor = encode_cursor("tips", [timestamp, TIP_ID])
    response = client.get(f"/v1/tips?cursor={cursor}", headers=manager)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The cursor is invalid: pass back next_cursor unchanged, "
        "with the same order.",
        "errors": [
            {
                "parameter": "cursor",
                "in": "query",
                "detail": f"the cursor's timestamp {detail}",
            }
        ],
    }


def test_a_cursor_timestamp_with_another_offset_is_read_as_utc(
    client: TestClient, manager: dict[str, str]
) -> None:
    cursor = encode_cursor("tips", ["2026-01-01T02:00:00+02:00", TIP_ID])
    response = client.get(f"/v1/tips?cursor={cursor}", headers=manager)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "kind", "key"),
    [
        pytest.param("/v1/agreements", "agreements", ["hvb\x00"], id="agreements"),
        pytest.param(
            "/v1/tips",
            "tips",
            ["2026-01-01T00:00:00+00:00", TIP_ID + "\x00"],
            id="tips",
        ),
    ],
)
def test_a_cursor_key_with_a_control_character_is_a_422(
    client: TestClient, manager: dict[str, str], path: str, kind: str, key: list[str]
) -> None:
    """PostgreSQL refuses NUL in text: such a key must not reach the query."""
    response = client.get(f"{path}?cursor={encode_cursor(kind, key)}", headers=manager)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "parameter": "cursor",
            "in": "query",
            "detail": "the cursor is not one this service handed out",
        }
    ]


def test_an_organisations_page_is_read_in_index_order(tmp_path: Path) -> None:
    """The page query walks (filed_by_org, received_at, id): no sort of every tip.

    On SQLite, whose plan follows from the schema (PostgreSQL's from statistics).
    """
    url = f"sqlite:///{tmp_path / 'tips.db'}"
    migrate(url, "samverkan_tips")
    engine = make_engine(url)
    statements: list[tuple[str, Any]] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)),
    )
    cursor = (datetime(2026, 1, 1, tzinfo=UTC), uuid.uuid4())
    with Session(engine) as session:
        TipRepository(session).page(TipFilter(filed_by_org="212000-1124"), cursor, 101)
        [(sql, params)] = [s for s in statements if "FROM tips" in s[0]]
        plan = " | ".join(
            row[3]
            for row in session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}", params
            )
        )
    engine.dispose()
    assert "ix_tips_filed_by_org_received_at" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
