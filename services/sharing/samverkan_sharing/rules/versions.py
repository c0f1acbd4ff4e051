"""OSL's wordings as versions of one rule: ids, dates, SFS numbers, who investigates.

Dates and SFS numbers are from the amendment register of the consolidated OSL (t.o.m. SFS
2025:1508). Where a wording was not read, the rule carries a flag and never releases on
its own.
"""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.vocabulary import PurposeCode, Recipient

__all__ = [
    "ALL",
    "BIDS",
    "CRIME_INVESTIGATORS",
    "CRIME_PURPOSES",
    "MAY_INTERVENE",
    "OSL",
    "PROSECUTION_AND_POLICE",
    "SOCIAL_26_1",
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
CRIME_INVESTIGATORS = PROSECUTION_AND_POLICE | {_R.SAKERHETSPOLISEN}
MAY_INTERVENE = frozenset({_R.TULLVERKET, _R.KUSTBEVAKNINGEN, _R.SKATTEVERKET})
CRIME_PURPOSES = frozenset({_P.INVESTIGATE_CRIME})
ALL = parse_specs("*")
SOCIAL_26_1 = parse_specs("26:1")
# OSL 19:3 second paragraph (bids): no text says a general rule reaches it.
BIDS = parse_specs("19:3 st. 2")


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
