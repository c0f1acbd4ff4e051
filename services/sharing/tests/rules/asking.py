"""Requests in the evaluation contract's shape, for the table-driven legal tests."""

from typing import Any

from samverkan_sharing.rules import EvaluationQuery, query_from_contract_dict

# (name, reference, minimum and maximum penalty in months), as BrB and the penal laws say.
GROVT_BEDRAGERI = ("grovt bedrägeri", "BrB 9:3", 6, 72)
BEDRAGERI = ("bedrägeri", "BrB 9:1", 0.5, 24)
MISSHANDEL = ("misshandel", "BrB 3:5", 0, 24)
GROV_MISSHANDEL = ("grov misshandel", "BrB 3:6", 18, 72)
GROVT_OLAGA_HOT = ("grovt olaga hot", "BrB 4:5", 12, 48)
OAKTSAMT_TYSTNAD = ("oaktsamt brott mot tystnadsplikt", "BrB 20:3", 0, 0)
NARKOTIKA = ("narkotikabrott genom överlåtelse", "Lag 1968:64 1 §", 0, 36)
BIDRAGSBROTT = ("bidragsbrott", "Lag 2007:612 2 §", 0.5, 24)


def ask(
    on: str = "2026-11-23",
    *,
    holder: str = "social_services",
    to: str = "polismyndigheten",
    initiative: str = "request",
    purpose: str | None = None,
    offence: tuple[str, str, float, float] | None = None,
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
        name, reference, low, high = offence
        body["purpose"]["offence"] = {
            "name": name,
            "reference": reference,
            "min_penalty_months": low,
            "max_penalty_months": high,
            "attempt": attempt,
        }
    return query_from_contract_dict(body)


def crime(on: str = "2026-11-23", **changes: Any) -> EvaluationQuery:
    """A request to investigate a committed crime (purpose `investigate_crime`)."""
    return ask(on, purpose="investigate_crime", **changes)


PROCUREMENT: dict[str, Any] = {
    "holder": "procurement_follow_up",
    "category": "supplier_business",
}
