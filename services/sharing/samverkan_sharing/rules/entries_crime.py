"""OSL 10:18 a–c (risk of crime) and the crime rules of OSL 10 kap. together."""

from datetime import date

from samverkan_sharing.rules.entries_committed import COMMITTED_CRIME_RULES
from samverkan_sharing.rules.entries_minors import MINORS_RULES
from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.versions import (
    OSL,
    SOCIAL_26_1,
    osl_version,
)
from samverkan_sharing.rules.vocabulary import (
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["CRIME_RULES"]

_R = Recipient
_P = PurposeCode

# --- 10:18 a–c: risk of crime ------------------------------------------------------------

_10_18_A = Rule(
    id="osl-10-18-a-2025",
    citation="OSL 10:18 a",
    title="Young person under 21 at risk of crime",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN, _R.SAKERHETSPOLISEN, _R.TULLVERKET}),
    precedence=Precedence.CRIME_RISK,
    breaks=SOCIAL_26_1,
    conditions=Conditions(purposes=frozenset({_P.PREVENT_CRIME}), max_subject_age=20),
    standard=Standard.NOT_INAPPROPRIATE,
    judgement=(
        "'på grund av konkreta omständigheter finns risk för att den unge kommer att"
        " utöva brottslig verksamhet' and 'inte är olämpligt att uppgiften lämnas ut'"
    ),
    sfs="SFS 2025:179",
    url=statute_url(OSL, "SFS 2025:179"),
    verified="SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="A suspected committed crime goes only by the other rules (second paragraph).",
)
_10_18_B = Rule(
    id="osl-10-18-b-2025",
    citation="OSL 10:18 b",
    title="Risk of terrorism or a threat to national security",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN, _R.SAKERHETSPOLISEN}),
    precedence=Precedence.CRIME_RISK,
    breaks=parse_specs("25:1, 25:2 st. 2, 26:1"),
    conditions=Conditions(purposes=frozenset({_P.PREVENT_CRIME})),
    standard=Standard.JUDGEMENT_OF_FACT,
    judgement="'på grund av konkreta omständigheter finns risk' for a terrorist crime"
    " or a crime against Sweden's security",
    claim_required=True,
    sfs="SFS 2025:179",
    url=statute_url(OSL, "SFS 2025:179"),
    verified="SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="Marginal here: tried only when the request names it.",
)
_10_18_C = Rule(
    id="osl-10-18-c-2025",
    citation="OSL 10:18 c",
    title="Risk of violence against a närstående",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN}),
    precedence=Precedence.CRIME_RISK,
    breaks=parse_specs("25:1, 26:1"),
    conditions=Conditions(
        purposes=frozenset({_P.PREVENT_CRIME}),
        offence_references=("BrB 3", "BrB 4", "BrB 6"),
        min_penalty_months=12,
    ),
    standard=Standard.NOT_INAPPROPRIATE,
    judgement="'på grund av konkreta omständigheter finns risk' of the crime against a"
    " närstående and 'inte är olämpligt att uppgiften lämnas ut'",
    sfs="SFS 2025:179",
    url=statute_url(OSL, "SFS 2025:179"),
    verified="SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
)

_CRIME_RISK = (
    osl_version(
        _10_18_A,
        since=date(2013, 1, 1),
        until=date(2014, 12, 31),
        sfs="SFS 2012:804",
        read=False,
        recipients=frozenset({_R.POLISMYNDIGHETEN}),
    ),
    osl_version(
        _10_18_A,
        since=date(2015, 1, 1),
        until=date(2020, 7, 31),
        sfs="SFS 2014:633",
        read=False,
        recipients=frozenset({_R.POLISMYNDIGHETEN}),
    ),
    osl_version(
        _10_18_A,
        since=date(2020, 8, 1),
        until=date(2025, 3, 31),
        sfs="SFS 2020:575",
        read=False,
        recipients=frozenset({_R.POLISMYNDIGHETEN, _R.SAKERHETSPOLISEN}),
    ),
    _10_18_A,
    osl_version(
        _10_18_B,
        since=date(2020, 8, 1),
        until=date(2022, 6, 30),
        sfs="SFS 2020:575",
        read=False,
    ),
    osl_version(
        _10_18_B,
        since=date(2022, 7, 1),
        until=date(2025, 3, 31),
        sfs="SFS 2022:678",
        read=False,
    ),
    _10_18_B,
    osl_version(
        _10_18_C,
        since=date(2021, 8, 1),
        until=date(2025, 3, 31),
        sfs="SFS 2021:646",
        read=False,
    ),
    _10_18_C,
)


CRIME_RULES: tuple[Rule, ...] = MINORS_RULES + COMMITTED_CRIME_RULES + _CRIME_RISK
"""Every wording of OSL 10:18 a–c and 10:20–24 since OSL came into force."""
