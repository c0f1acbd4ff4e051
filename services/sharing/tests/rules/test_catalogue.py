"""The shipped catalogue validates; validation catches every kind of problem; JSON."""

import dataclasses
import json
from datetime import date

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    CATALOGUE_VERSION,
    Catalogue,
    InvalidCatalogue,
    Rule,
    catalogue_from_json,
    catalogue_to_json,
    describe,
    validate_catalogue,
)
from samverkan_sharing.rules.provisions import Provision, parse_provisions, parse_spec

RULE_10_23 = CATALOGUE.rule("osl-10-23-2025")


def test_shipped_catalogue_validates() -> None:
    validate_catalogue(CATALOGUE.rules)
    assert CATALOGUE.version == CATALOGUE_VERSION


def test_every_citation_uses_the_contract_form() -> None:
    prefixes = ("OSL ", "SoL 2025:400 ", "Lag ", "FOL ")
    assert all(rule.citation.startswith(prefixes) for rule in CATALOGUE.rules)


def test_10_23_and_10_24_have_two_dated_wordings() -> None:
    for citation, change in (
        ("OSL 10:23", date(2025, 4, 1)),
        ("OSL 10:24", date(2025, 4, 1)),
    ):
        versions = sorted(
            (r for r in CATALOGUE.rules if r.citation == citation),
            key=lambda r: r.valid_from,
        )
        assert [v.valid_to for v in versions] == [date(2025, 3, 31), None]
        assert versions[1].valid_from == change


def test_rules_in_force_follow_the_date_and_section_8_order() -> None:
    ids = [rule.id for rule in CATALOGUE.rules_in_force(date(2025, 3, 31))]
    assert "osl-10-23-2023" in ids
    assert "osl-10-23-2025" not in ids
    assert "osl-10-15-a-2025" not in ids
    assert ids[0] == "osl-6-5-2009"
    assert ids[-1] == "osl-10-27-2022"


def broken(rule: Rule, **changes: object) -> Rule:
    return dataclasses.replace(rule, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        pytest.param(
            (RULE_10_23, broken(RULE_10_23, citation="OSL 10:99")),
            "duplicate rule id 'osl-10-23-2025'",
            id="duplicate id",
        ),
        pytest.param(
            (broken(RULE_10_23, citation=""),),
            "rule 'osl-10-23-2025': citation missing",
            id="missing citation",
        ),
        pytest.param(
            (broken(RULE_10_23, source="memory"),),
            "rule 'osl-10-23-2025': source 'memory' is not in §0",
            id="unknown source",
        ),
        pytest.param(
            (broken(RULE_10_23, valid_to=date(2025, 1, 1)),),
            "rule 'osl-10-23-2025': valid_to 2025-01-01 is before valid_from 2025-04-01",
            id="valid_to before valid_from",
        ),
        pytest.param(
            (
                RULE_10_23,
                broken(RULE_10_23, id="osl-10-23-x", valid_from=date(2025, 1, 1)),
            ),
            "OSL 10:23: 'osl-10-23-2025' and 'osl-10-23-x' are both in force on some day",
            id="overlapping validity for one citation",
        ),
        pytest.param(
            (broken(RULE_10_23, recipients=frozenset()),),
            "rule 'osl-10-23-2025': no recipients",
            id="no recipients",
        ),
    ],
)
def test_validation_catches(rules: tuple[Rule, ...], problem: str) -> None:
    with pytest.raises(InvalidCatalogue) as caught:
        validate_catalogue(rules)
    assert caught.value.problems == [problem]


def test_validation_lists_every_problem() -> None:
    rules = (broken(RULE_10_23, title="", valid_to=date(2020, 1, 1)),) * 2
    with pytest.raises(InvalidCatalogue) as caught:
        Catalogue(version="", rules=rules)
    assert caught.value.problems == [
        "catalogue version missing",
        "duplicate rule id 'osl-10-23-2025'",
        "rule 'osl-10-23-2025': title missing",
        "rule 'osl-10-23-2025': valid_to 2020-01-01 is before valid_from 2025-04-01",
        "rule 'osl-10-23-2025': title missing",
        "rule 'osl-10-23-2025': valid_to 2020-01-01 is before valid_from 2025-04-01",
    ]


def test_json_round_trip() -> None:
    text = catalogue_to_json(CATALOGUE)
    assert catalogue_from_json(text) == CATALOGUE
    assert catalogue_to_json(catalogue_from_json(text)) == text


def test_proposed_catalogue_from_json_is_validated() -> None:
    data = json.loads(catalogue_to_json(CATALOGUE))
    data["rules"].append(dict(data["rules"][0]))
    data["rules"][1]["recipients"] = ["nobody"]
    with pytest.raises(InvalidCatalogue) as caught:
        catalogue_from_json(json.dumps(data))
    assert caught.value.problems == [
        "rules[1]: ValueError: 'nobody' is not a valid Recipient"
    ]


