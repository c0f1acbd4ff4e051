"""OSL 10:18 a–c and 10:20–24: crime prevention and committed crime, every wording (§4.2).

Dates and SFS numbers are from the amendment register of the consolidated OSL (t.o.m. SFS
2025:1508). The wordings in force today were read in that text; of the older ones only
those of 10:23 in SFS 2013:795 and 2014:633 and the 10:21 list in SFS 2022:916 were read.
Where a wording was not read, the rule carries a flag and never releases on its own.
"""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.vocabulary import (
    OSL_IN_FORCE,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = [
    "CRIME_PURPOSES",
    "CRIME_RULES",
    "OSL",
    "OSL_IN_FORCE",
    "PROSECUTION_AND_POLICE",
    "osl_version",
    "rule_id",
]

_R = Recipient
_P = PurposeCode
OSL = "2009:400"

PROSECUTION_AND_POLICE = frozenset(
    {_R.AKLAGARMYNDIGHETEN, _R.EKOBROTTSMYNDIGHETEN, _R.POLISMYNDIGHETEN}
)
# "en åklagarmyndighet, Polismyndigheten, Säkerhetspolisen": EBM is an åklagarmyndighet;
# until 2014 Säkerhetspolisen was part of Rikspolisstyrelsen, a polismyndighet. Whether
# Tullverket, Kustbevakningen or Skatteverket "har till uppgift att ingripa mot brottet"
# depends on the crime: a person judges it.
_CRIME_INVESTIGATORS = PROSECUTION_AND_POLICE | {_R.SAKERHETSPOLISEN}
_MAY_INTERVENE = frozenset({_R.TULLVERKET, _R.KUSTBEVAKNINGEN, _R.SKATTEVERKET})
CRIME_PURPOSES = frozenset({_P.INVESTIGATE_CRIME})
_ALL = parse_specs("*")
_SOCIAL_26_1 = parse_specs("26:1")
# OSL 19:3 second paragraph (bids): no text says a general rule reaches it.
_BIDS = parse_specs("19:3 st. 2")


def rule_id(citation: str, since: date, day: bool = False) -> str:
    """The stable id of a wording: "OSL 10:18 a" from 2013 is "osl-10-18-a-2013"."""
    words = citation.lower().replace(":", " ").replace("§", " ").split()
    stamp = since.isoformat() if day else str(since.year)
    return "-".join([*words, stamp])


def osl_version(
    rule: Rule,
    *,
    since: date,
    until: date | None,
    sfs: str,
    read: bool,
    day_id: bool = False,
    **changes: object,
) -> Rule:
    """Another wording of an OSL rule: its dates, SFS number and whether it was read.

    A wording that was not read carries a flag, so the rule never releases on its own.
    """
    paragraph = "_".join(rule.citation[4:].replace(":", " ").split())
    number = sfs.removeprefix("SFS ").replace(":", "_")
    flags = () if read else (f"osl_{paragraph}_{number}_wording_unverified",)
    fields: dict[str, object] = {
        "id": rule_id(rule.citation, since, day_id),
        "valid_from": since,
        "valid_to": until,
        "sfs": sfs,
        "url": statute_url(OSL, sfs),
        "flags": flags,
        "verified": f"{sfs} read" if read else f"only the date of {sfs} read",
    }
    return replace(rule, **{**fields, **changes})  # type: ignore[arg-type]


# --- 10:20–22: minors ------------------------------------------------------------------

_10_20 = Rule(
    id="osl-10-20-2015",
    citation="OSL 10:20",
    title="Immediate police intervention for a young person",
    valid_from=date(2015, 1, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN}),
    precedence=Precedence.MINORS,
    breaks=_SOCIAL_26_1,
    conditions=Conditions(
        purposes=frozenset({_P.IMMEDIATE_INTERVENTION}), max_subject_age=17
    ),
    standard=Standard.JUDGEMENT_OF_FACT,
    judgement=(
        "the young person was found 'under förhållanden som uppenbarligen innebär"
        " överhängande och allvarlig risk för den unges hälsa eller utveckling' or"
        " 'när han eller hon begår brott'"
    ),
    relevance="'som behövs för ett omedelbart polisiärt ingripande'",
    sfs="SFS 2014:633",
    url=statute_url(OSL),
    verified="SFS 2014:633 read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="Social-services staff's own finding; the only change since 2009 is the name"
    " of the police ('en polismyndighet').",
)

