"""OSL 10:20–22: information about crimes against and risks to minors, every wording."""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.versions import (
    CRIME_PURPOSES,
    OSL,
    PROSECUTION_AND_POLICE,
    SOCIAL_26_1,
    osl_version,
)
from samverkan_sharing.rules.vocabulary import (
    OSL_IN_FORCE,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["MINORS_RULES"]

_R = Recipient
_P = PurposeCode

# --- 10:20–22: minors ------------------------------------------------------------------

_10_20 = Rule(
    id="osl-10-20-2015",
    citation="OSL 10:20",
    title="Immediate police intervention for a young person",
    valid_from=date(2015, 1, 1),
    source="SRC-OSL",
    recipients=frozenset({_R.POLISMYNDIGHETEN}),
    precedence=Precedence.MINORS,
    breaks=SOCIAL_26_1,
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
    breaks=SOCIAL_26_1,
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

MINORS_RULES: tuple[Rule, ...] = (
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
