"""Every dated wording of the catalogue decides on its first day and not the day before.

One request per paragraph (BUILDERS) is asked on both sides of every change in the law: the
version in force that day must be among the rules that decided, its predecessor the day
before. A new wording without a request here fails `test_every_dated_paragraph_is_asked`.
"""

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    EvaluationQuery,
    FieldOutcome,
    Rule,
    evaluate,
)
from samverkan_sharing.rules.vocabulary import OSL_IN_FORCE
from services.sharing.tests.rules.asking import (
    BEDRAGERI,
    BIDRAGSBROTT,
    GROV_MISSHANDEL,
    GROVT_OLAGA_HOT,
    MISSHANDEL,
    NARKOTIKA,
    PROCUREMENT,
    ask,
    crime,
)

Build = Callable[[str], EvaluationQuery]
_OWN = {"initiative": "own_initiative"}
_CHILD_REPORT = {
    "to": "kommun",
    "activity": "social_services",
    "purpose": "report_child_at_risk",
    "holder": "procurement_follow_up",
    **_OWN,
}
_LEX_SARAH = {"to": "ivo", "purpose": "report_own_activity_wrong", **_OWN}
_PAID_ASSISTANCE = {
    "to": "csn",
    "purpose": "prevent_incorrect_payment",
    "category": "economic_assistance",
}
_WHEREABOUTS = {"to": "kronofogdemyndigheten", "kind": "whereabouts"}

BUILDERS: dict[str, Build] = {
    "OSL 10:2 a": lambda on: ask(on, to="private", basis="OSL 10:2 a"),
    "OSL 10:15 a": lambda on: ask(on, to="csn", purpose="prevent_incorrect_payment"),
    "OSL 10:18 a": lambda on: ask(on, purpose="prevent_crime", age=17, **_OWN),
    "OSL 10:18 b": lambda on: ask(
        on, to="sakerhetspolisen", purpose="prevent_crime", basis="OSL 10:18 b"
    ),
    "OSL 10:18 c": lambda on: ask(on, purpose="prevent_crime", offence=GROVT_OLAGA_HOT),
    "OSL 10:20": lambda on: ask(on, purpose="immediate_intervention", age=15, **_OWN),
    "OSL 10:21": lambda on: crime(on, offence=MISSHANDEL, victim_under_18=True, **_OWN),
    "OSL 10:22": lambda on: crime(on, offence=NARKOTIKA, victim_under_18=True),
    "OSL 10:23": lambda on: crime(on, offence=GROV_MISSHANDEL),
    "OSL 10:24": lambda on: crime(on, offence=BEDRAGERI, **PROCUREMENT),
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
        offence=BIDRAGSBROTT,
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
ONE_DAY = timedelta(days=1)


def _dated(rule: Rule) -> bool:
    return rule.valid_from > OSL_IN_FORCE or rule.valid_to is not None


def _starts() -> list[object]:
    return [
        pytest.param(
            rule,
            id=f"{rule.citation} – {rule.sfs} from {rule.valid_from} ({rule.id})",
        )
        for rule in CATALOGUE.rules
        if rule.valid_from > OSL_IN_FORCE
    ]


def _ends() -> list[object]:
    return [
        pytest.param(rule, id=f"{rule.citation} – {rule.sfs} until {rule.valid_to}")
        for rule in CATALOGUE.rules
        if rule.valid_to is not None
    ]


def _decided_by(citation: str, on: date) -> tuple[str, ...]:
    return evaluate(BUILDERS[citation](on.isoformat()), CATALOGUE).rule_ids


def test_every_dated_paragraph_is_asked() -> None:
    dated = {rule.citation for rule in CATALOGUE.rules if _dated(rule)}
    assert dated - BUILDERS.keys() == set()


@pytest.mark.parametrize("rule", _starts())
def test_a_wording_decides_from_its_first_day(rule: Rule) -> None:
    assert rule.id in _decided_by(rule.citation, rule.valid_from)
    before = _decided_by(rule.citation, rule.valid_from - ONE_DAY)
    assert rule.id not in before
    predecessors = [
        other.id
        for other in CATALOGUE.rules
        if other.citation == rule.citation
        and other.valid_to == rule.valid_from - ONE_DAY
    ]
    assert set(predecessors) <= set(before)


@pytest.mark.parametrize("rule", _ends())
def test_a_wording_decides_until_its_last_day(rule: Rule) -> None:
    assert rule.valid_to is not None
    assert rule.id in _decided_by(rule.citation, rule.valid_to)
    assert rule.id not in _decided_by(rule.citation, rule.valid_to + ONE_DAY)


def test_every_rule_version_decides_some_request() -> None:
    """The requests above reach every wording of every paragraph they ask about."""
    reached = {
        rule_id
        for rule in CATALOGUE.rules
        if rule.citation in BUILDERS
        for rule_id in _decided_by(rule.citation, rule.valid_from)
    }
    asked = {rule.id for rule in CATALOGUE.rules if rule.citation in BUILDERS}
    assert asked - reached == set()


@pytest.mark.parametrize(
    "rule",
    [pytest.param(r, id=r.id) for r in CATALOGUE.rules if r.flags],
)
def test_an_unverified_wording_never_releases(rule: Rule) -> None:
    """A point not read in statute text goes to a lawyer (issue: law from its source)."""
    decision = evaluate(BUILDERS[rule.citation](rule.valid_from.isoformat()), CATALOGUE)
    (field,) = decision.fields
    assert field.outcome is FieldOutcome.NEEDS_ASSESSMENT
    assert set(rule.flags) <= set(decision.flags)
