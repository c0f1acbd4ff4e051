"""Every dated wording of the catalogue decides on its first day and not the day before.

One request per paragraph (BUILDERS, in tests/support/rule_queries.py) is asked on both
sides of every change in the law: the version in force that day must be among the rules
that decided, its predecessor the day before. A new wording without a request there fails
`test_every_dated_paragraph_is_asked`.
"""

from datetime import date, timedelta

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    FieldOutcome,
    Rule,
    evaluate,
)
from samverkan_sharing.rules.vocabulary import OSL_IN_FORCE
from tests.support.rule_queries import BUILDERS

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
