"""Rule table cases for socialtjänstlagen (SoL 2025:400): supervision, the duties to
answer (15:4, 15:7) and to report (19:1, 27:6, 27:7).

Each rule applies once and refuses once; test_evaluate_rules asks them all.
"""

import pytest

from tests.support.rule_queries import PROCUREMENT, ask

# Each case: query, field outcome, legal basis, assessment standard.
APPLIES = [
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
]

REFUSES = [
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
]
