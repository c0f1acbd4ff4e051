"""The shipped catalogue validates; validation catches every kind of problem; JSON."""

import dataclasses
import itertools
import json
from datetime import date, timedelta
from pathlib import Path

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
from samverkan_sharing.rules.catalogue_doc import catalogue_markdown
from samverkan_sharing.rules.provisions import Provision, parse_provisions, parse_spec

RULE_10_23 = CATALOGUE.rule("osl-10-23-2025")


def test_shipped_catalogue_validates() -> None:
    validate_catalogue(CATALOGUE.rules)
    assert CATALOGUE.version == CATALOGUE_VERSION


def test_every_citation_uses_the_contract_form() -> None:
    prefixes = ("OSL ", "SoL 2025:400 ", "SoL 2001:453 ", "Lag ", "FOL ", "SFB ")
    assert all(rule.citation.startswith(prefixes) for rule in CATALOGUE.rules)


# Paragraphs of repealed laws end with their law; the rest are in force today.
_REPEALED = {"SoL 2001:453": date(2025, 6, 30)}


def test_every_paragraph_s_wordings_follow_each_other_without_a_gap() -> None:
    citations = sorted({rule.citation for rule in CATALOGUE.rules})
    for citation in citations:
        versions = sorted(
            (r for r in CATALOGUE.rules if r.citation == citation),
            key=lambda r: r.valid_from,
        )
        for older, newer in itertools.pairwise(versions):
            assert older.valid_to is not None
            assert newer.valid_from - older.valid_to == timedelta(days=1), citation
        law = " ".join(citation.split()[:2])
        assert versions[-1].valid_to == _REPEALED.get(law), citation


def test_10_23_is_dated_from_2009_with_every_amendment() -> None:
    """OSL 10:23 in each wording of the amendment register (issue #15: not from 2023)."""
    versions = sorted(
        (r for r in CATALOGUE.rules if r.citation == "OSL 10:23"),
        key=lambda r: r.valid_from,
    )
    assert [(v.valid_from.isoformat(), v.sfs) for v in versions] == [
        ("2009-06-30", "SFS 2009:400"),
        ("2012-07-01", "SFS 2012:288"),
        ("2013-12-01", "SFS 2013:795"),
        ("2015-01-01", "SFS 2014:633"),
        ("2022-01-01", "SFS 2021:644"),
        ("2023-01-01", "SFS 2022:916"),
        ("2023-01-02", "SFS 2022:1495"),
        ("2025-04-01", "SFS 2025:179"),
    ]
    assert [v.conditions.min_penalty_months for v in versions] == [12] * 7 + [6]


def test_every_rule_names_its_sfs_text_and_what_was_verified() -> None:
    for rule in CATALOGUE.rules:
        assert rule.sfs.startswith("SFS "), rule.id
        assert rule.url.startswith("https://"), rule.id
        assert rule.verified, rule.id


def test_rules_in_force_follow_the_date_and_section_8_order() -> None:
    ids = [rule.id for rule in CATALOGUE.rules_in_force(date(2025, 3, 31))]
    assert "osl-10-23-2023-01-02" in ids
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
            "rule 'osl-10-23-2025': source 'memory' is not a known source",
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
        pytest.param(
            (broken(RULE_10_23, sfs=""),),
            "rule 'osl-10-23-2025': sfs missing",
            id="no SFS number",
        ),
        pytest.param(
            (broken(RULE_10_23, judgement="'anledning att anta'"),),
            "rule 'osl-10-23-2025': its text needs a judgement (\"'anledning att"
            " anta'\") but it names no standard",
            id="a judgement without a standard could release",
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
    described = describe(RULE_10_23)
    assert {key: described[key] for key in _SOURCE_KEYS} == {
        "id": "osl-10-23-2025",
        "legal_reference": "OSL 10:23",
        "sfs": "SFS 2025:179",
        "url": "https://svenskforfattningssamling.se/doc/2025179.html",
        "valid_from": "2025-04-01",
        "valid_to": None,
        "verified": "SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS"
        " 2025:1508)",
        "unverified": [],
        "text_needs_judgement": False,
        "judgement": None,
        "relevance": "'av betydelse för utredningen av ett begånget brott'",
        "needs": ["purpose.offence"],
    }
    assert described["recipients_needing_judgement"] == [
        "kustbevakningen",
        "skatteverket",
        "tullverket",
    ]
    assert "OSL 26:1" in described["breaks"]
    assert described["conditions"]["min_penalty_months"] == 6
    assert described["conditions"]["attempt_min_penalty_months"] == 12


_SOURCE_KEYS = (
    "id",
    "legal_reference",
    "sfs",
    "url",
    "valid_from",
    "valid_to",
    "verified",
    "unverified",
    "text_needs_judgement",
    "judgement",
    "relevance",
    "needs",
)


def test_describe_says_which_rules_need_a_judgement_and_which_keys() -> None:
    described = describe(CATALOGUE.rule("sol-27-7-2026"))
    assert described["text_needs_judgement"] is True
    assert "allvarliga brister" in described["judgement"]
    assert describe(CATALOGUE.rule("osl-10-18-a-2025"))["needs"] == ["subject_age"]
    assert describe(CATALOGUE.rule("osl-10-21-2025"))["needs"] == [
        "purpose.offence",
        "victim_under_18",
    ]
    assert describe(CATALOGUE.rule("sol-15-7-2025"))["needs"] == ["fields[].kind"]


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


def test_the_catalogue_document_in_the_repository_is_the_catalogue() -> None:
    """docs/rules.md lists every rule with its source; regenerate it with
    `samverkan rules doc > docs/rules.md` when the catalogue changes."""
    document = Path(__file__).parents[4] / "docs" / "rules.md"
    assert document.read_text(encoding="utf-8") == catalogue_markdown(CATALOGUE)
    for rule in CATALOGUE.rules:
        assert f"**{rule.id}**" in document.read_text(encoding="utf-8")
