"""Sharing reports the disclosures about tips after the releases, several in one
request: each stored once per tip and (disclosure, audit index), never with a payload,
and only from sharing's client."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from samverkan_tips.disclosures.models import TipDisclosureRecord
from tests.support.tokens import TestIssuer

UNKNOWN_TIP = "00000000-0000-4000-8000-000000000000"


def report(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "disclosure_id": "6f1c2b1e-1d0c-4f0e-9d35-0d8a4c2f7a10",
        "audit_index": 41,
        "recipient": {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        },
        "legal_basis": ["OSL 10:24", "OSL 10:2"],
        "data_categories": ["supplier_business", "child_social"],
        "released_at": "2026-12-07T09:30:00Z",
    }
    body.update(changes)
    return body


@pytest.fixture
def sharing(issuer: TestIssuer) -> dict[str, str]:
    return issuer.headers(["tips:internal"], client_id="sharing-service")


@pytest.fixture
def tip(client: TestClient, writer: dict[str, str], kit: Any) -> str:
    return str(kit.file(client, writer)["id"])


def _post_all(
    client: TestClient, reports: list[Any], headers: dict[str, str]
) -> httpx.Response:
    return client.post(
        "/internal/v1/tip-disclosures", json={"reports": reports}, headers=headers
    )


def _post(
    client: TestClient, tip_id: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    """One report about ``tip_id`` in a request of its own."""
    return _post_all(client, [{"tip_id": tip_id, **body}], headers)


def _outcomes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [result["outcome"] for result in response.json()["results"]]


def _stored(engine: Engine) -> list[TipDisclosureRecord]:
    with Session(engine) as session:
        return list(session.exec(select(TipDisclosureRecord)).all())


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TipDisclosureRecord)).one()


def test_a_report_is_stored_and_a_repeat_answers_alike(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    first = _post(client, tip, report(), sharing)
    again = _post(client, tip, report(), sharing)
    assert (
        first.json()
        == again.json()
        == {
            "results": [
                {
                    "tip_id": tip,
                    "disclosure_id": "6f1c2b1e-1d0c-4f0e-9d35-0d8a4c2f7a10",
                    "audit_index": 41,
                    "outcome": "recorded",
                }
            ]
        }
    )
    [stored] = _stored(engine)
    assert (
        str(stored.tip_id),
        stored.disclosure_id,
        stored.audit_index,
        stored.recipient_code,
        stored.recipient_org_number,
        stored.recipient_name,
        stored.legal_basis,
        stored.data_categories,
        stored.released_at.isoformat(),
    ) == (
        tip,
        "6f1c2b1e-1d0c-4f0e-9d35-0d8a4c2f7a10",
        41,
        "polismyndigheten",
        "202100-0076",
        "Polismyndigheten",
        ["OSL 10:24", "OSL 10:2"],
        ["supplier_business", "child_social"],
        "2026-12-07T09:30:00+00:00",
    )


def test_a_repeat_keeps_the_first_report(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    """An audit entry never changes; a second report under it changes nothing."""
    _post(client, tip, report(), sharing)
    again = _post(client, tip, report(legal_basis=["OSL 10:27"]), sharing)
    assert _outcomes(again) == ["recorded"]
    assert [r.legal_basis for r in _stored(engine)] == [["OSL 10:24", "OSL 10:2"]]


def test_each_audit_entry_of_a_disclosure_is_its_own(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    _post(client, tip, report(), sharing)
    _post(client, tip, report(audit_index=42), sharing)
    _post(client, tip, report(disclosure_id="another"), sharing)
    assert _count(engine) == 3


def test_a_release_about_several_tips_is_kept_for_each(
    client: TestClient,
    sharing: dict[str, str],
    writer: dict[str, str],
    tip: str,
    engine: Engine,
    kit: Any,
    issuer: TestIssuer,
) -> None:
    """A request about a supplier covers each of its tips; sharing reports the same
    disclosure and audit entry to every one, and every timeline shows it."""
    other = str(kit.file(client, writer)["id"])
    for tip_id in (tip, other, tip, other):
        assert _outcomes(_post(client, tip_id, report(), sharing)) == ["recorded"]
    assert sorted(str(r.tip_id) for r in _stored(engine)) == sorted([tip, other])
    owner = issuer.headers(["tips:read", "tips:manage"], org_number="556578-5788")
    for tip_id in (tip, other):
        events = client.get(f"/v1/tips/{tip_id}/timeline", headers=owner).json()
        audit = [
            e["audit_index"] for e in events["events"] if e["kind"] == "disclosure"
        ]
        assert audit == [41]


def test_concurrent_repeats_store_one_report(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: _post(client, tip, report(), sharing), range(8))
        )
    assert [_outcomes(answer) for answer in answers] == [["recorded"]] * 8
    assert _count(engine) == 1


def test_concurrent_overlapping_batches_store_each_report_once(
    client: TestClient,
    sharing: dict[str, str],
    writer: dict[str, str],
    tip: str,
    engine: Engine,
    kit: Any,
) -> None:
    other = str(kit.file(client, writer)["id"])
    reports = [
        {"tip_id": tip_id, **report(audit_index=index)}
        for index in range(5)
        for tip_id in (tip, other)
    ]
    batches = [reports[n:] + reports[:n] for n in range(6)]  # the same, reordered
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(lambda batch: _post_all(client, batch, sharing), batches)
        )
    assert [_outcomes(answer) for answer in answers] == [["recorded"] * 10] * 6
    assert _count(engine) == 10


def test_a_report_about_an_unknown_tip_stores_nothing_and_says_so(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    """The others in the request are stored; sharing ends the unknown tip's report."""
    response = _post_all(
        client,
        [
            {"tip_id": UNKNOWN_TIP, **report()},
            {"tip_id": tip, **report()},
            {"tip_id": tip, **report(audit_index=42)},
        ],
        sharing,
    )
    assert _outcomes(response) == ["unknown_tip", "recorded", "recorded"]
    assert sorted(r.audit_index for r in _stored(engine)) == [41, 42]


