"""Rule versions by date: the same query on both sides of a change in the law."""

from typing import Any

import pytest

from samverkan_sharing.rules import CATALOGUE, evaluate
from tests.support.payloads import (
    BEDRAGERI_OFFENCE,
    GROV_MISSHANDEL_OFFENCE,
    GROVT_BEDRAGERI_OFFENCE,
    MISSHANDEL_OFFENCE,
)
from tests.support.rule_cases import only_field
from tests.support.rule_queries import PROCUREMENT, ask, crime

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