_10_21_CONDITIONS = Conditions(
    purposes=CRIME_PURPOSES,
    offence_references=("BrB 3", "BrB 4", "BrB 6", "Lag 1982:316"),
    victim_under_18=True,
)
_10_21 = Rule(
    id="osl-10-21-2025",
    citation="OSL 10:21",
    title="Suspected crime against a minor under BrB 3, 4 or 6 kap.",
    valid_from=date(2025, 12, 1),
    source="SRC-OSL",
    recipients=PROSECUTION_AND_POLICE,
    precedence=Precedence.MINORS,
    breaks=parse_specs(
        "25:1, 25:2 st. 2, 25:3-5, 26:1, 26:1 a st. 2, 26:3, 26:4, 26:6, 33:2, 33:4 a"
    ),
    conditions=_10_21_CONDITIONS,
    relevance="'om uppgiften angår misstanke om brott'",
    sfs="SFS 2025:965",
    url=statute_url(OSL, "SFS 2025:965"),
    verified="SFS 2025:965 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="No penalty threshold; attempts, preparation and conspiracy count; property"
    " crimes (BrB 9 kap.) do not.",
)
# Before 2022 there was no 33:4 a and before 2023 no 26:1 a; the older lists are as read
# in SFS 2022:916 less the provisions that did not exist yet.
_LIST_10_21_BEFORE_2022 = parse_specs(
    "25:1, 25:2 st. 2, 25:3-5, 26:1, 26:3, 26:4, 26:6, 33:2"
)
_LIST_10_21_2022 = parse_specs(
    "25:1, 25:2 st. 2, 25:3-5, 26:1, 26:3, 26:4, 26:6, 33:2, 33:4 a"
)

_10_22 = Rule(
    id="osl-10-22-2018",
    citation="OSL 10:22",
    title="Drugs, doping or alcohol supplied to a minor",
    valid_from=date(2018, 1, 1),
    source="SRC-OSL",
    recipients=PROSECUTION_AND_POLICE,
    precedence=Precedence.MINORS,
    breaks=_SOCIAL_26_1,
    conditions=Conditions(
        purposes=CRIME_PURPOSES,
        # Narkotikastrafflagen, lagen om förbud mot vissa dopningsmedel, alkohollagen.
        offence_references=("Lag 1968:64", "Lag 1991:1969", "Lag 2010:1622"),
        victim_under_18=True,
    ),
    relevance="'om uppgiften angår misstanke om brott'",
    sfs="SFS 2017:1076",
    url=statute_url(OSL),
    verified="SFS 2017:1076 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
)

_MINORS = (
    osl_version(
        _10_20,
        since=OSL_IN_FORCE,
        until=date(2014, 12, 31),
        sfs="SFS 2009:400",
        read=True,
        verified="SFS 2014:633 only replaced 'en polismyndighet' in 10:18 a–22 (its"
        " introductory clause read); the 2009 wording is otherwise today's",
    ),
    _10_20,
    osl_version(
        _10_21,
        since=OSL_IN_FORCE,
        until=date(2014, 12, 31),
        sfs="SFS 2009:400",
        read=False,
        breaks=_LIST_10_21_BEFORE_2022,
    ),
    osl_version(
        _10_21,
        since=date(2015, 1, 1),
        until=date(2021, 12, 31),
        sfs="SFS 2014:633",
        read=False,
        breaks=_LIST_10_21_BEFORE_2022,
    ),
    osl_version(
        _10_21,
        since=date(2022, 1, 1),
        until=date(2022, 12, 31),
        sfs="SFS 2021:644",
        read=False,
        breaks=_LIST_10_21_2022,
    ),
    osl_version(
        _10_21,
        since=date(2023, 1, 1),
        until=date(2025, 3, 31),
        sfs="SFS 2022:916",
        read=False,
        verified="the list of SFS 2022:916 read (lagar.nj.se print); the rest of its"
        " wording was not",
    ),
    osl_version(
        _10_21,
        since=date(2025, 4, 1),
        until=date(2025, 11, 30),
        sfs="SFS 2025:179",
        read=False,
        id="osl-10-21-2025-04",
    ),
    _10_21,
    osl_version(
        _10_22,
        since=OSL_IN_FORCE,
        until=date(2017, 12, 31),
        sfs="SFS 2009:400",
        read=False,
        conditions=replace(
            _10_22.conditions,
            # Alkohollagen (1994:1738) until 2010:1622 replaced it on 2011-01-01.
            offence_references=(
                "Lag 1968:64",
                "Lag 1991:1969",
                "Lag 1994:1738",
                "Lag 2010:1622",
            ),
        ),
    ),
    _10_22,
)

