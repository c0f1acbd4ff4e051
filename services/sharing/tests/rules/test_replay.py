"""Replaying stored decisions against a proposed catalogue or another day."""

import dataclasses
import json
from datetime import date
from typing import Any

from samverkan_sharing.rules import (
    CATALOGUE,
    Catalogue,
    Change,
    EvaluationQuery,
    catalogue_from_json,
    catalogue_to_json,
    evaluate,
    query_from_contract_dict,
    replay,
)
from tests.support.payloads import GROVT_BEDRAGERI_OFFENCE, investigate_crime

CHILD_FRAUD_QUERY: dict[str, Any] = {
    "as_of": "2025-03-31",
    "holder_activity": "social_services",
    "recipient": "polismyndigheten",
    "recipient_activity": None,
    "initiative": "request",
    "purpose": investigate_crime(GROVT_BEDRAGERI_OFFENCE, detail=None),
    "victim_under_18": False,
    "subject_age": None,
    "requested_basis": None,
    "fields": [
        {"name": "persons", "category": "child_social"},
        {"name": "supplier.org_number", "category": "supplier_company"},
    ],
}


def stored(
    decision_id: str, query: EvaluationQuery, catalogue: Catalogue = CATALOGUE
) -> Any:
    return (decision_id, query, evaluate(query, catalogue).to_contract_dict())


def test_same_catalogue_same_day_changes_nothing() -> None:
    query = query_from_contract_dict(CHILD_FRAUD_QUERY)
    assert replay([stored("d1", query)], CATALOGUE) == []


def test_redating_to_after_2025_04_01_releases_under_new_10_23() -> None:
    query = query_from_contract_dict(CHILD_FRAUD_QUERY)
    changes = replay([stored("d1", query)], CATALOGUE, as_of=date(2025, 4, 1))
    assert changes == [
        Change(
            decision_id="d1",
            field="persons",
            old_outcome="withhold",
            new_outcome="release",
            old_basis=(),
            new_basis=("OSL 10:23",),
            old_catalogue=CATALOGUE.version,
            new_catalogue=CATALOGUE.version,
        )
    ]
    assert changes[0].to_dict() == {
        "decision_id": "d1",
        "field": "persons",
        "old_outcome": "withhold",
        "new_outcome": "release",
        "old_basis": [],
        "new_basis": ["OSL 10:23"],
        "old_catalogue": CATALOGUE.version,
        "new_catalogue": CATALOGUE.version,
    }


def test_a_proposed_catalogue_that_raises_the_threshold_is_caught() -> None:
    query = query_from_contract_dict(dict(CHILD_FRAUD_QUERY, as_of="2026-11-23"))
    data = json.loads(catalogue_to_json(CATALOGUE))
    for rule in data["rules"]:
        if rule["id"] == "osl-10-23-2025":
            rule["conditions"]["min_penalty_months"] = 12
    proposed = catalogue_from_json(json.dumps(data))
    changes = replay([stored("d7", query)], proposed)
    assert [(c.field, c.old_outcome, c.new_outcome) for c in changes] == [
        ("persons", "release", "needs_assessment")
    ]
    assert changes[0].new_basis == ("OSL 10:15 a",)


def test_basis_changes_are_listed_only_when_asked() -> None:
    query = query_from_contract_dict(dict(CHILD_FRAUD_QUERY, as_of="2026-11-23"))
    renamed = Catalogue(
        version="proposal",
        rules=tuple(
            dataclasses.replace(rule, citation="OSL 6:5 (ny)")
            if rule.id == "osl-6-5-2009"
            else rule
            for rule in CATALOGUE.rules
        ),
    )
    record = stored("d2", query)
    assert replay([record], renamed) == []
    (change,) = replay([record], renamed, include_basis_changes=True)
    assert (change.field, change.old_basis, change.new_basis) == (
        "supplier.org_number",
        ("OSL 6:5",),
        ("OSL 6:5 (ny)",),
    )


def test_every_stored_decision_is_replayed() -> None:
    old = query_from_contract_dict(CHILD_FRAUD_QUERY)
    new = query_from_contract_dict(dict(CHILD_FRAUD_QUERY, as_of="2026-11-23"))
    changes = replay(
        [stored("a", old), stored("b", new), stored("c", old)],
        CATALOGUE,
        as_of=date(2026, 1, 1),
    )
    assert [change.decision_id for change in changes] == ["a", "c"]
