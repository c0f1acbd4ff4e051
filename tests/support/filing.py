"""A tip filed in the in-process suite, for the tests that then ask about it."""

from tests.support.payloads import CHILD, SUPPLIER_NAME, SUPPLIER_ORG
from tests.support.suite import InProcessSuite


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
