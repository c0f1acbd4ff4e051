"""Table-driven legal cases: each rule applies once and refuses once, by paragraph.

The tables are in tests/support/rule_cases/, a module for each family of law;
test_date_flips.py asks the same queries on both sides of a change in the law.
"""

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    EvaluationQuery,
    FieldOutcome,
    Outcome,
    evaluate,
    overall_outcome,
    query_from_contract_dict,
)
from tests.support.payloads import (
    BEDRAGERI_OFFENCE,
    CONTRACT_EXAMPLE,
    GROVT_BEDRAGERI_OFFENCE,
    investigate_crime,
)
from tests.support.rule_cases import (
    only_field,
    osl_crime,
    osl_general,
    social_services,
    special_laws,
)
from tests.support.rule_queries import BUILDERS, PROCUREMENT, ask, crime

APPLIES = (
    osl_general.APPLIES
    + osl_crime.APPLIES
    + social_services.APPLIES
    + special_laws.APPLIES
)
REFUSES = (
    osl_general.REFUSES
    + osl_crime.REFUSES
    + social_services.REFUSES
    + special_laws.REFUSES
)


@pytest.mark.parametrize(("query", "outcome", "basis", "assessment"), APPLIES + REFUSES)
def test_rule_table(
    query: EvaluationQuery, outcome: str, basis: list[str], assessment: str | None
) -> None:
    assert only_field(evaluate(query, CATALOGUE)) == (outcome, basis, assessment)


def test_every_rule_version_applies_in_some_case() -> None:
    """This table and the dated requests of test_wordings reach every rule version."""
    used = {
        rule_id
        for case in APPLIES
        for rule_id in evaluate(case.values[0], CATALOGUE).rule_ids  # type: ignore[arg-type]
    }
    dated = {rule.id for rule in CATALOGUE.rules if rule.citation in BUILDERS}
    assert {rule.id for rule in CATALOGUE.rules} - used - dated == set()


class TestNonAuthorities:
    """OSL's rules reach only authorities; Adda is treated as private (§2, §4.5)."""

    @pytest.mark.parametrize("recipient", ["private", "adda"])
    @pytest.mark.parametrize(
        "category",
        [
            "child_social",
            "supplier_business",
            "procurement_case",
            "tipster_whistleblower",
            "protected_contact",
        ],
    )
    def test_secret_data_is_withheld(self, recipient: str, category: str) -> None:
        decision = evaluate(
            crime(
                to=recipient,
                offence=GROVT_BEDRAGERI_OFFENCE,
                category=category,
                holder="procurement_follow_up",
            ),
            CATALOGUE,
        )
        assert only_field(decision) == ("withhold", [], None)
        assert "is not an authority" in decision.fields[0].reason

    def test_non_secret_data_is_released(self) -> None:
        decision = evaluate(ask(to="private", category="supplier_company"), CATALOGUE)
        assert only_field(decision) == ("release", ["OSL 8:1"], None)

    def test_adda_is_flagged(self) -> None:
        decision = evaluate(ask(to="adda", category="supplier_company"), CATALOGUE)
        assert decision.flags == ("adda_authority_status",)

    def test_claimed_necessity_goes_to_a_human(self) -> None:
        decision = evaluate(ask(to="adda", basis="osl 10:2", **PROCUREMENT), CATALOGUE)
        assert only_field(decision) == ("needs_assessment", ["OSL 10:2"], "necessity")


class TestReasons:
    """Reasons are sentences citing the paragraph that decided."""

    def test_threshold_refusal_cites_the_paragraph_and_its_date(self) -> None:
        decision = evaluate(crime("2025-06-01", offence=BEDRAGERI_OFFENCE), CATALOGUE)
        assert decision.fields[0].reason == (
            "No rule releases OSL 26:1 to polismyndigheten:"
            " Lag 2025:170 6 § does not apply to OSL 26:1 (expressly excluded);"
            " OSL 10:21 covers only crimes under BrB 3, BrB 4, BrB 6, Lag 1982:316;"
            " not BrB 9:1 bedrägeri; OSL 10:22 covers only crimes under Lag 1968:64,"
            " Lag 1991:1969, Lag 2010:1622; not BrB 9:1 bedrägeri; OSL 10:23 needs a"
            " minimum penalty of six months (wording in force from 2025-04-01);"
            " BrB 9:1 bedrägeri has 14 days; OSL 10:24 does not apply to OSL 26:1"
            " (expressly excluded); OSL 10:27 does not apply to OSL 26:1 (expressly"
            " excluded)."
        )

    def test_refusal_without_a_near_rule_names_day_and_purpose(self) -> None:
        decision = evaluate(
            ask("2012-12-31", to="csn", initiative="own_initiative", age=17), CATALOGUE
        )
        assert decision.fields[0].reason == (
            "No rule releases OSL 26:1 to csn: no rule in force on 2012-12-31 reaches"
            " csn on own_initiative for no stated purpose."
        )

    def test_a_relevance_limit_is_said_in_the_reason(self) -> None:
        decision = evaluate(crime(offence=GROVT_BEDRAGERI_OFFENCE), CATALOGUE)
        assert decision.fields[0].reason.endswith(
            " OSL 10:23 reaches only data 'av betydelse för utredningen av ett begånget"
            " brott': whether this field is, is the officer's to check."
        )
        assert decision.fields[0].flags == ("relevance_to_check",)

    def test_a_judgement_is_quoted_in_the_reason(self) -> None:
        decision = evaluate(
            ask(
                "2026-02-01",
                to="ivo",
                initiative="own_initiative",
                purpose="report_supplier_deficiency",
                **PROCUREMENT,
            ),
            CATALOGUE,
        )
        assert "the text asks a person to judge: 'finns anledning att anta" in (
            decision.fields[0].reason
        )

    def test_release_reason_names_the_rule(self) -> None:
        decision = evaluate(crime(offence=GROVT_BEDRAGERI_OFFENCE), CATALOGUE)
        assert decision.fields[0].reason.startswith("OSL 10:23 (")
        assert "BrB 9:3 grovt bedrägeri has a minimum of six months" in (
            decision.fields[0].reason
        )


