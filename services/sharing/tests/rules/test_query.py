"""Reading and writing the contract body; bad input names the offending field."""

from datetime import date
from typing import Any

import pytest

from samverkan_sharing.rules import (
    Category,
    InvalidQuery,
    PurposeCode,
    Recipient,
    query_from_contract_dict,
)

BODY: dict[str, Any] = {
    "as_of": "2026-11-23",
    "holder_activity": "social_services",
    "recipient": "polismyndigheten",
    "recipient_activity": None,
    "initiative": "request",
    "purpose": {
        "code": "investigate_crime",
        "offence": {
            "name": "grovt bedrägeri",
            "reference": "BrB 9:3",
            "min_penalty_months": 6,
            "max_penalty_months": 72,
            "attempt": False,
        },
        "detail": "free text",
    },
    "victim_under_18": False,
    "subject_age": None,
    "requested_basis": None,
    "fields": [
        {"name": "persons", "category": "child_social", "secrecy": "OSL 26:1"},
        {"name": "supplier.org_number", "category": "supplier_company"},
    ],
}


def test_contract_body_round_trips() -> None:
    query = query_from_contract_dict(BODY)
    assert query.recipient is Recipient.POLISMYNDIGHETEN
    assert query.purpose is not None
    assert query.purpose.code is PurposeCode.INVESTIGATE_CRIME
    assert query.fields[0].category is Category.CHILD_SOCIAL
    assert query.to_contract_dict() == BODY


def test_as_of_defaults_to_the_given_day() -> None:
    body = {key: value for key, value in BODY.items() if key != "as_of"}
    assert query_from_contract_dict(body, today=date(2026, 1, 2)).as_of == date(
        2026, 1, 2
    )
    with pytest.raises(InvalidQuery, match=r"^as_of: required"):
        query_from_contract_dict(body)


def changed(path: list[Any], value: Any) -> dict[str, Any]:
    body: Any = {
        **BODY,
        "purpose": {**BODY["purpose"], "offence": dict(BODY["purpose"]["offence"])},
        "fields": [dict(f) for f in BODY["fields"]],
    }
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return dict(body)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            ["fields", 0, "category"],
            "child",
            r"^fields\[0\]\.category: unknown",
            id="unknown category",
        ),
        pytest.param(
            ["recipient"],
            "polisen",
            r"^recipient: unknown value 'polisen'",
            id="unknown recipient",
        ),
        pytest.param(
            ["holder_activity"],
            None,
            r"^holder_activity: required$",
            id="missing holder activity",
        ),
        pytest.param(
            ["purpose", "code"],
            "curiosity",
            r"^purpose\.code: unknown",
            id="unknown purpose",
        ),
        pytest.param(
            ["purpose", "offence", "min_penalty_months"],
            -1,
            r"^purpose\.offence\.min_penalty_months: must be between",
            id="negative penalty",
        ),
        pytest.param(
            ["purpose", "offence", "max_penalty_months"],
            3,
            r"^purpose\.offence\.max_penalty_months: is below",
            id="max below min",
        ),
        pytest.param(
            ["purpose", "offence", "attempt"],
            "no",
            r"^purpose\.offence\.attempt: must be true or false",
            id="attempt",
        ),
        pytest.param(
            ["fields", 1, "secrecy"],
            "secret!",
            r"^fields\[1\]\.secrecy: not an OSL",
            id="unreadable secrecy",
        ),
        pytest.param(
            ["fields", 1, "name"],
            "persons",
            r"^fields\[1\]\.name: duplicate",
            id="duplicate field",
        ),
        pytest.param(
            ["fields"], [], r"^fields: must be a non-empty list", id="no fields"
        ),
        pytest.param(
            ["as_of"], "23/11/2026", r"^as_of: not an ISO date", id="bad date"
        ),
        pytest.param(
            ["subject_age"], "17", r"^subject_age: must be an age", id="age text"
        ),
        pytest.param(
            ["victim_under_18"],
            None,
            r"^victim_under_18: must be true",
            id="victim null",
        ),
        pytest.param(
            ["surprise"], 1, r"^body\.surprise: unknown field", id="unknown key"
        ),
    ],
)
def test_invalid_input_names_the_field(
    path: list[Any], value: Any, message: str
) -> None:
    with pytest.raises(InvalidQuery, match=message):
        query_from_contract_dict(changed(path, value))


def test_invalid_query_is_a_value_error() -> None:
    assert issubclass(InvalidQuery, ValueError)