# --- 10:23–24: committed crime -----------------------------------------------------------

_10_23 = Rule(
    id="osl-10-23-2025",
    citation="OSL 10:23",
    title="Committed crime, strong secrecy, minimum six months",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=_CRIME_INVESTIGATORS,
    recipients_needing_judgement=_MAY_INTERVENE,
    precedence=Precedence.COMMITTED_CRIME,
    breaks=parse_specs(
        "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1, 26:1 a st. 2, 26:2-6,"
        " 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a, 36:3, 40:2, 40:5"
    ),
    conditions=Conditions(
        purposes=CRIME_PURPOSES, min_penalty_months=6, attempt_min_penalty_months=12
    ),
    relevance="'av betydelse för utredningen av ett begånget brott'",
    sfs="SFS 2025:179",
    url=statute_url(OSL, "SFS 2025:179"),
    verified="SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="'lägsta straffet ... fängelse i sex månader'; attempts, preparation and"
    " conspiracy only if the completed crime's minimum is a year.",
)
# SFS 2013:795 (read): "inte är föreskrivet lindrigare straff än fängelse i ett år",
# attempts "fängelse i två år"; the uppgift must "angå misstanke om ett begånget brott".
_ONE_YEAR = Conditions(
    purposes=CRIME_PURPOSES, min_penalty_months=12, attempt_min_penalty_months=24
)
_OLD_RELEVANCE = "'som angår misstanke om ett begånget brott'"
_LIST_10_23_2013 = parse_specs(
    "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1-6, 29:1, 31:1 st. 1, 31:2, 31:12,"
    " 33:2, 36:3, 40:2, 40:5"
)
_10_23_ONE_YEAR = replace(
    _10_23,
    title="Committed crime, strong secrecy, minimum one year",
    conditions=_ONE_YEAR,
    relevance=_OLD_RELEVANCE,
    note="Attempts count at a two-year minimum; the attempt to spread a disease"
    " under smittskyddslagen at one year (not modelled: a person decides).",
)
# Which of 2021:644, 2022:916 and 2022:1495 dropped 29:1 and how each list read was not
# verified: those provisions are a lawyer's to assess in those wordings.
_UNSURE_AFTER_2021 = parse_specs("29:1, 33:4 a, 26:1 a st. 2")

_10_24 = Rule(
    id="osl-10-24-2025",
    citation="OSL 10:24",
    title="Committed crime, other secrecy, imprisonment in the scale",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=_CRIME_INVESTIGATORS,
    recipients_needing_judgement=_MAY_INTERVENE,
    precedence=Precedence.COMMITTED_CRIME,
    breaks=_ALL,
    # Everything named in 19–23 §§ plus 25:2 st. 1 and 26:1 a st. 1.
    excludes=parse_specs(
        "24:2 a, 24:8, 25:1-8, 26:1-6, 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a, 36:3,"
        " 40:2, 40:5"
    ),
    assess_provisions=_BIDS,
    conditions=Conditions(purposes=CRIME_PURPOSES, imprisonment_in_scale=True),
    relevance="'av betydelse för utredningen av ett begånget brott'",
    sfs="SFS 2025:179",
    url=statute_url(OSL, "SFS 2025:179"),
    verified="SFS 2025:179 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
)
_10_24_PROGNOSIS = replace(
    _10_24,
    title="Committed crime, other secrecy, sentencing prognosis",
    standard=Standard.SENTENCING_PROGNOSIS,
    judgement="'det kan antas att brottet föranleder någon annan påföljd än böter'"
    " (as recalled; the wording was not read)",
    relevance=_OLD_RELEVANCE,
)