def test_proposed_catalogue_with_duplicate_is_refused() -> None:
    data = json.loads(catalogue_to_json(CATALOGUE))
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(InvalidCatalogue, match="duplicate rule id"):
        catalogue_from_json(json.dumps(data))


@pytest.mark.parametrize("text", ["not json", "[]", '{"rules": 3}'])
def test_malformed_catalogue_json(text: str) -> None:
    with pytest.raises(InvalidCatalogue):
        catalogue_from_json(text)


def test_describe_10_23() -> None:
    assert describe(RULE_10_23) == {
        "id": "osl-10-23-2025",
        "title": "Committed crime, strong secrecy, minimum six months",
        "legal_reference": "OSL 10:23",
        "legal_basis": ["OSL 10:23"],
        "recipients": [
            "aklagarmyndigheten",
            "ekobrottsmyndigheten",
            "polismyndigheten",
            "sakerhetspolisen",
        ],
        "recipients_needing_judgement": ["skatteverket", "tullverket"],
        "breaks": [
            "OSL 24:2 a",
            "OSL 24:8",
            "OSL 25:1",
            "OSL 25:2 st. 2",
            "OSL 25:3-8",
            "OSL 26:1",
            "OSL 26:1 a st. 2",
            "OSL 26:2-6",
            "OSL 31:1 st. 1",
            "OSL 31:2",
            "OSL 31:12",
            "OSL 33:2",
            "OSL 33:4 a",
            "OSL 36:3",
            "OSL 40:2",
            "OSL 40:5",
        ],
        "excludes": [],
        "categories": [
            "adult_client_social",
            "child_social",
            "economic_assistance",
            "health_care",
            "supplier_staff",
            "tipster_social",
        ],
        "conditions": {
            "initiatives": ["own_initiative", "request"],
            "purposes": ["investigate_crime"],
            "holder_activities": None,
            "recipient_activities": None,
            "categories": None,
            "min_penalty_months": 6,
            "attempt_min_penalty_months": 12,
            "imprisonment_in_scale": False,
            "offence_references": [],
            "victim_under_18": False,
            "max_subject_age": None,
        },
        "manual_assessment": False,
        "manual_assessment_for": [],
        "assessment": None,
        "valid_from": "2025-04-01",
        "valid_to": None,
        "source": "SRC-OSL",
        "flags": [],
        "note": "SFS 2025:179; attempts only if the completed crime's minimum is a year.",
    }


def test_describe_names_any_authority_and_non_secret_rules() -> None:
    described = describe(CATALOGUE.rule("osl-6-5-2009"))
    assert described["recipients"] == "any_authority"
    assert described["breaks"] == ["not secret only"]
    assert described["categories"] == ["supplier_company", "supplier_staff"]
    assert describe(CATALOGUE.rule("osl-10-2-2009"))["recipients"] == "anyone"


def test_the_general_clause_breaks_no_social_or_health_category() -> None:
    categories = describe(CATALOGUE.rule("osl-10-27-2022"))["categories"]
    assert "child_social" in categories  # only as 21:1 at a procurement unit
    rule = CATALOGUE.rule("osl-10-27-2022")
    for text in ("OSL 25:1", "OSL 25:8", "OSL 26:1", "OSL 26:1 a", "OSL 26:6"):
        (provision,) = parse_provisions(text)
        assert any(spec.matches(provision, conservative=True) for spec in rule.excludes)


@pytest.mark.parametrize(
    ("spec", "provision", "conservative", "matches"),
    [
        pytest.param("25:1-8", "OSL 25:3 a", False, True, id="run takes inserted 3 a"),
        pytest.param("26:1-6", "OSL 26:6 a", False, False, id="run ends before 6 a"),
        pytest.param(
            "25:2 st. 2", "OSL 25:2", True, True, id="paragraph unknown, exclusion"
        ),
        pytest.param(
            "25:2 st. 2", "OSL 25:2", False, False, id="paragraph unknown, break"
        ),
        pytest.param("21-40", "OSL 19:3", False, False, id="19:3 outside 21-40 kap."),
        pytest.param("*", "OSL 19:3", False, True, id="* takes everything"),
        pytest.param("26:1 a st. 1", "OSL 26:1", True, False, id="1 a is not 1"),
    ],
)
def test_provision_matching(
    spec: str, provision: str, conservative: bool, matches: bool
) -> None:
    (parsed,) = parse_provisions(provision)
    assert parse_spec(spec).matches(parsed, conservative=conservative) is matches


def test_explicit_secrecy_is_parsed() -> None:
    assert parse_provisions("OSL 26:1, 21:3") == (Provision(21, 3), Provision(26, 1))
    assert parse_provisions("none") == ()
    assert parse_provisions("OSL 32:3 b") == (Provision(32, 3, "b"),)
