"""Rule table cases for the duties of disclosure in special laws: SFB 110:31, lag 2007:612,
lag 2008:206, FOL 32 c §, lag 2024:307, lag 2025:170, and Utbetalningsmyndigheten.

Each rule applies once and refuses once; test_evaluate_rules asks them all.
"""

import pytest

from tests.support.payloads import BIDRAGSBROTT_OFFENCE
from tests.support.rule_queries import PROCUREMENT, ask

# Each case: query, field outcome, legal basis, assessment standard.
APPLIES = [
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