_COMMITTED_CRIME = (
    osl_version(
        _10_23_ONE_YEAR,
        since=OSL_IN_FORCE,
        until=date(2012, 6, 30),
        sfs="SFS 2009:400",
        read=False,
        breaks=parse_specs(
            "24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1-6, 29:1, 31:1 st. 1, 31:2, 31:12,"
            " 33:2, 36:3, 40:2, 40:5"
        ),
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2012, 7, 1),
        until=date(2013, 11, 30),
        sfs="SFS 2012:288",
        read=False,
        breaks=parse_specs(
            "24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1-6, 29:1, 31:1 st. 1, 31:2, 31:12,"
            " 33:2, 36:3, 40:2, 40:5"
        ),
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2013, 12, 1),
        until=date(2014, 12, 31),
        sfs="SFS 2013:795",
        read=True,
        breaks=_LIST_10_23_2013,
        verified="SFS 2013:795 read (print, lagboken.se)",
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2015, 1, 1),
        until=date(2021, 12, 31),
        sfs="SFS 2014:633",
        read=True,
        breaks=_LIST_10_23_2013,
        verified="SFS 2014:633 read (print, lagboken.se) up to its third point, which"
        " SFS 2013:795 worded alike",
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2022, 1, 1),
        until=date(2022, 12, 31),
        sfs="SFS 2021:644",
        read=True,
        breaks=parse_specs(
            "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1-6, 31:1 st. 1, 31:2, 31:12,"
            " 33:2, 36:3, 40:2, 40:5"
        ),
        assess_provisions=_UNSURE_AFTER_2021,
        verified="the thresholds as read in SFS 2013:795; the register shows SFS 2021:644"
        " changed the list (29:1 and 33:4 a are a lawyer's to assess)",
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2023, 1, 1),
        until=date(2023, 1, 1),
        sfs="SFS 2022:916",
        read=True,
        breaks=parse_specs(
            "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1, 26:2-6, 31:1 st. 1, 31:2,"
            " 31:12, 33:2, 36:3, 40:2, 40:5"
        ),
        assess_provisions=_UNSURE_AFTER_2021,
        verified="the thresholds as read in SFS 2013:795; the register shows SFS 2022:916"
        " changed the list (26:1 a, 29:1 and 33:4 a are a lawyer's to assess)",
    ),
    osl_version(
        _10_23_ONE_YEAR,
        since=date(2023, 1, 2),
        until=date(2025, 3, 31),
        sfs="SFS 2022:1495",
        day_id=True,
        read=True,
        breaks=parse_specs(
            "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1, 26:2-6, 31:1 st. 1, 31:2,"
            " 31:12, 33:2, 36:3, 40:2, 40:5"
        ),
        assess_provisions=_UNSURE_AFTER_2021,
        verified="the thresholds as read in SFS 2013:795 and confirmed by the 2017"
        " judgement (SRC-DJ17); SFS 2022:1495's change to the list was not read",
    ),
    _10_23,
    osl_version(
        _10_24_PROGNOSIS,
        since=OSL_IN_FORCE,
        until=date(2014, 12, 31),
        sfs="SFS 2009:400",
        read=False,
    ),
    osl_version(
        _10_24_PROGNOSIS,
        since=date(2015, 1, 1),
        until=date(2022, 12, 31),
        sfs="SFS 2014:633",
        read=False,
    ),
    osl_version(
        _10_24_PROGNOSIS,
        since=date(2023, 1, 1),
        until=date(2025, 3, 31),
        sfs="SFS 2022:916",
        read=False,
    ),
    _10_24,
)

# --- 10:18 a–c: risk of crime ------------------------------------------------------------

_10_18_A = Rule(
    id="osl-10-18-a-2025",
    citation="OSL 10:18 a",
    title="Young person under 21 at risk of crime",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN, _R.SAKERHETSPOLISEN, _R.TULLVERKET}),
    precedence=Precedence.CRIME_RISK,
    breaks=_SOCIAL_26_1,
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

CRIME_RULES: tuple[Rule, ...] = _MINORS + _COMMITTED_CRIME + _CRIME_RISK
"""Every wording of OSL 10:18 a–c and 10:20–24 since OSL came into force."""
