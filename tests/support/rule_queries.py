"""Requests in the evaluation contract's shape, for the table-driven legal tests.

``BUILDERS`` holds one request per dated paragraph, asked on a given day: the wording
tests ask it on both sides of every change in the law, the rule tests check it is whole.
"""

from collections.abc import Callable
from typing import Any

from samverkan_sharing.rules import EvaluationQuery, query_from_contract_dict
from tests.support import payloads
from tests.support.payloads import (
    BEDRAGERI_OFFENCE,
    BIDRAGSBROTT_OFFENCE,
    GROV_MISSHANDEL_OFFENCE,
    GROVT_OLAGA_HOT_OFFENCE,
    MISSHANDEL_OFFENCE,
    NARKOTIKA_OFFENCE,
    Offence,
)


def ask(
    on: str = "2026-11-23",
    *,
    holder: str = "social_services",
    to: str = "polismyndigheten",
    initiative: str = "request",
    purpose: str | None = None,
    offence: Offence | None = None,
    attempt: bool = False,
    category: str = "child_social",
    secrecy: str | None = None,
    victim_under_18: bool = False,
    age: int | None = None,
    basis: str | None = None,
    kind: str | None = None,
    activity: str | None = None,
) -> EvaluationQuery:
    """A one-field evaluation request in the contract's shape."""
    field: dict[str, Any] = {"name": "field", "category": category}
    if secrecy is not None:
        field["secrecy"] = secrecy
    if kind is not None:
        field["kind"] = kind
    body: dict[str, Any] = {
        "as_of": on,
        "holder_activity": holder,
        "recipient": to,
        "recipient_activity": activity,
        "initiative": initiative,
        "purpose": None,
        "victim_under_18": victim_under_18,
        "subject_age": age,
        "requested_basis": basis,
        "fields": [field],
    }
    if purpose is not None:
        body["purpose"] = {"code": purpose, "offence": None, "detail": None}
    if offence is not None:
        body["purpose"]["offence"] = payloads.offence(offence, attempt=attempt)
    return query_from_contract_dict(body)


def crime(on: str = "2026-11-23", **changes: Any) -> EvaluationQuery:
    """A request to investigate a committed crime (purpose `investigate_crime`)."""
    return ask(on, purpose="investigate_crime", **changes)


PROCUREMENT: dict[str, Any] = {
    "holder": "procurement_follow_up",
    "category": "supplier_business",
}

Build = Callable[[str], EvaluationQuery]
_OWN: dict[str, Any] = {"initiative": "own_initiative"}
_CHILD_REPORT: dict[str, Any] = {
    "to": "kommun",
    "activity": "social_services",
    "purpose": "report_child_at_risk",
    "holder": "procurement_follow_up",
    **_OWN,
}
_LEX_SARAH: dict[str, Any] = {
    "to": "ivo",
    "purpose": "report_own_activity_wrong",
    **_OWN,
}
_PAID_ASSISTANCE: dict[str, Any] = {
    "to": "csn",
    "purpose": "prevent_incorrect_payment",
    "category": "economic_assistance",
}
_WHEREABOUTS: dict[str, Any] = {"to": "kronofogdemyndigheten", "kind": "whereabouts"}

BUILDERS: dict[str, Build] = {
    "OSL 10:2 a": lambda on: ask(on, to="private", basis="OSL 10:2 a"),
    "OSL 10:15 a": lambda on: ask(on, to="csn", purpose="prevent_incorrect_payment"),
    "OSL 10:18 a": lambda on: ask(on, purpose="prevent_crime", age=17, **_OWN),
    "OSL 10:18 b": lambda on: ask(
        on, to="sakerhetspolisen", purpose="prevent_crime", basis="OSL 10:18 b"
    ),
    "OSL 10:18 c": lambda on: ask(
        on, purpose="prevent_crime", offence=GROVT_OLAGA_HOT_OFFENCE
    ),
    "OSL 10:20": lambda on: ask(on, purpose="immediate_intervention", age=15, **_OWN),
    "OSL 10:21": lambda on: crime(
        on, offence=MISSHANDEL_OFFENCE, victim_under_18=True, **_OWN
    ),
    "OSL 10:22": lambda on: crime(on, offence=NARKOTIKA_OFFENCE, victim_under_18=True),
    "OSL 10:23": lambda on: crime(on, offence=GROV_MISSHANDEL_OFFENCE),
    "OSL 10:24": lambda on: crime(on, offence=BEDRAGERI_OFFENCE, **PROCUREMENT),
    "OSL 10:26": lambda on: ask(
        on,
        to="kronofogdemyndigheten",
        purpose="service_of_documents",
        category="supplier_staff",
        kind="contact_details",
    ),
    "OSL 10:27": lambda on: ask(
        on, to="kronofogdemyndigheten", purpose="debt_enforcement", **PROCUREMENT
    ),
    "SoL 2001:453 12:7": lambda on: ask(on, **_PAID_ASSISTANCE),
    "SoL 2001:453 12:10": lambda on: ask(on, **_WHEREABOUTS),
    "SoL 2001:453 14:1": lambda on: ask(on, **_CHILD_REPORT),
    "SoL 2001:453 14:7": lambda on: ask(on, **_LEX_SARAH),
    "SoL 2025:400 15:4": lambda on: ask(on, **_PAID_ASSISTANCE),
    "SoL 2025:400 15:7": lambda on: ask(on, **_WHEREABOUTS),
    "SoL 2025:400 15:7 p. 2": lambda on: ask(
        on,
        to="skatteverket",
        purpose="protected_population_registration",
        category="adult_client_social",
    ),
    "SoL 2025:400 19:1": lambda on: ask(on, **_CHILD_REPORT),
    "SoL 2025:400 27:6": lambda on: ask(on, **_LEX_SARAH),
    "SoL 2025:400 27:7": lambda on: ask(
        on, to="ivo", purpose="report_supplier_deficiency", **PROCUREMENT, **_OWN
    ),
    "SoL 2025:400 28:5": lambda on: ask(
        on, to="ivo", purpose="supervision_of_discloser"
    ),
    "Lag 2007:612 6 §": lambda on: ask(
        on,
        purpose="report_crime",
        offence=BIDRAGSBROTT_OFFENCE,
        category="economic_assistance",
        **_OWN,
    ),
    "Lag 2008:206 3 §": lambda on: ask(
        on,
        to="forsakringskassan",
        purpose="notify_incorrect_payment",
        category="economic_assistance",
        **_OWN,
    ),
    "FOL 32 c §": lambda on: ask(
        on,
        to="skatteverket",
        purpose="notify_population_register_error",
        category="protected_contact",
        **_OWN,
    ),
    "Lag 2024:307 2 §": lambda on: ask(
        on, to="csn", purpose="prevent_incorrect_payment", **PROCUREMENT
    ),
    "Lag 2025:170 4 §": lambda on: ask(
        on, purpose="crime_fighting", category="child_social", kind="contact_details"
    ),
    "Lag 2025:170 6 §": lambda on: ask(
        on, to="skatteverket", purpose="crime_fighting", **PROCUREMENT, **_OWN
    ),
    "SFB 110:31": lambda on: ask(
        on, to="forsakringskassan", purpose="prevent_incorrect_payment"
    ),
}
