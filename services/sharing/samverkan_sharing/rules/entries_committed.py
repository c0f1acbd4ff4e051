"""OSL 10:23–24: investigating a committed crime, every wording since 2009.

Of the older wordings only those of 10:23 in SFS 2013:795 and 2014:633 were read; where a
wording or part of a list was not, the rule flags it or leaves those provisions to a lawyer.
"""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.versions import (
    ALL,
    BIDS,
    CRIME_INVESTIGATORS,
    CRIME_PURPOSES,
    MAY_INTERVENE,
    OSL,
    osl_version,
)
from samverkan_sharing.rules.vocabulary import (
    OSL_IN_FORCE,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["COMMITTED_CRIME_RULES"]

_R = Recipient
_P = PurposeCode

# --- 10:23–24: committed crime -----------------------------------------------------------

_10_23 = Rule(
    id="osl-10-23-2025",
    citation="OSL 10:23",
    title="Committed crime, strong secrecy, minimum six months",
    valid_from=date(2025, 4, 1),
    source="SRC-OSL",
    recipients=CRIME_INVESTIGATORS,
    recipients_needing_judgement=MAY_INTERVENE,
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
    recipients=CRIME_INVESTIGATORS,
    recipients_needing_judgement=MAY_INTERVENE,
    precedence=Precedence.COMMITTED_CRIME,
    breaks=ALL,
    # Everything named in 19–23 §§ plus 25:2 st. 1 and 26:1 a st. 1.
    excludes=parse_specs(
        "24:2 a, 24:8, 25:1-8, 26:1-6, 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a, 36:3,"
        " 40:2, 40:5"
    ),
    assess_provisions=BIDS,
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

COMMITTED_CRIME_RULES: tuple[Rule, ...] = (
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
