"""The internal read for the sharing service: each field with its data category."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.tokens import TestIssuer


@pytest.fixture
def sharing(issuer: TestIssuer) -> dict[str, str]:
    return issuer.headers(["tips:internal"], client_id="sharing-service")


def _categories(record: dict[str, Any]) -> dict[str, str]:
    return {field["name"]: field["category"] for field in record["fields"]}


def _supplier_company_fields(kit: Any) -> list[dict[str, Any]]:
    """The fields a social-services tip holds about the supplier, in the answer's order."""
    return [
        {
            "name": "supplier.org_number",
            "category": "supplier_company",
            "value": kit.example_org,
        },
        {
            "name": "supplier.name",
            "category": "supplier_company",
            "value": "Exempel Omsorg AB",
        },
        {
            "name": "agreement_id",
            "category": "supplier_company",
            "value": "hvb-2022",
        },
        {
            "name": "categories",
            "category": "supplier_company",
            "value": ["staffing", "safety"],
        },
        {"name": "status", "category": "supplier_company", "value": "received"},
        {
            "name": "call_off_stop",
            "category": "supplier_company",
            "value": {"active": False, "since": None, "reason": None},
        },
    ]


def _social_fields(kit: Any) -> list[dict[str, Any]]:
    """The fields about the child and the tipster, in the answer's order."""
    return [
        {"name": "occurred_on", "category": "child_social", "value": "2026-10-01"},
        {"name": "description", "category": "child_social", "value": kit.narrative},
        {
            "name": "persons",
            "category": "child_social",
            "value": [{"personal_number": kit.child, "role": "placed_child"}],
        },
        {
            "name": "reporter",
            "category": "tipster_social",
            "value": {
                "municipality_code": "1280",
                "unit": "IFO",
                "activity": "social_services",
                "contact_email": kit.email,
            },
        },
    ]


def test_a_social_services_tip_field_by_field(
    client: TestClient, writer: dict[str, str], sharing: dict[str, str], kit: Any
) -> None:
    tip = kit.file(client, writer)
    response = client.get(f"/internal/v1/tips/{tip['id']}", headers=sharing)
    assert response.status_code == 200
    assert response.json() == {
        "tip_id": tip["id"],
        "holder_activity": "social_services",
        "supplier_org_number": kit.example_org,
        "received_at": tip["received_at"],
        "fields": _supplier_company_fields(kit) + _social_fields(kit),
        "subjects": [
            {"kind": "organisation", "identifier": kit.example_org},
            {"kind": "person", "identifier": kit.child},
        ],
    }


CASES = [
    # (activity, marked description, persons' numbers, expected categories)
    (
        "whistleblowing_channel",
        None,
        ["19850412-4564"],
        {
            "description": "supplier_business",
            "persons": "adult_client_social",
            "reporter": "tipster_whistleblower",
        },
    ),
    (
        "procurement_follow_up",
        None,
        [],
        {
            "description": "supplier_business",
            "persons": "child_social",
            "reporter": "tipster_social",
        },
    ),
    (
        "health_care",
        "health_care",
        ["20121212-1212", "19850412-4564"],
        {
            "description": "health_care",
            "persons": "child_social",
            "persons.adults": "adult_client_social",
            "reporter": "tipster_social",
        },
    ),
    # 18 on the day: born 2008-10-01, events on 2026-10-01.
    (
        "social_services",
        None,
        ["20081001-1239"],
        {
            "description": "child_social",
            "persons": "adult_client_social",
            "reporter": "tipster_social",
        },
    ),
    (
        "social_services",
        None,
        ["20081002-1238"],
        {
            "description": "child_social",
            "persons": "child_social",
            "reporter": "tipster_social",
        },
    ),
]


@pytest.mark.parametrize(("activity", "marked", "numbers", "expected"), CASES)
def test_categories_follow_the_holder_and_the_persons_age(
    client: TestClient,
    writer: dict[str, str],
    sharing: dict[str, str],
    kit: Any,
    activity: str,
    marked: str | None,
    numbers: list[str],
    expected: dict[str, str],
) -> None:
    reporter = {**kit.body()["reporter"], "activity": activity}
    body: dict[str, Any] = {
        "reporter": reporter,
        "persons": [{"personal_number": n, "role": "client"} for n in numbers],
    }
    if marked:
        body["description_category"] = marked
    tip = kit.file(client, writer, **body)
    record = client.get(f"/internal/v1/tips/{tip['id']}", headers=sharing).json()
    categories = _categories(record)
    assert {name: categories[name] for name in expected} == expected
    assert set(categories) - set(expected) == {
        "supplier.org_number",
        "supplier.name",
        "agreement_id",
        "categories",
        "status",
        "call_off_stop",
        "occurred_on",
    }
    assert [s["identifier"] for s in record["subjects"]] == [kit.example_org, *numbers]


def test_a_suppliers_tips_page_by_page(
    client: TestClient, writer: dict[str, str], sharing: dict[str, str], kit: Any
) -> None:
    mine = [kit.file(client, writer)["id"] for _ in range(3)]
    kit.file(client, writer, supplier={"org_number": kit.other_org, "name": "Other"})
    url = f"/internal/v1/suppliers/{kit.example_org}/tips?limit=2"
    first = client.get(url, headers=sharing).json()
    second = client.get(f"{url}&cursor={first['next_cursor']}", headers=sharing).json()
    assert [r["tip_id"] for r in first["items"] + second["items"]] == mine
    assert second["next_cursor"] is None
    assert _categories(first["items"][0])["persons"] == "child_social"


def test_unknown_tip_and_supplier_are_404(
    client: TestClient, sharing: dict[str, str]
) -> None:
    assert (
        client.get(
            "/internal/v1/tips/00000000-0000-4000-8000-000000000000", headers=sharing
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/internal/v1/suppliers/556012-5790/tips", headers=sharing
        ).status_code
        == 404
    )