def test_a_request_holds_one_to_a_hundred_reports(
    client: TestClient, sharing: dict[str, str], tip: str, engine: Engine
) -> None:
    empty = _post_all(client, [], sharing)
    assert empty.status_code == 422
    assert [e["pointer"] for e in empty.json()["errors"]] == ["#/reports"]
    too_many = [{"tip_id": tip, **report(audit_index=n)} for n in range(101)]
    assert _post_all(client, too_many, sharing).status_code == 422
    assert _outcomes(_post_all(client, too_many[:100], sharing)) == ["recorded"] * 100
    assert _count(engine) == 100


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"payload": {"description": "…"}}, "#/payload"),
        ({"audit_index": -1}, "#/audit_index"),
        ({"audit_index": "41"}, "#/audit_index"),
        ({"released_at": "2026-12-07T09:30:00"}, "#/released_at"),
        ({"released_at": "yesterday"}, "#/released_at"),
        ({"released_at": "0001-01-01T00:00:00+01:00"}, "#/released_at"),
        ({"released_at": "2999-01-01T00:00:00Z"}, "#/released_at"),
        ({"disclosure_id": ""}, "#/disclosure_id"),
        ({"disclosure_id": "with space"}, "#/disclosure_id"),
        ({"legal_basis": "OSL 10:24"}, "#/legal_basis"),
        ({"legal_basis": [""]}, "#/legal_basis/0"),
        ({"data_categories": ["a\x00b"]}, "#/data_categories/0"),
        (
            {"recipient": {"code": "p", "org_number": "202100-0077", "name": "P"}},
            "#/recipient/org_number",
        ),
        ({"recipient": {"code": "p", "name": "P"}}, "#/recipient/org_number"),
    ],
    ids=[
        "a payload",
        "negative index",
        "index as text",
        "no time zone",
        "not a time",
        "before the year 1",
        "in the future",
        "empty id",
        "id with space",
        "basis not a list",
        "empty basis",
        "NUL",
        "bad check digit",
        "no org number",
    ],
)
def test_bad_input_is_a_422(
    client: TestClient,
    sharing: dict[str, str],
    tip: str,
    engine: Engine,
    changes: dict[str, Any],
    pointer: str,
) -> None:
    response = _post(client, tip, report(**changes), sharing)
    assert response.status_code == 422, response.text
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == [pointer.replace("#/", "#/reports/0/")]
    assert _count(engine) == 0


def test_missing_members_are_a_422(
    client: TestClient, sharing: dict[str, str], tip: str
) -> None:
    body = report()
    del body["recipient"], body["released_at"]
    response = _post(client, tip, body, sharing)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"#/reports/0/recipient", "#/reports/0/released_at"}


@pytest.mark.parametrize(
    "scopes",
    [["tips:read", "tips:manage"], ["tips:write"]],
    ids=["a manager", "a filer"],
)
def test_only_sharing_reports(
    client: TestClient, issuer: TestIssuer, tip: str, engine: Engine, scopes: list[str]
) -> None:
    headers = issuer.headers(scopes, org_number="556578-5788")
    assert _post(client, tip, report(), headers).status_code == 403
    assert _count(engine) == 0
