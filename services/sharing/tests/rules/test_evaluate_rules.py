"""Table-driven legal cases: each rule applies once and refuses once, by paragraph."""

from typing import Any

import pytest

from samverkan_sharing.rules import (
    CATALOGUE,
    Decision,
    EvaluationQuery,
    FieldOutcome,
    Outcome,
    evaluate,
    overall_outcome,
    query_from_contract_dict,
)

GROVT_BEDRAGERI = ("grovt bedrägeri", "BrB 9:3", 6, 72)
BEDRAGERI = ("bedrägeri", "BrB 9:1", 0.5, 24)
MISSHANDEL = ("misshandel", "BrB 3:5", 0, 24)
GROV_MISSHANDEL = ("grov misshandel", "BrB 3:6", 18, 72)
GROVT_OLAGA_HOT = ("grovt olaga hot", "BrB 4:5", 12, 48)
OAKTSAMT_TYSTNAD = ("oaktsamt brott mot tystnadsplikt", "BrB 20:3", 0, 0)
NARKOTIKA = ("narkotikabrott genom överlåtelse", "Lag 1968:64 1 §", 0, 36)


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
) -> EvaluationQuery:
    """A one-field evaluation request in the contract's shape."""
    field: dict[str, Any] = {"name": "field", "category": category}
    if secrecy is not None:
        field["secrecy"] = secrecy
    body: dict[str, Any] = {
        "as_of": on,
        "holder_activity": holder,
        "recipient": to,
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

# Each case: query, field outcome, legal basis, assessment standard.
APPLIES = [
    pytest.param(
        ask(to="skatteverket", category="supplier_company"),
        "release",
        ["OSL 6:5"],
        None,
        id="OSL 6:5 – org.nr is not secret, on request to an authority → release",
    ),
    pytest.param(
        ask(to="ivo", initiative="own_initiative", category="supplier_company"),
        "release",
        ["OSL 8:1"],
        None,
        id="OSL 8:1 – non-secret data on own initiative → release",
    ),
    pytest.param(
        ask(to="private", basis="OSL 10:2", purpose="warn_provider"),
        "needs_assessment",
        ["OSL 10:2"],
        "necessity",
        id="OSL 10:2 – claimed necessity towards a private body → necessity assessment",
    ),
    pytest.param(
        ask("2023-07-01", to="private", basis="OSL 10:2 a"),
        "needs_assessment",
        ["OSL 10:2 a"],
        "not_inappropriate",
        id="OSL 10:2 a – technical provider from 2023-07-01 → not_inappropriate",
    ),
    pytest.param(
        ask(to="adda", basis="OSL 12:2", **PROCUREMENT),
        "needs_assessment",
        ["OSL 12:2"],
        "consent",
        id="OSL 12:2 – the supplier's consent claimed towards Adda → consent",
    ),
    pytest.param(
        ask("2025-06-01", to="ivo", purpose="supervision_of_discloser"),
        "release",
        ["OSL 10:17"],
        None,
        id="OSL 10:17 – IVO supervising socialnämnden (before SoL 2025:400) → release",
    ),
    pytest.param(
        ask(to="ivo", purpose="supervision_of_discloser"),
        "release",
        ["OSL 10:28", "SoL 2025:400 28:5"],
        None,
        id="SoL 2025:400 28:5 – documents IVO asks for in its supervision → release",
    ),
    pytest.param(
        ask(to="ivo", purpose="supervision_of_discloser", **PROCUREMENT),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="SoL 2025:400 28:5 – the procurement unit is not the supervised activity → not 28:5",
    ),
    pytest.param(
        crime("2025-06-01", offence=BEDRAGERI, basis="OSL 10:18"),
        "needs_assessment",
        ["OSL 10:18"],
        "judgement_of_fact",
        id="OSL 10:18 – proceedings about the discloser's own staff → judgement",
    ),
    pytest.param(
        ask(initiative="own_initiative", purpose="immediate_intervention", age=15),
        "release",
        ["OSL 10:20"],
        None,
        id="OSL 10:20 – immediate police intervention, child of 15 → release",
    ),
    pytest.param(
        crime("2025-06-01", offence=MISSHANDEL, victim_under_18=True),
        "release",
        ["OSL 10:21"],
        None,
        id="OSL 10:21 (before 2025-12-01) – misshandel of a child → release",
    ),
    pytest.param(
        crime(offence=MISSHANDEL, victim_under_18=True, initiative="own_initiative"),
        "release",
        ["OSL 10:21"],
        None,
        id="OSL 10:21 – misshandel (BrB 3 kap.) of a child, no threshold → release",
    ),
    pytest.param(
        crime(offence=NARKOTIKA, victim_under_18=True, initiative="own_initiative"),
        "release",
        ["OSL 10:22"],
        None,
        id="OSL 10:22 – narcotics supplied to a child → release",
    ),
    pytest.param(
        crime(offence=GROVT_BEDRAGERI),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 – grovt bedrägeri 6 months min → release",
    ),
    pytest.param(
        crime("2025-03-31", offence=GROV_MISSHANDEL),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 (to 2025-03-31) – grov misshandel, min 18 months ≥ 1 year → release",
    ),
    pytest.param(
        crime("2025-06-01", offence=GROV_MISSHANDEL, attempt=True),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 – attempted grov misshandel, completed min ≥ 1 year → release",
    ),
    pytest.param(
        crime("2025-06-01", to="skatteverket", offence=GROVT_BEDRAGERI),
        "needs_assessment",
        ["OSL 10:23"],
        "judgement_of_fact",
        id="OSL 10:23 – Skatteverket 'ingripa mot brottet' is a judgement → assessment",
    ),
    pytest.param(
        crime("2025-04-01", offence=BEDRAGERI, **PROCUREMENT),
        "release",
        ["OSL 10:24"],
        None,
        id="OSL 10:24 – bedrägeri, 31:16 supplier data, fängelse in the scale → release",
    ),
    pytest.param(
        crime("2025-03-31", offence=BEDRAGERI, **PROCUREMENT),
        "needs_assessment",
        ["OSL 10:24", "OSL 10:27"],
        "sentencing_prognosis",
        id="OSL 10:24 (to 2025-03-31) – old wording needs a sentencing prognosis",
    ),
    pytest.param(
        crime(
            offence=BEDRAGERI,
            holder="procurement_follow_up",
            category="procurement_case",
        ),
        "release",
        ["OSL 10:24"],
        None,
        id="OSL 10:24 – 19:3 procurement secrecy to the police → release",
    ),
    pytest.param(
        crime(
            offence=BEDRAGERI,
            holder="whistleblowing_channel",
            category="tipster_whistleblower",
        ),
        "release",
        ["OSL 10:24"],
        None,
        id="OSL 10:24 – 32:3 b whistleblower identity to the police → release",
    ),
    pytest.param(
        ask("2025-06-01", initiative="own_initiative", purpose="prevent_crime", age=19),
        "needs_assessment",
        ["OSL 10:18 a"],
        "not_inappropriate",
        id="OSL 10:18 a – person of 19 at risk of crime → not_inappropriate",
    ),
    pytest.param(
        ask("2013-01-01", initiative="own_initiative", purpose="prevent_crime", age=17),
        "needs_assessment",
        ["OSL 10:18 a"],
        "not_inappropriate",
        id="OSL 10:18 a (2013 wording) – in force from 2013-01-01 → not_inappropriate",
    ),
    pytest.param(
        ask(
            "2025-06-01",
            to="sakerhetspolisen",
            purpose="prevent_crime",
            basis="OSL 10:18 b",
        ),
        "needs_assessment",
        ["OSL 10:18 b"],
        "judgement_of_fact",
        id="OSL 10:18 b – claimed terrorism risk to Säpo → judgement",
    ),
    pytest.param(
        ask("2025-06-01", purpose="prevent_crime", offence=GROVT_OLAGA_HOT),
        "needs_assessment",
        ["OSL 10:18 c"],
        "not_inappropriate",
        id="OSL 10:18 c – risk of grovt olaga hot (min 1 year) → not_inappropriate",
    ),
    pytest.param(
        ask("2025-12-01", to="forsakringskassan", purpose="prevent_incorrect_payment"),
        "needs_assessment",
        ["OSL 10:15 a"],
        "overriding_reasons",
        id="OSL 10:15 a – 26:1 to FK against incorrect payment from 2025-12-01",
    ),
    pytest.param(
        ask(to="kronofogdemyndigheten", purpose="debt_enforcement", **PROCUREMENT),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="OSL 10:27 – 31:16 supplier data for debt enforcement → obvious_priority",
    ),
    pytest.param(
        ask(
            "2025-07-01",
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            category="economic_assistance",
        ),
        "release",
        ["OSL 10:28", "SoL 2025:400 15:4"],
        None,
        id="SoL 2025:400 15:4 – paid assistance to FK on request → release",
    ),
    pytest.param(
        ask(to="kronofogdemyndigheten", purpose="debt_enforcement"),
        "needs_assessment",
        ["OSL 10:28", "SoL 2025:400 15:7"],
        "scope_of_duty",
        id="SoL 2025:400 15:7 – Kronofogden asks whether someone stays in an HVB",
    ),
    pytest.param(
        ask(
            "2025-07-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
        ),
        "needs_assessment",
        ["OSL 10:28", "SoL 2025:400 27:6"],
        "judgement_of_fact",
        id="SoL 2025:400 27:6 – serious wrongs in social services to IVO → judgement",
    ),
    pytest.param(
        ask(
            "2026-01-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
            **PROCUREMENT,
        ),
        "release",
        ["OSL 10:28", "SoL 2025:400 27:7"],
        None,
        id="SoL 2025:400 27:7 – HVB deficiencies to IVO from 2026-01-01 → release",
    ),
    pytest.param(
        ask(
            "2020-01-01",
            to="forsakringskassan",
            initiative="own_initiative",
            purpose="notify_incorrect_payment",
            category="economic_assistance",
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2008:206 3 §"],
        "special_reasons",
        id="Lag 2008:206 3 § – kommun notifies FK from 2020-01-01 → special_reasons",
    ),
    pytest.param(
        ask(
            "2021-06-18",
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_population_register_error",
            category="protected_contact",
        ),
        "release",
        ["OSL 10:28", "FOL 32 §"],
        None,
        id="FOL 32 § – wrong registration to Skatteverket from 2021-06-18 → release",
    ),
    pytest.param(
        ask(
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_population_register_error",
        ),
        "needs_assessment",
        ["OSL 10:28", "FOL 32 §"],
        "legal_review",
        id="FOL 32 § – social-services data while the text is unverified → legal_review",
    ),
    pytest.param(
        ask(
            "2024-07-01",
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            **PROCUREMENT,
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2024:307 2 §", "OSL 10:27"],
        "overriding_reasons",
        id="Lag 2024:307 2 § – 31:16 supplier data to FK → overriding_reasons",
    ),
    pytest.param(
        ask("2025-04-01", purpose="crime_fighting", category="supplier_staff"),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 4 §"],
        "exceptional_reasons",
        id="Lag 2025:170 4 § – staff contact details, even 26:1 → exceptional_reasons",
    ),
    pytest.param(
        ask(
            "2025-04-01",
            to="skatteverket",
            initiative="own_initiative",
            purpose="crime_fighting",
            **PROCUREMENT,
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 6 §", "OSL 10:27"],
        "clearly_outweighs",
        id="Lag 2025:170 6 § – kommun informs Skatteverket → clearly_outweighs",
    ),
]

REFUSES = [
    pytest.param(
        ask(to="skatteverket", **PROCUREMENT),
        "withhold",
        [],
        None,
        id="OSL 6:5 – 31:16 supplier data is secret, no purpose stated → withhold",
    ),
    pytest.param(
        ask(to="private"),
        "withhold",
        [],
        None,
        id="OSL 8:1 – 26:1 data to a private body → withhold",
    ),
    pytest.param(
        ask(to="private", purpose="warn_provider"),
        "withhold",
        [],
        None,
        id="OSL 10:2 – not claimed in requested_basis → withhold",
    ),
    pytest.param(
        ask("2023-06-30", to="private", basis="OSL 10:2 a"),
        "withhold",
        [],
        None,
        id="OSL 10:2 a – not yet in force on 2023-06-30 → withhold",
    ),
    pytest.param(
        ask(
            to="adda",
            basis="OSL 12:2",
            holder="procurement_follow_up",
            category="procurement_case",
        ),
        "withhold",
        [],
        None,
        id="OSL 12:2 – public-interest 19:3 cannot be waived by consent → withhold",
    ),
    pytest.param(
        ask(to="forsakringskassan", purpose="supervision_of_discloser"),
        "withhold",
        [],
        None,
        id="OSL 10:17 – FK does not supervise socialnämnden → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=BEDRAGERI),
        "withhold",
        [],
        None,
        id="OSL 10:18 – not claimed; OSL 10:23 bedrägeri below six months → withhold",
    ),
    pytest.param(
        ask(initiative="own_initiative", purpose="immediate_intervention", age=18),
        "withhold",
        [],
        None,
        id="OSL 10:20 – person of 18 is not 'under 18' → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=BEDRAGERI, victim_under_18=True),
        "withhold",
        [],
        None,
        id="OSL 10:21 – fraud against a child (BrB 9 kap.) is not covered → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=NARKOTIKA),
        "withhold",
        [],
        None,
        id="OSL 10:22 – narcotics, recipient not under 18 → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=GROVT_BEDRAGERI, attempt=True),
        "withhold",
        [],
        None,
        id="OSL 10:23 – attempted grovt bedrägeri, completed min < 1 year → withhold",
    ),
    pytest.param(
        crime("2025-06-01", to="forsakringskassan", offence=GROVT_BEDRAGERI),
        "withhold",
        [],
        None,
        id="OSL 10:23 – FK is not an authority that intervenes against crime → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=OAKTSAMT_TYSTNAD, **PROCUREMENT),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 6 §", "OSL 10:27"],
        "clearly_outweighs",
        id="OSL 10:24 – fines-only offence, no fängelse in the scale → not 10:24",
    ),
    pytest.param(
        ask("2025-06-01", initiative="own_initiative", purpose="prevent_crime", age=21),
        "withhold",
        [],
        None,
        id="OSL 10:18 a – person of 21 is too old → withhold",
    ),
    pytest.param(
        ask("2025-06-01", to="sakerhetspolisen", purpose="prevent_crime"),
        "withhold",
        [],
        None,
        id="OSL 10:18 b – not claimed; 10:18 a needs the age → withhold",
    ),
    pytest.param(
        ask("2025-06-01", purpose="prevent_crime", offence=MISSHANDEL),
        "withhold",
        [],
        None,
        id="OSL 10:18 c – misshandel has no one-year minimum → withhold",
    ),
    pytest.param(
        ask(
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            holder="health_care",
            category="health_care",
        ),
        "withhold",
        [],
        None,
        id="OSL 10:15 a – health care 25:1 is excluded → withhold",
    ),
    pytest.param(
        ask(
            to="forsakringskassan",
            purpose="report_agreement_breach",
            holder="procurement_follow_up",
            category="procurement_case",
        ),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="OSL 10:15 a – public-interest 19:3 is outside 21–40 kap. → only 10:27",
    ),
    pytest.param(
        ask(
            to="kronofogdemyndigheten",
            purpose="prevent_rule_breach",
            initiative="own_initiative",
        ),
        "needs_assessment",
        ["OSL 10:15 a"],
        "overriding_reasons",
        id="OSL 10:27 – never for social-services 26:1 → only 10:15 a",
    ),
    pytest.param(
        ask(
            "2025-07-01",
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            category="economic_assistance",
            initiative="own_initiative",
        ),
        "withhold",
        [],
        None,
        id="SoL 2025:400 15:4 – on request only, not own initiative → withhold",
    ),
    pytest.param(
        ask(to="forsakringskassan", purpose="debt_enforcement"),
        "withhold",
        [],
        None,
        id="SoL 2025:400 15:7 – FK is not among the listed askers → withhold",
    ),
    pytest.param(
        ask(
            "2025-06-30",
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
        ),
        "withhold",
        [],
        None,
        id="SoL 2025:400 27:6 – before SoL 2025:400 (2025-07-01) → withhold",
    ),
    pytest.param(
        ask(
            "2026-01-01", to="ivo", purpose="report_supplier_deficiency", **PROCUREMENT
        ),
        "needs_assessment",
        ["OSL 10:15 a", "OSL 10:27"],
        "overriding_reasons",
        id="SoL 2025:400 27:7 – a duty to report, not to answer requests → not 27:7",
    ),
    pytest.param(
        ask(
            "2020-06-01",
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_incorrect_payment",
            category="economic_assistance",
        ),
        "withhold",
        [],
        None,
        id="Lag 2008:206 3 § – Skatteverket is not a deciding body → withhold",
    ),
    pytest.param(
        ask(
            to="skatteverket",
            purpose="notify_population_register_error",
            category="protected_contact",
        ),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="FOL 32 § – a notice duty, not on request → only 10:27",
    ),
    pytest.param(
        ask(
            "2024-07-01",
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            holder="procurement_follow_up",
            category="procurement_case",
        ),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="Lag 2024:307 2 § – public-interest 15–20 kap. excluded → only 10:27",
    ),
    pytest.param(
        ask("2025-06-01", purpose="crime_fighting"),
        "withhold",
        [],
        None,
        id="Lag 2025:170 4 §/6 § – child's file is not contact data; 26 kap. excluded",
    ),
]


def only_field(decision: Decision) -> tuple[str, list[str], str | None]:
    field = decision.to_contract_dict()["fields"][0]
    return field["outcome"], field["legal_basis"], field["assessment"]


@pytest.mark.parametrize(("query", "outcome", "basis", "assessment"), APPLIES + REFUSES)
def test_rule_table(
    query: EvaluationQuery, outcome: str, basis: list[str], assessment: str | None
) -> None:
    assert only_field(evaluate(query, CATALOGUE)) == (outcome, basis, assessment)


def test_every_rule_version_applies_in_some_case() -> None:
    """The table reaches every rule of the shipped catalogue at least once."""
    used = {
        rule_id
        for case in APPLIES
        for rule_id in evaluate(case.values[0], CATALOGUE).rule_ids  # type: ignore[arg-type]
    }
    assert used == {rule.id for rule in CATALOGUE.rules}


# The same query on both sides of a change in the law (legal-rules.md §1).
DATE_FLIPS = [
    pytest.param(
        lambda on: crime(on, offence=GROVT_BEDRAGERI),
        "2025-03-31",
        ("withhold", [], None),
        "2025-04-01",
        ("release", ["OSL 10:23"], None),
        id="OSL 10:23 – grovt bedrägeri: minimum one year until 2025-03-31, six months after",
    ),
    pytest.param(
        lambda on: crime(on, offence=BEDRAGERI, **PROCUREMENT),
        "2025-03-31",
        ("needs_assessment", ["OSL 10:24", "OSL 10:27"], "sentencing_prognosis"),
        "2025-04-01",
        ("release", ["OSL 10:24"], None),
        id="OSL 10:24 – prognosis of more than fines until 2025-03-31, fängelse in scale after",
    ),
    pytest.param(
        lambda on: ask(on, to="forsakringskassan", purpose="prevent_incorrect_payment"),
        "2025-11-30",
        ("withhold", [], None),
        "2025-12-01",
        ("needs_assessment", ["OSL 10:15 a"], "overriding_reasons"),
        id="OSL 10:15 a – in force from 2025-12-01, reaches 26:1",
    ),
    pytest.param(
        lambda on: ask(
            on,
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
            **PROCUREMENT,
        ),
        "2025-12-31",
        ("needs_assessment", ["OSL 10:15 a", "OSL 10:27"], "overriding_reasons"),
        "2026-01-01",
        ("release", ["OSL 10:28", "SoL 2025:400 27:7"], None),
        id="SoL 2025:400 27:7 – municipality's duty to report to IVO from 2026-01-01",
    ),
    pytest.param(
        lambda on: ask(
            on,
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
            category="economic_assistance",
        ),
        "2025-06-30",
        ("withhold", [], None),
        "2025-07-01",
        ("release", ["OSL 10:28", "SoL 2025:400 15:4"], None),
        id="SoL 2025:400 15:4 – in force with the new SoL on 2025-07-01",
    ),
    pytest.param(
        lambda on: ask(
            on, initiative="own_initiative", purpose="prevent_crime", age=17
        ),
        "2012-12-31",
        ("withhold", [], None),
        "2013-01-01",
        ("needs_assessment", ["OSL 10:18 a"], "not_inappropriate"),
        id="OSL 10:18 a – in force from 2013-01-01",
    ),
    pytest.param(
        lambda on: ask(
            on,
            to="forsakringskassan",
            initiative="own_initiative",
            purpose="notify_incorrect_payment",
            category="economic_assistance",
        ),
        "2019-12-31",
        ("withhold", [], None),
        "2020-01-01",
        ("needs_assessment", ["OSL 10:28", "Lag 2008:206 3 §"], "special_reasons"),
        id="Lag 2008:206 3 § – kommuner notify from 2020-01-01",
    ),
    pytest.param(
        lambda on: ask(
            on,
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_population_register_error",
            category="protected_contact",
        ),
        "2021-06-17",
        ("withhold", [], None),
        "2021-06-18",
        ("release", ["OSL 10:28", "FOL 32 §"], None),
        id="FOL 32 § – duty extended to (almost) all authorities from 2021-06-18",
    ),
    pytest.param(
        lambda on: ask(on, purpose="crime_fighting", category="supplier_staff"),
        "2025-03-31",
        ("withhold", [], None),
        "2025-04-01",
        ("needs_assessment", ["OSL 10:28", "Lag 2025:170 4 §"], "exceptional_reasons"),
        id="Lag 2025:170 4 § – contact details duty from 2025-04-01",
    ),
    pytest.param(
        lambda on: crime(
            on, offence=MISSHANDEL, victim_under_18=True, initiative="own_initiative"
        ),
        "2025-11-30",
        ("release", ["OSL 10:21"], None),
        "2025-12-01",
        ("release", ["OSL 10:21"], None),
        id="OSL 10:21 – the 2025-12-01 amendment keeps crimes against children covered",
    ),
]


@pytest.mark.parametrize(("build", "before", "old", "after", "new"), DATE_FLIPS)
def test_date_flip(
    build: Any, before: str, old: tuple[Any, ...], after: str, new: tuple[Any, ...]
) -> None:
    assert only_field(evaluate(build(before), CATALOGUE)) == tuple(old)
    assert only_field(evaluate(build(after), CATALOGUE)) == tuple(new)


def test_date_flip_names_the_rule_version_in_force() -> None:
    before = evaluate(crime("2025-03-31", offence=GROV_MISSHANDEL), CATALOGUE)
    after = evaluate(crime("2025-04-01", offence=GROV_MISSHANDEL), CATALOGUE)
    assert before.rule_ids == ("osl-10-23-2023",)
    assert after.rule_ids == ("osl-10-23-2025",)
    assert before.flags == ("osl_10_23_old_attempt_threshold_unverified",)
    assert after.flags == ()


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
                offence=GROVT_BEDRAGERI,
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
        decision = evaluate(crime("2025-06-01", offence=BEDRAGERI), CATALOGUE)
        assert decision.fields[0].reason == (
            "No rule releases OSL 26:1 to polismyndigheten:"
            " Lag 2025:170 4 § covers only protected_contact, supplier_staff data, not"
            " child_social; Lag 2025:170 6 § does not apply to OSL 26:1 (expressly"
            " excluded); OSL 10:21 covers only crimes under BrB 3:, BrB 4:, BrB 6:,"
            " Lag 1982:316; not BrB 9:1 bedrägeri; OSL 10:22 covers only crimes under"
            " Lag 1968:64, Lag 1991:1969, Lag 2010:1622; not BrB 9:1 bedrägeri;"
            " OSL 10:23 needs a minimum penalty of six months (wording in force from"
            " 2025-04-01); BrB 9:1 bedrägeri has 14 days; OSL 10:24 does not apply to"
            " OSL 26:1 (expressly excluded); OSL 10:27 does not apply to OSL 26:1"
            " (expressly excluded)."
        )

    def test_refusal_without_a_near_rule_names_day_and_purpose(self) -> None:
        decision = evaluate(
            ask(
                "2012-12-31",
                initiative="own_initiative",
                purpose="prevent_crime",
                age=17,
            ),
            CATALOGUE,
        )
        assert decision.fields[0].reason == (
            "No rule releases OSL 26:1 to polismyndigheten: no rule in force on"
            " 2012-12-31 reaches polismyndigheten on own_initiative for the purpose"
            " prevent_crime."
        )

    def test_release_reason_names_the_rule(self) -> None:
        decision = evaluate(crime(offence=GROVT_BEDRAGERI), CATALOGUE)
        assert decision.fields[0].reason.startswith("OSL 10:23 (")
        assert "BrB 9:3 grovt bedrägeri has a minimum of six months" in (
            decision.fields[0].reason
        )


class TestOpenQuestions:
    """Decisions carry the open points of legal-rules.md §8.6."""

    def test_10_15_a_for_a_committed_crime_flags_the_endast_question(self) -> None:
        decision = evaluate(
            crime(to="ekobrottsmyndigheten", offence=BEDRAGERI), CATALOGUE
        )
        assert only_field(decision) == (
            "needs_assessment",
            ["OSL 10:15 a"],
            "overriding_reasons",
        )
        assert decision.flags == ("open_question_10_23_endast",)

    def test_fol_32_flags_its_unverified_text(self) -> None:
        decision = evaluate(
            ask(
                to="skatteverket",
                initiative="own_initiative",
                purpose="notify_population_register_error",
                category="protected_contact",
            ),
            CATALOGUE,
        )
        assert decision.flags == ("fol_32_text_unverified",)

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


CONTRACT_EXAMPLE: dict[str, Any] = {
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


def test_contract_example() -> None:
    """The body at the top of legal-rules.md, answered in the contract's shape.

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
                " minimum of six months.",
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
            },
        ],
        "flags": [],
        "catalogue_version": "2026-01-01.2",
    }


def test_contract_example_with_plain_bedrageri_is_partial() -> None:
    body = dict(CONTRACT_EXAMPLE, as_of="2025-06-01")
    body["purpose"] = {
        "code": "investigate_crime",
        "offence": {
            "name": "bedrägeri",
            "reference": "BrB 9:1",
            "min_penalty_months": 0.5,
            "max_penalty_months": 24,
            "attempt": False,
        },
        "detail": None,
    }
    answer = evaluate(query_from_contract_dict(body), CATALOGUE).to_contract_dict()
    assert answer["outcome"] == "partial"
    assert [f["outcome"] for f in answer["fields"]] == ["withhold", "release"]
