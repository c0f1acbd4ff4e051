"""Reading and writing the contract body; bad input names the offending field."""

from datetime import date
from typing import Any

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    Category,
    InvalidQuery,
    PurposeCode,
    Recipient,
    evaluate,
    query_from_contract_dict,
)
from tests.support.payloads import CONTRACT_EXAMPLE


def test_contract_body_round_trips() -> None:
    query = query_from_contract_dict(CONTRACT_EXAMPLE)
    assert query.recipient is Recipient.POLISMYNDIGHETEN
    assert query.purpose is not None
    assert query.purpose.code is PurposeCode.INVESTIGATE_CRIME
    assert query.fields[0].category is Category.CHILD_SOCIAL
    assert query.to_contract_dict() == CONTRACT_EXAMPLE


def test_as_of_defaults_to_the_given_day() -> None:
    body = {key: value for key, value in CONTRACT_EXAMPLE.items() if key != "as_of"}
    assert query_from_contract_dict(body, today=date(2026, 1, 2)).as_of == date(
        2026, 1, 2
    )
    with pytest.raises(InvalidQuery, match=r"^as_of: required"):
        query_from_contract_dict(body)


def changed(path: list[Any], value: Any) -> dict[str, Any]:
    body: Any = {
        **CONTRACT_EXAMPLE,
        "purpose": {
            **CONTRACT_EXAMPLE["purpose"],
            "offence": dict(CONTRACT_EXAMPLE["purpose"]["offence"]),
        },
        "fields": [dict(f) for f in CONTRACT_EXAMPLE["fields"]],
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
        pytest.param(
            ["as_of"],
            "2009-06-29",
            r"^as_of: 2009-06-29 is before OSL \(2009:400\) came into force on"
            r" 2009-06-30; sekretesslagen \(1980:100\) that applied then is out of scope$",
            id="OSL 2009:400 – a day before it came into force",
        ),
        pytest.param(
            ["purpose", "offence", "reference"],
            "9:3",
            r"^purpose\.offence\.reference: not an offence reference: '9:3'; use 'BrB"
            r" <chapter>:<section>'",
            id="an offence reference without its law",
        ),
        pytest.param(
            ["purpose", "offence", "reference"],
            "BrB",
            r"^purpose\.offence\.reference: not an offence reference",
            id="BrB without a chapter cannot meet OSL 10:21's chapter test",
        ),
        pytest.param(
            ["fields", 0, "kind"],
            "address",
            r"^fields\[0\]\.kind: unknown value 'address'; one of whereabouts,"
            r" contact_details$",
            id="unknown field kind",
        ),
        pytest.param(
            ["fields"],
            [{"name": f"f{i}", "category": "supplier_company"} for i in range(201)],
            r"^fields: at most 200 fields in one request$",
            id="more fields than a real request has",
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


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        pytest.param("BrB 4 kap.", "BrB 4", id="a chapter of brottsbalken"),
        pytest.param("brottsbalken 4 kap. 7 §", "BrB 4:7", id="chapter and section"),
        pytest.param("BrB 9 kap 3§", "BrB 9:3", id="spacing and a missing full stop"),
        pytest.param(
            "Bidragsbrottslag (2007:612) 3 §", "Lag 2007:612 3 §", id="by SFS"
        ),
        pytest.param("SFS 2014:307 5 §", "Lag 2014:307 5 §", id="penningtvätt by SFS"),
    ],
)
def test_offence_references_are_normalised(written: str, normal: str) -> None:
    query = query_from_contract_dict(
        changed(["purpose", "offence", "reference"], written)
    )
    assert query.purpose is not None
    assert query.purpose.offence is not None
    assert query.purpose.offence.reference == normal


def test_a_chapter_reference_meets_the_10_21_chapter_test() -> None:
    """OSL 10:21 covers crimes in BrB 3, 4 or 6 kap.: 'BrB 4 kap.' is such a crime."""
    body = changed(["purpose", "offence", "reference"], "BrB 4 kap.")
    body = {**body, "as_of": "2026-01-10", "victim_under_18": True}
    decision = evaluate(query_from_contract_dict(body), CATALOGUE)
    assert decision.fields[0].legal_basis == ("OSL 10:21",)