class TestOpenQuestions:
    """Decisions carry the open points docs/rules.md lists."""

    def test_10_15_a_for_a_committed_crime_flags_the_endast_question(self) -> None:
        decision = evaluate(
            crime(to="ekobrottsmyndigheten", offence=BEDRAGERI_OFFENCE), CATALOGUE
        )
        assert only_field(decision) == (
            "needs_assessment",
            ["OSL 10:15 a"],
            "overriding_reasons",
        )
        assert decision.flags == ("open_question_10_23_endast", "relevance_to_check")

    def test_fol_32_c_flags_its_unverified_date(self) -> None:
        decision = evaluate(
            ask(
                to="skatteverket",
                initiative="own_initiative",
                purpose="notify_population_register_error",
                category="protected_contact",
            ),
            CATALOGUE,
        )
        assert decision.flags == (
            "fol_32_c_in_force_date_unverified",
            "relevance_to_check",
        )

    def test_social_data_at_a_procurement_unit_flags_26_1_reach(self) -> None:
        decision = evaluate(
            ask(
                to="kronofogdemyndigheten",
                purpose="debt_enforcement",
                holder="procurement_follow_up",
            ),
            CATALOGUE,
        )
        assert decision.fields[0].secrecy == ("OSL 21:1",)
        assert decision.flags == ("osl_26_1_reach_unverified",)

    def test_a_withheld_field_raises_no_flag(self) -> None:
        decision = evaluate(ask(to="private", purpose="warn_provider"), CATALOGUE)
        assert decision.flags == ()


@pytest.mark.parametrize(
    ("outcomes", "overall"),
    [
        pytest.param(["release", "release"], "release", id="all released → release"),
        pytest.param(["withhold", "withhold"], "deny", id="nothing released → deny"),
        pytest.param(["release", "withhold"], "partial", id="some released → partial"),
        pytest.param(
            ["release", "needs_assessment"],
            "needs_assessment",
            id="anything to assess → needs_assessment",
        ),
        pytest.param(
            ["withhold", "needs_assessment"],
            "needs_assessment",
            id="nothing released but something to assess → needs_assessment",
        ),
    ],
)
def test_overall_outcome(outcomes: list[str], overall: str) -> None:
    assert overall_outcome(FieldOutcome(o) for o in outcomes) is Outcome(overall)


# CONTRACT_EXAMPLE (tests/support/payloads.py) is the body of docs/evaluation-contract.md.


def test_contract_example() -> None:
    """The body of docs/evaluation-contract.md, answered in the contract's shape.

    The example answer there is illustrative: since 2025-04-01 grovt bedrägeri (minimum
    six months) meets OSL 10:23, so the child data is released, not withheld.
    """
    decision = evaluate(query_from_contract_dict(CONTRACT_EXAMPLE), CATALOGUE)
    assert decision.to_contract_dict() == {
        "outcome": "release",
        "fields": [
            {
                "name": "persons",
                "category": "child_social",
                "secrecy": ["OSL 26:1"],
                "outcome": "release",
                "legal_basis": ["OSL 10:23"],
                "assessment": None,
                "reason": "OSL 10:23 (Committed crime, strong secrecy, minimum six months)"
                " releases OSL 26:1 to polismyndigheten; BrB 9:3 grovt bedrägeri has a"
                " minimum of six months. OSL 10:23 reaches only data 'av betydelse för"
                " utredningen av ett begånget brott': whether this field is, is the"
                " officer's to check.",
                "flags": ["relevance_to_check"],
            },
            {
                "name": "supplier.org_number",
                "category": "supplier_company",
                "secrecy": [],
                "outcome": "release",
                "legal_basis": ["OSL 6:5"],
                "assessment": None,
                "reason": "OSL 6:5 (Non-secret data to another authority on request)"
                " releases data that is not secret to polismyndigheten.",
                "flags": [],
            },
        ],
        "flags": ["relevance_to_check"],
        "catalogue_version": "2026-12-06.1",
    }


def test_contract_example_with_plain_bedrageri_is_partial() -> None:
    body = dict(CONTRACT_EXAMPLE, as_of="2025-06-01")
    body["purpose"] = investigate_crime(BEDRAGERI_OFFENCE, detail=None)
    answer = evaluate(query_from_contract_dict(body), CATALOGUE).to_contract_dict()
    assert answer["outcome"] == "partial"
    assert [f["outcome"] for f in answer["fields"]] == ["withhold", "release"]
