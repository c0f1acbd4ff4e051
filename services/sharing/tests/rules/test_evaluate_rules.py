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
from tests.support.payloads import (
    BEDRAGERI_OFFENCE,
    BIDRAGSBROTT_OFFENCE,
    CONTRACT_EXAMPLE,
    GROV_MISSHANDEL_OFFENCE,
    GROVT_BEDRAGERI_OFFENCE,
    GROVT_OLAGA_HOT_OFFENCE,
    MISSHANDEL_OFFENCE,
    NARKOTIKA_OFFENCE,
    OAKTSAMT_TYSTNAD_OFFENCE,
    investigate_crime,
)
from tests.support.rule_queries import BUILDERS, PROCUREMENT, ask, crime

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
        crime("2025-06-01", offence=BEDRAGERI_OFFENCE, basis="OSL 10:18"),
        "needs_assessment",
        ["OSL 10:18"],
        "judgement_of_fact",
        id="OSL 10:18 – proceedings about the discloser's own staff → judgement",
    ),
    pytest.param(
        ask(initiative="own_initiative", purpose="immediate_intervention", age=15),
        "needs_assessment",
        ["OSL 10:20"],
        "judgement_of_fact",
        id="OSL 10:20 – 'överhängande och allvarlig risk' for a child of 15 → judgement",
    ),
    pytest.param(
        crime("2025-06-01", offence=MISSHANDEL_OFFENCE, victim_under_18=True),
        "needs_assessment",
        ["OSL 10:21"],
        "legal_review",
        id="OSL 10:21 (SFS 2025:179, not read) – misshandel of a child → legal_review",
    ),
    pytest.param(
        crime(
            offence=MISSHANDEL_OFFENCE,
            victim_under_18=True,
            initiative="own_initiative",
        ),
        "release",
        ["OSL 10:21"],
        None,
        id="OSL 10:21 – misshandel (BrB 3 kap.) of a child, no threshold → release",
    ),
    pytest.param(
        crime(
            offence=NARKOTIKA_OFFENCE, victim_under_18=True, initiative="own_initiative"
        ),
        "release",
        ["OSL 10:22"],
        None,
        id="OSL 10:22 – narcotics supplied to a child → release",
    ),
    pytest.param(
        crime(offence=GROVT_BEDRAGERI_OFFENCE),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 – grovt bedrägeri 6 months min → release",
    ),
    pytest.param(
        crime("2025-03-31", offence=GROV_MISSHANDEL_OFFENCE),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 (to 2025-03-31) – grov misshandel, min 18 months ≥ 1 year → release",
    ),
    pytest.param(
        crime("2025-06-01", offence=GROV_MISSHANDEL_OFFENCE, attempt=True),
        "release",
        ["OSL 10:23"],
        None,
        id="OSL 10:23 – attempted grov misshandel, completed min ≥ 1 year → release",
    ),
    pytest.param(
        crime("2025-06-01", to="skatteverket", offence=GROVT_BEDRAGERI_OFFENCE),
        "needs_assessment",
        ["OSL 10:23"],
        "judgement_of_fact",
        id="OSL 10:23 – Skatteverket 'ingripa mot brottet' is a judgement → assessment",
    ),
    pytest.param(
        crime("2025-04-01", offence=BEDRAGERI_OFFENCE, **PROCUREMENT),
        "release",
        ["OSL 10:24"],
        None,
        id="OSL 10:24 – bedrägeri, 31:16 supplier data, fängelse in the scale → release",
    ),
    pytest.param(
        crime("2025-03-31", offence=BEDRAGERI_OFFENCE, **PROCUREMENT),
        "needs_assessment",
        ["OSL 10:24", "OSL 10:27"],
        "sentencing_prognosis",
        id="OSL 10:24 (to 2025-03-31) – old wording needs a sentencing prognosis",
    ),
    pytest.param(
        crime(
            offence=BEDRAGERI_OFFENCE,
            holder="procurement_follow_up",
            category="procurement_case",
            secrecy="OSL 19:3 st. 1",
        ),
        "release",
        ["OSL 10:24"],
        None,
        id="OSL 10:24 – 19:3 first paragraph procurement secrecy to the police → release",
    ),
    pytest.param(
        crime(
            offence=BEDRAGERI_OFFENCE,
            holder="procurement_follow_up",
            category="procurement_case",
            secrecy="OSL 19:3 st. 2",
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 6 §", "OSL 10:24", "OSL 10:27"],
        "clearly_outweighs",
        id="OSL 19:3 st. 2 – a bid before the award: no general rule releases it",
    ),
    pytest.param(
        crime(
            "2025-06-01",
            offence=BEDRAGERI_OFFENCE,
            holder="whistleblowing_channel",
            category="tipster_whistleblower",
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 6 §", "OSL 10:24", "OSL 10:27"],
        "clearly_outweighs",
        id="OSL 32:3 b – a whistleblower's identity to the police is never automatic",
    ),
    pytest.param(
        crime(
            "2025-03-01",
            offence=GROV_MISSHANDEL_OFFENCE,
            category="tipster_social",
        ),
        "needs_assessment",
        ["OSL 10:23"],
        "reporter_protection",
        id="OSL 26:5 – who reported to social services, 10:23 met → reporter_protection",
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
        ask("2025-06-01", purpose="prevent_crime", offence=GROVT_OLAGA_HOT_OFFENCE),
        "needs_assessment",
        ["OSL 10:18 c"],
        "not_inappropriate",
        id="OSL 10:18 c – risk of grovt olaga hot (min 1 year) → not_inappropriate",
    ),
    pytest.param(
        ask("2025-12-01", to="csn", purpose="prevent_incorrect_payment"),
        "needs_assessment",
        ["OSL 10:15 a"],
        "overriding_reasons",
        id="OSL 10:15 a – 26:1 to CSN against incorrect payment from 2025-12-01",
    ),
    pytest.param(
        ask("2025-12-01", to="forsakringskassan", purpose="prevent_incorrect_payment"),
        "needs_assessment",
        ["OSL 10:28", "SFB 110:31", "OSL 10:15 a"],
        "exceptional_reasons",
        id="SFB 110:31 (SFS 2025:937) – FK asks, 'synnerliga skäl' → exceptional_reasons",
    ),
    pytest.param(
        ask(
            "2024-06-01",
            to="forsakringskassan",
            purpose="prevent_incorrect_payment",
        ),
        "needs_assessment",
        ["OSL 10:28", "SFB 110:31"],
        "legal_review",
        id="SFB 110:31 (SFS 2012:935) – named person on FK's request; dates unverified",
    ),
    pytest.param(
        ask(
            "2025-12-01",
            to="utbetalningsmyndigheten",
            purpose="prevent_incorrect_payment",
            **PROCUREMENT,
        ),
        "needs_assessment",
        ["OSL 10:15 a", "OSL 10:27"],
        "overriding_reasons",
        id="OSL 10:15 a – Utbetalningsmyndigheten gets 31:16 data on a weighing",
    ),
    pytest.param(
        ask(
            "2024-02-01",
            to="utbetalningsmyndigheten",
            category="supplier_company",
        ),
        "release",
        ["OSL 6:5"],
        None,
        id="OSL 6:5 – non-secret data to Utbetalningsmyndigheten (from 2024-01-01)",
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
        ask(to="kronofogdemyndigheten", purpose="debt_enforcement", kind="whereabouts"),
        "release",
        ["OSL 10:28", "SoL 2025:400 15:7"],
        None,
        id="SoL 2025:400 15:7 – Kronofogden asks whether someone stays in an HVB",
    ),
    pytest.param(
        ask(to="ekobrottsmyndigheten", kind="whereabouts"),
        "release",
        ["OSL 10:28", "SoL 2025:400 15:7"],
        None,
        id="SoL 2025:400 15:7 – EBM is an 'åklagarmyndighet' → release",
    ),
    pytest.param(
        ask(
            to="skatteverket",
            purpose="protected_population_registration",
            category="adult_client_social",
        ),
        "release",
        ["OSL 10:28", "SoL 2025:400 15:7 p. 2"],
        None,
        id="SoL 2025:400 15:7 p. 2 – what Skatteverket needs for skyddad folkbokföring",
    ),
    pytest.param(
        ask(
            "2025-07-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_own_activity_wrong",
        ),
        "needs_assessment",
        ["OSL 10:28", "SoL 2025:400 27:6"],
        "duty_trigger",
        id="SoL 2025:400 27:6 – a serious wrong in the nämnd's own activity → duty_trigger",
    ),
    pytest.param(
        ask(
            "2026-01-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
            **PROCUREMENT,
        ),
        "needs_assessment",
        ["OSL 10:28", "SoL 2025:400 27:7", "OSL 10:15 a", "OSL 10:27"],
        "duty_trigger",
        id="SoL 2025:400 27:7 – 'allvarliga brister' at an HVB to IVO → duty_trigger",
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
            "2021-07-01",
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_population_register_error",
            category="protected_contact",
        ),
        "needs_assessment",
        ["OSL 10:28", "FOL 32 c §", "OSL 10:27"],
        "duty_trigger",
        id="FOL 32 c § – 'om det kan antas' a registration is wrong → duty_trigger",
    ),
    pytest.param(
        ask(
            to="skatteverket",
            initiative="own_initiative",
            purpose="notify_population_register_error",
        ),
        "needs_assessment",
        ["OSL 10:28", "FOL 32 c §"],
        "duty_trigger",
        id="FOL 32 c § – social-services data: 'särskilda skäl' weighed by a person",
    ),
    pytest.param(
        ask(
            "2024-07-01",
            to="csn",
            purpose="prevent_incorrect_payment",
            **PROCUREMENT,
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2024:307 2 §", "OSL 10:27"],
        "overriding_reasons",
        id="Lag 2024:307 2 § – 31:16 supplier data to CSN → overriding_reasons",
    ),
    pytest.param(
        ask(
            "2025-04-01",
            purpose="crime_fighting",
            category="child_social",
            kind="contact_details",
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2025:170 4 §"],
        "exceptional_reasons",
        id="Lag 2025:170 4 § – a child's contact details, even 26:1 → exceptional_reasons",
    ),
    pytest.param(
        ask(
            to="kustbevakningen",
            purpose="crime_fighting",
            category="supplier_staff",
            kind="contact_details",
            holder="procurement_follow_up",
        ),
        "release",
        ["OSL 6:5"],
        None,
        id="Lag 2025:170 2 § – Kustbevakningen; non-secret staff contacts → OSL 6:5",
    ),
    pytest.param(
        ask(
            to="kronofogdemyndigheten",
            purpose="service_of_documents",
            category="supplier_staff",
            kind="contact_details",
        ),
        "release",
        ["OSL 10:26"],
        None,
        id="OSL 10:26 – an address for delgivning, even 26:1 → release",
    ),
    pytest.param(
        ask(
            "2024-03-01",
            initiative="own_initiative",
            purpose="report_crime",
            offence=BIDRAGSBROTT_OFFENCE,
            category="economic_assistance",
        ),
        "needs_assessment",
        ["OSL 10:28", "Lag 2007:612 6 §"],
        "duty_trigger",
        id="Lag 2007:612 6 § – 'om det kan misstänkas' bidragsbrott → duty_trigger",
    ),
    pytest.param(
        ask(
            "2026-02-01",
            to="kommun",
            activity="social_services",
            initiative="own_initiative",
            purpose="report_child_at_risk",
            holder="procurement_follow_up",
        ),
        "needs_assessment",
        ["OSL 10:28", "SoL 2025:400 19:1", "OSL 10:27"],
        "duty_trigger",
        id="SoL 2025:400 19:1 – 'misstänker att ett barn far illa' → duty_trigger",
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
        crime("2025-06-01", offence=BEDRAGERI_OFFENCE),
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
        crime("2025-06-01", offence=BEDRAGERI_OFFENCE, victim_under_18=True),
        "withhold",
        [],
        None,
        id="OSL 10:21 – fraud against a child (BrB 9 kap.) is not covered → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=NARKOTIKA_OFFENCE),
        "withhold",
        [],
        None,
        id="OSL 10:22 – narcotics, recipient not under 18 → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=GROVT_BEDRAGERI_OFFENCE, attempt=True),
        "withhold",
        [],
        None,
        id="OSL 10:23 – attempted grovt bedrägeri, completed min < 1 year → withhold",
    ),
    pytest.param(
        crime("2025-06-01", to="forsakringskassan", offence=GROVT_BEDRAGERI_OFFENCE),
        "withhold",
        [],
        None,
        id="OSL 10:23 – FK is not an authority that intervenes against crime → withhold",
    ),
    pytest.param(
        crime("2025-06-01", offence=OAKTSAMT_TYSTNAD_OFFENCE, **PROCUREMENT),
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
        ask("2025-06-01", purpose="prevent_crime", offence=MISSHANDEL_OFFENCE),
        "withhold",
        [],
        None,
        id="OSL 10:18 c – misshandel has no one-year minimum → withhold",
    ),
    pytest.param(
        ask(
            to="csn",
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
        ask(to="forsakringskassan", purpose="debt_enforcement", kind="whereabouts"),
        "withhold",
        [],
        None,
        id="SoL 2025:400 15:7 – FK is not among the listed askers → withhold",
    ),
    pytest.param(
        ask(to="kronofogdemyndigheten", purpose="debt_enforcement"),
        "withhold",
        [],
        None,
        id="SoL 2025:400 15:7 – an unmarked field is not 'whether someone stays' → withhold",
    ),
    pytest.param(
        ask(
            "2026-02-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_supplier_deficiency",
            category="tipster_social",
        ),
        "needs_assessment",
        ["OSL 10:15 a"],
        "overriding_reasons",
        id="SoL 2025:400 27:7 – the reporter's identity is not what the report concerns",
    ),
    pytest.param(
        ask(
            "2026-02-01",
            to="ivo",
            initiative="own_initiative",
            purpose="report_own_activity_wrong",
            holder="procurement_follow_up",
        ),
        "needs_assessment",
        ["OSL 10:27"],
        "obvious_priority",
        id="SoL 2025:400 27:6 – not for a supplier case outside the nämnd → no lex Sarah",
    ),
    pytest.param(
        ask(
            "2023-12-31",
            to="utbetalningsmyndigheten",
            category="supplier_company",
        ),
        "withhold",
        [],
        None,
        id="Utbetalningsmyndigheten – did not exist before 2024-01-01 → withhold",
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
        id="SoL 2025:400 27:6 – lex Sarah is for the nämnd's own activity → withhold",
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
        id="FOL 32 c § – a notice duty, not on request → only 10:27",
    ),
    pytest.param(
        ask(
            "2024-07-01",
            to="csn",
            purpose="prevent_incorrect_payment",
            holder="procurement_follow_up",
            category="procurement_case",
            secrecy="OSL 19:3 st. 1",
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
    """This table and the dated requests of test_wordings reach every rule version."""
    used = {
        rule_id
        for case in APPLIES
        for rule_id in evaluate(case.values[0], CATALOGUE).rule_ids  # type: ignore[arg-type]
    }
    dated = {rule.id for rule in CATALOGUE.rules if rule.citation in BUILDERS}
    assert {rule.id for rule in CATALOGUE.rules} - used - dated == set()


# The same query on both sides of a change in the law , by outcome;
# test_wordings asks every wording change by the rule version that decides.
DATE_FLIPS = [
    pytest.param(
        lambda on: crime(on, offence=GROVT_BEDRAGERI_OFFENCE),
        "2025-03-31",
        ("withhold", [], None),
        "2025-04-01",
        ("release", ["OSL 10:23"], None),
        id="OSL 10:23 – grovt bedrägeri: minimum one year until 2025-03-31, six months after",
    ),
    pytest.param(
        lambda on: crime(on, offence=GROV_MISSHANDEL_OFFENCE),
        "2013-11-30",
        ("needs_assessment", ["OSL 10:23"], "legal_review"),
        "2013-12-01",
        ("release", ["OSL 10:23"], None),
        id="OSL 10:23 – one-year minimum since 2009; from SFS 2013:795 read in statute",
    ),
    pytest.param(
        lambda on: crime(on, offence=BEDRAGERI_OFFENCE, **PROCUREMENT),
        "2025-03-31",
        ("needs_assessment", ["OSL 10:24", "OSL 10:27"], "sentencing_prognosis"),
        "2025-04-01",
        ("release", ["OSL 10:24"], None),
        id="OSL 10:24 – prognosis of more than fines until 2025-03-31, fängelse in scale after",
    ),
    pytest.param(
        lambda on: ask(on, to="csn", purpose="prevent_incorrect_payment"),
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
        (
            "needs_assessment",
            ["OSL 10:28", "SoL 2025:400 27:7", "OSL 10:15 a", "OSL 10:27"],
            "duty_trigger",
        ),
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
        ("release", ["OSL 10:28", "SoL 2001:453 12:7"], None),
        "2025-07-01",
        ("release", ["OSL 10:28", "SoL 2025:400 15:4"], None),
        id="SoL 2001:453 12:7 → SoL 2025:400 15:4 on 2025-07-01",
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
            purpose="crime_fighting",
            category="child_social",
            kind="contact_details",
        ),
        "2025-03-31",
        ("withhold", [], None),
        "2025-04-01",
        ("needs_assessment", ["OSL 10:28", "Lag 2025:170 4 §"], "exceptional_reasons"),
        id="Lag 2025:170 4 § – contact details duty from 2025-04-01",
    ),
    pytest.param(
        lambda on: crime(
            on,
            offence=MISSHANDEL_OFFENCE,
            victim_under_18=True,
            initiative="own_initiative",
        ),
        "2025-11-30",
        ("needs_assessment", ["OSL 10:21"], "legal_review"),
        "2025-12-01",
        ("release", ["OSL 10:21"], None),
        id="OSL 10:21 – the SFS 2025:965 wording is read, SFS 2025:179's was not",
    ),
    pytest.param(
        lambda on: ask(on, to="utbetalningsmyndigheten", category="supplier_company"),
        "2023-12-31",
        ("withhold", [], None),
        "2024-01-01",
        ("release", ["OSL 6:5"], None),
        id="Utbetalningsmyndigheten – an authority from 2024-01-01 (lag 2023:456)",
    ),
]


@pytest.mark.parametrize(("build", "before", "old", "after", "new"), DATE_FLIPS)
def test_date_flip(
    build: Any, before: str, old: tuple[Any, ...], after: str, new: tuple[Any, ...]
) -> None:
    assert only_field(evaluate(build(before), CATALOGUE)) == tuple(old)
    assert only_field(evaluate(build(after), CATALOGUE)) == tuple(new)


def test_date_flip_names_the_rule_version_in_force() -> None:
    before = evaluate(crime("2025-03-31", offence=GROV_MISSHANDEL_OFFENCE), CATALOGUE)
    after = evaluate(crime("2025-04-01", offence=GROV_MISSHANDEL_OFFENCE), CATALOGUE)
    assert before.rule_ids == ("osl-10-23-2023-01-02",)
    assert after.rule_ids == ("osl-10-23-2025",)
    assert before.flags == after.flags == ("relevance_to_check",)


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
