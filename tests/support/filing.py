"""Tips filed for the tests that then ask about them: in the in-process suite, or at
one tips app in the name of a municipality's own system."""

from typing import Any

from fastapi.testclient import TestClient

from tests.support.payloads import CHILD, SUPPLIER_NAME, SUPPLIER_ORG
from tests.support.suite import InProcessSuite
from tests.support.tokens import TestIssuer


def file_tip(suite: InProcessSuite) -> str:
    """Malmö's social services report the supplier over a placed child; the tip's id."""
    response = suite.tips.post(
        "/v1/tips",
        json={
            "supplier": {"org_number": SUPPLIER_ORG, "name": SUPPLIER_NAME},
            "agreement_id": "hvb-2022",
            "categories": ["staffing", "invoicing"],
            "description": "Fakturerad nattpersonal fanns inte på plats.",
            "occurred_on": "2026-10-01",
            "reporter": {
                "municipality_code": "1280",
                "unit": "IFO",
                "activity": "social_services",
                "contact_email": "handlaggare@malmo.se",
            },
            "persons": [{"personal_number": CHILD, "role": "placed_child"}],
        },
        headers=suite.headers("malmo"),
    )
    assert response.status_code == 201, response.text
    tip_id: str = response.json()["id"]
    return tip_id


def file_as_municipality(
    client: TestClient, issuer: TestIssuer, kit: Any, org: str, code: str, **body: Any
) -> str:
    """A tip filed by municipality ``code`` (organisation ``org``)'s own system through
    ``kit`` (the tips tests' filing kit); the tip's id."""
    headers = issuer.headers(
        ["tips:write"],
        client_id=f"system-{code}",
        org_number=org,
        municipality_code=code,
    )
    reporter = {**kit.body()["reporter"], "municipality_code": code}
    return str(kit.file(client, headers, reporter=reporter, **body)["id"])
