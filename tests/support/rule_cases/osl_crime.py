"""Rule table cases for OSL 10:18-10:24: proceedings, risk to a person, crimes against
children, and crime (10:23's minimum penalty, 10:24's fängelse in the scale).

Each rule applies once and refuses once; test_evaluate_rules asks them all.
"""

import pytest

from tests.support.payloads import (
    BEDRAGERI_OFFENCE,
    GROV_MISSHANDEL_OFFENCE,
    GROVT_BEDRAGERI_OFFENCE,
    GROVT_OLAGA_HOT_OFFENCE,
    MISSHANDEL_OFFENCE,
    NARKOTIKA_OFFENCE,
    OAKTSAMT_TYSTNAD_OFFENCE,
)
from tests.support.rule_queries import PROCUREMENT, ask, crime

# Each case: query, field outcome, legal basis, assessment standard.
APPLIES = [
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
]

REFUSES = [
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
]
