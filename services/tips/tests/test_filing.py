"""POST /v1/tips: what a valid tip becomes, and a precise 422 for every malformed field."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from samverkan_tips.deadlines.policy import swedish_day
from samverkan_tips.working_days import add_working_days
from tests.support.tokens import TestIssuer

MALMO_ORG = "212000-1124"


def _nested(kit: Any, path: str, value: Any) -> dict[str, Any]:
    """The valid body with one member, addressed like 'reporter/municipality_code', set."""
    body = kit.body()
    *parents, last = path.split("/")
    target = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return dict(body)


TOMORROW = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()

# (case id, member to change, bad value, the pointer the problem must name)
MALFORMED = [
    (
        "org number check digit",
        "supplier/org_number",
        "556677-8898",
        "#/supplier/org_number",
    ),
    (
        "org number of a person",
        "supplier/org_number",
        "551212-1212",
        "#/supplier/org_number",
    ),
    ("org number shape", "supplier/org_number", "55667788", "#/supplier/org_number"),
    (
        "personnummer Luhn",
        "persons/0/personal_number",
        "20121212-1213",
        "#/persons/0/personal_number",
    ),
    (
        "personnummer date",
        "persons/0/personal_number",
        "20121312-1210",
        "#/persons/0/personal_number",
    ),
    (
        "personnummer in the future",
        "persons/0/personal_number",
        "20991212-1217",
        "#/persons/0/personal_number",
    ),
    (
        "coordination number day",
        "persons/0/personal_number",
        "20120292-1219",
        "#/persons/0/personal_number",
    ),
    (
        "coordination number Luhn",
        "persons/0/personal_number",
        "20120272-1394",
        "#/persons/0/personal_number",
    ),
    (
        "municipality code unknown",
        "reporter/municipality_code",
        "1299",
        "#/reporter/municipality_code",
    ),
    (
        "municipality code shape",
        "reporter/municipality_code",
        "128",
        "#/reporter/municipality_code",
    ),
    ("unknown category", "categories", ["staffing", "bribery"], "#/categories/1"),
    ("duplicate category", "categories", ["safety", "safety"], "#/categories"),
    ("no category", "categories", [], "#/categories"),
    ("future date", "occurred_on", TOMORROW, "#/occurred_on"),
    ("not a date", "occurred_on", "2026-02-30", "#/occurred_on"),
    ("NUL in description", "description", "brist\x00text", "#/description"),
    ("NUL in unit", "reporter/unit", "IFO\x00", "#/reporter/unit"),
    ("NUL in agreement id", "agreement_id", "hvb\x002022", "#/agreement_id"),
    ("description too long", "description", "x" * 20_001, "#/description"),
    ("empty description", "description", "   ", "#/description"),
    ("unknown activity", "reporter/activity", "police", "#/reporter/activity"),
    ("unknown role", "persons/0/role", "neighbour", "#/persons/0/role"),
    (
        "bad e-mail",
        "reporter/contact_email",
        "not-an-address",
        "#/reporter/contact_email",
    ),
    ("extra field", "urgent", True, "#/urgent"),
    ("extra nested field", "supplier/address", "Storgatan 1", "#/supplier/address"),
    (
        "description marked as a non-narrative category",
        "description_category",
        "supplier_company",
        "#/description_category",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "pointer"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_a_malformed_field_is_a_422_naming_it(
    client: TestClient,
    writer: dict[str, str],
    kit: Any,
    path: str,
    value: Any,
    pointer: str,
) -> None:
    response = client.post("/v1/tips", json=_nested(kit, path, value), headers=writer)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Unprocessable Content"
    assert problem["status"] == 422
    assert [error["pointer"] for error in problem["errors"]] == [pointer]
    # Validation messages never echo an identity number.
    assert "2012121" not in response.text
    assert client.get("/v1/tips", headers=writer).json()["items"] == []


def test_an_unknown_agreement_is_a_422_naming_agreement_id(
    client: TestClient, writer: dict[str, str], kit: Any
) -> None:
    response = client.post(
        "/v1/tips", json=kit.body(agreement_id="hvb-1999"), headers=writer
    )
    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "#/agreement_id: no framework agreement has this id "
        "(see GET /v1/agreements)",
        "errors": [
            {
                "pointer": "#/agreement_id",
                "detail": "no framework agreement has this id (see GET /v1/agreements)",
            }
        ],
    }


def test_a_valid_tip_is_stored_as_received(
    client: TestClient, issuer: TestIssuer, kit: Any
) -> None:
    headers = issuer.headers(["tips:write", "tips:read"], client_id="malmo-ifo")
    body = kit.body(
        supplier={"org_number": "5566778899", "name": "Exempel Omsorg AB"},
        persons=[{"personal_number": "121212-1212", "role": "placed_child"}],
    )
    response = client.post("/v1/tips", json=body, headers=headers)
    assert response.status_code == 201
    tip = response.json()
    uuid.UUID(tip.pop("id"))
    received_at = datetime.fromisoformat(tip.pop("received_at"))
    assert received_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - received_at) < timedelta(minutes=1)
    filed = swedish_day(received_at)
    assert tip == {
        "status": "received",
        "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
        "agreement_id": "hvb-2022",
        "categories": ["staffing", "safety"],
        "description": kit.narrative,
        "description_category": "child_social",
        "occurred_on": "2026-10-01",
        "reporter": {
            "municipality_code": "1280",
            "unit": "IFO",
            "activity": "social_services",
            "contact_email": kit.email,
        },
        "persons": [{"personal_number": "20121212-1212", "role": "placed_child"}],
        "holder_activity": "social_services",
        "filed_by": "malmo-ifo",
        "breached_terms": [],
        "history": [],
        "next_statuses": ["investigating"],
        "acknowledge_by": add_working_days(filed, 2).isoformat(),
        "decide_by": add_working_days(filed, 20).isoformat(),
        "acknowledged_in_time": None,
        "decided_in_time": None,
    }


def test_a_tip_about_an_unknown_supplier_adds_the_supplier(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    kit.file(client, writer, supplier={"org_number": "556012-5790", "name": "Ny AB"})
    supplier = client.get("/v1/suppliers/556012-5790", headers=manager).json()
    assert (supplier["name"], supplier["tips_total"]) == ("Ny AB", 1)


def test_reading_an_unknown_or_malformed_tip_id(
    client: TestClient, manager: dict[str, str]
) -> None:
    unknown = client.get(f"/v1/tips/{uuid.uuid4()}", headers=manager)
    assert unknown.status_code == 404
    assert unknown.json()["title"] == "Not Found"
    malformed = client.get("/v1/tips/not-a-uuid", headers=manager)
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["parameter"] == "tip_id"


def test_a_reader_without_tips_manage_reads_only_its_organisations_tips(
    client: TestClient, issuer: TestIssuer, manager: dict[str, str], kit: Any
) -> None:
    malmo = issuer.headers(
        ["tips:write", "tips:read"], client_id="malmo", org_number=MALMO_ORG
    )
    malmo_officer = issuer.headers(
        ["tips:read"], client_id="officer", org_number=MALMO_ORG
    )
    lund = issuer.headers(
        ["tips:write", "tips:read"], client_id="lund", org_number="212000-1173"
    )
    mine = kit.file(client, malmo)
    theirs = kit.file(client, lund)
    listed = client.get("/v1/tips", headers=malmo_officer).json()["items"]
    assert [tip["id"] for tip in listed] == [mine["id"]]
    assert client.get(f"/v1/tips/{theirs['id']}", headers=malmo).status_code == 404
    everything = client.get("/v1/tips", headers=manager).json()["items"]
    assert {tip["id"] for tip in everything} == {mine["id"], theirs["id"]}


def test_list_filters(
    client: TestClient, writer: dict[str, str], manager: dict[str, str], kit: Any
) -> None:
    first = kit.file(client, writer)
    second = kit.file(
        client, writer, supplier={"org_number": kit.other_org, "name": "Trygga Hem"}
    )
    third = kit.file(
        client,
        writer,
        supplier={"org_number": "559012-3450", "name": "Norr"},
        agreement_id="assistans-2024",
    )
    client.post(
        f"/v1/tips/{second['id']}/transitions",
        json={"to": "investigating", "reason": "utreds"},
        headers=manager,
    )

    def ids(query: str) -> list[str]:
        # The filer reads all three (the manager owns only hvb-2022).
        response = client.get(f"/v1/tips?{query}", headers=writer)
        assert response.status_code == 200, response.text
        return [tip["id"] for tip in response.json()["items"]]

    assert ids("supplier=5566778899") == [first["id"]]
    assert ids("status=investigating") == [second["id"]]
    assert ids("agreement_id=assistans-2024") == [third["id"]]
    assert ids("") == [first["id"], second["id"], third["id"]]
    bad = client.get("/v1/tips?supplier=556677-8898", headers=writer)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["parameter"] == "supplier"


def test_filing_never_logs_the_narrative_or_an_identity_number(
    client: TestClient, writer: dict[str, str], kit: Any
) -> None:
    with structlog.testing.capture_logs() as logs:
        tip = kit.file(client, writer)
    text = repr(logs)
    assert any(
        entry["event"] == "tip_filed" and entry["tip_id"] == tip["id"] for entry in logs
    )
    for secret in (
        kit.child,
        kit.child.replace("-", ""),
        kit.narrative,
        kit.email,
        "Nattpersonal",
    ):
        assert secret not in text


LUND = "1281"


@pytest.mark.parametrize(
    ("municipality", "status", "detail"),
    [
        pytest.param(
            LUND,
            403,
            "files tips for municipality 1281; reporter.municipality_code 1280 is"
            " another municipality's",
            id="a Lund client files in Malmö's name → 403",
        ),
        pytest.param(
            None,
            403,
            "registered without a municipality",
            id="a client with no municipality → 403",
        ),
    ],
)
def test_a_client_files_tips_only_in_its_own_municipality_s_name(
    client: TestClient,
    issuer: TestIssuer,
    manager: dict[str, str],
    kit: Any,
    municipality: str | None,
    status: int,
    detail: str,
) -> None:
    """Issue #17: the reporting organisation is the caller's, not the body's."""
    other = issuer.headers(
        ["tips:write"],
        client_id="lund",
        org_number="212000-1173",
        municipality_code=municipality,
    )
    refused = client.post("/v1/tips", json=kit.body(), headers=other)
    assert refused.status_code == status
    assert refused.headers["content-type"] == "application/problem+json"
    assert detail in refused.json()["detail"]
    assert client.get("/v1/tips", headers=manager).json()["items"] == []


def test_a_client_files_in_its_own_municipality_s_name(
    client: TestClient, issuer: TestIssuer, kit: Any
) -> None:
    lund = issuer.headers(
        ["tips:write"],
        client_id="lund",
        org_number="212000-1173",
        municipality_code=LUND,
    )
    reporter = {**kit.body()["reporter"], "municipality_code": LUND}
    kit.file(client, lund, reporter=reporter)
