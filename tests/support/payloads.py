"""What the tests send and what the fakes answer, each written once.

An offence is (name, reference, minimum and maximum penalty in months), as BrB and the
penal laws scale it; a purpose is the contract's ``purpose`` object around one. The
sharing tests, the in-process suite and the process tests ask with these.
"""

from typing import Any

Offence = tuple[str, str, float, float]

GROVT_BEDRAGERI_OFFENCE: Offence = ("grovt bedrägeri", "BrB 9:3", 6, 72)
BEDRAGERI_OFFENCE: Offence = ("bedrägeri", "BrB 9:1", 0.5, 24)
MISSHANDEL_OFFENCE: Offence = ("misshandel", "BrB 3:5", 0, 24)
GROV_MISSHANDEL_OFFENCE: Offence = ("grov misshandel", "BrB 3:6", 18, 72)
GROVT_OLAGA_HOT_OFFENCE: Offence = ("grovt olaga hot", "BrB 4:5", 12, 48)
OAKTSAMT_TYSTNAD_OFFENCE: Offence = (
    "oaktsamt brott mot tystnadsplikt",
    "BrB 20:3",
    0,
    0,
)
NARKOTIKA_OFFENCE: Offence = (
    "narkotikabrott genom överlåtelse",
    "Lag 1968:64 1 §",
    0,
    36,
)
BIDRAGSBROTT_OFFENCE: Offence = ("bidragsbrott", "Lag 2007:612 2 §", 0.5, 24)


def offence(scale: Offence, *, attempt: bool = False) -> dict[str, Any]:
    """The contract's ``offence`` object."""
    name, reference, low, high = scale
    return {
        "name": name,
        "reference": reference,
        "min_penalty_months": low,
        "max_penalty_months": high,
        "attempt": attempt,
    }


def investigate_crime(scale: Offence, **extra: Any) -> dict[str, Any]:
    """The purpose ``investigate_crime`` of one offence, with ``detail=`` if given."""
    return {"code": "investigate_crime", "offence": offence(scale), **extra}


# Six months' minimum meets OSL 10:23: a child's data is released to the police.
GROVT_BEDRAGERI = investigate_crime(GROVT_BEDRAGERI_OFFENCE)
# A penalty scale below 10:23's threshold: the engine holds fields for a person.
BEDRAGERI = investigate_crime(BEDRAGERI_OFFENCE)
BEDRAGERI_WITH_DETAIL = investigate_crime(
    BEDRAGERI_OFFENCE, detail="Fakturor för personal som inte funnits."
)

# The body of docs/evaluation-contract.md.
CONTRACT_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-11-23",
    "holder_activity": "social_services",
    "recipient": "polismyndigheten",
    "recipient_activity": None,
    "initiative": "request",
    "purpose": investigate_crime(GROVT_BEDRAGERI_OFFENCE, detail="free text"),
    "victim_under_18": False,
    "subject_age": None,
    "requested_basis": None,
    "fields": [
        {"name": "persons", "category": "child_social", "secrecy": "OSL 26:1"},
        {"name": "supplier.org_number", "category": "supplier_company"},
    ],
}

TIP_ID = "0b6a1f5e-3c1d-4f0e-9a55-1d2b3c4d5e6f"
PROCUREMENT_TIP = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
CHILD = "20121212-1212"
SUPPLIER_ORG = "556677-8899"
SUPPLIER_NAME = "Exempel Omsorg AB"


def tip_document(
    tip_id: str = TIP_ID, holder: str = "social_services"
) -> dict[str, Any]:
    """A tip as tips' internal read answers it to sharing: a child placed by a supplier."""
    return {
        "tip_id": tip_id,
        "holder_activity": holder,
        "supplier_org_number": SUPPLIER_ORG,
        "received_at": "2026-10-02T08:00:00Z",
        "fields": [
            {
                "name": "supplier.org_number",
                "category": "supplier_company",
                "value": SUPPLIER_ORG,
            },
            {
                "name": "supplier.name",
                "category": "supplier_company",
                "value": SUPPLIER_NAME,
            },
            {
                "name": "categories",
                "category": "supplier_company",
                "value": ["staffing"],
            },
            {
                "name": "description",
                "category": "child_social",
                "value": "Barnet far illa.",
            },
            {
                "name": "persons",
                "category": "child_social",
                "value": [{"personal_number": CHILD, "role": "placed_child"}],
            },
        ],
        "subjects": [
            {"kind": "organisation", "identifier": SUPPLIER_ORG},
            {"kind": "person", "identifier": CHILD},
        ],
    }
