"""Rule table cases for OSL outside its crime paragraphs: what is not secret (6:5, 8:1),
necessity (10:2, 10:2 a), consent (12:2), supervision (10:17), 10:15 a, 10:26, 10:27,
19:3, 26:5 and 32:3 b.

Each rule applies once and refuses once; test_evaluate_rules asks them all.
"""

import pytest

from tests.support.payloads import BEDRAGERI_OFFENCE, GROV_MISSHANDEL_OFFENCE
from tests.support.rule_queries import PROCUREMENT, ask, crime

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
        ask("2025-12-01", to="csn", purpose="prevent_incorrect_payment"),
        "needs_assessment",
        ["OSL 10:15 a"],
        "overriding_reasons",
        id="OSL 10:15 a – 26:1 to CSN against incorrect payment from 2025-12-01",
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
]
