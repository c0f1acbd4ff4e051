"""OSL 10:18 a–24: crime prevention and committed crime, one entry per wording (§4.2)."""

from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.vocabulary import Flag, PurposeCode, Recipient, Standard

__all__ = ["CRIME_PURPOSES", "CRIME_RULES", "OSL_IN_FORCE", "PROSECUTION_AND_POLICE"]

_R = Recipient
_P = PurposeCode
# OSL 2009:400 entered into force; the law before it is not modelled.
OSL_IN_FORCE = date(2009, 6, 30)

PROSECUTION_AND_POLICE = frozenset(
    {_R.AKLAGARMYNDIGHETEN, _R.EKOBROTTSMYNDIGHETEN, _R.POLISMYNDIGHETEN}
)
# 10:23/10:24: "en åklagarmyndighet, Polismyndigheten, Säkerhetspolisen"; EBM counts as an
# åklagarmyndighet (§4.2). Whether Tullverket or Skatteverket "har till uppgift att
# ingripa mot brottet" depends on the crime: a human judges it.
_CRIME_INVESTIGATORS = PROSECUTION_AND_POLICE | {_R.SAKERHETSPOLISEN}
_MAY_INTERVENE = frozenset({_R.TULLVERKET, _R.SKATTEVERKET})
CRIME_PURPOSES = frozenset({_P.INVESTIGATE_CRIME})

# 10:23 first paragraph: the strong secrecies it lifts.
_STRONG_10_23 = parse_specs(
    "24:2 a, 24:8, 25:1, 25:2 st. 2, 25:3-8, 26:1, 26:1 a st. 2, 26:2-6, 31:1 st. 1,"
    " 31:2, 31:12, 33:2, 33:4 a, 36:3, 40:2, 40:5"
)
# 10:24: everything named in 19–23 §§ plus 25:2 st. 1 and 26:1 a st. 1.
_EXCLUDED_10_24 = parse_specs(
    "24:2 a, 24:8, 25:1-8, 26:1-6, 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a, 36:3, 40:2, 40:5"
)
# 10:21 first paragraph, as amended by SFS 2025:965.
_MINORS_10_21 = parse_specs(
    "25:1, 25:2 st. 2, 25:3-5, 26:1, 26:1 a st. 2, 26:3, 26:4, 26:6, 33:2, 33:4 a"
)
_ALL = parse_specs("*")
_SOCIAL_26_1 = parse_specs("26:1")

_MINORS = (
    Rule(
        id="osl-10-20-2009",
        citation="OSL 10:20",
        title="Immediate police intervention for a young person",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=frozenset({_R.POLISMYNDIGHETEN}),
        precedence=Precedence.MINORS,
        breaks=_SOCIAL_26_1,
        conditions=Conditions(
            purposes=frozenset({_P.IMMEDIATE_INTERVENTION}), max_subject_age=17
        ),
    ),
    Rule(
        id="osl-10-21-2009",
        citation="OSL 10:21",
        title="Suspected crime against a minor under BrB 3, 4 or 6 kap.",
        valid_from=OSL_IN_FORCE,
        valid_to=date(2025, 11, 30),
        source="SRC-OSL",
        recipients=PROSECUTION_AND_POLICE,
        precedence=Precedence.MINORS,
        breaks=_MINORS_10_21,
        conditions=Conditions(
            purposes=CRIME_PURPOSES,
            offence_references=("BrB 3:", "BrB 4:", "BrB 6:", "Lag 1982:316"),
            victim_under_18=True,
        ),
        flags=(Flag.OSL_10_21_OLD_WORDING_UNVERIFIED.value,),
        note="Wording before SFS 2025:965 not read; the current list is assumed.",
    ),
    Rule(
        id="osl-10-21-2025",
        citation="OSL 10:21",
        title="Suspected crime against a minor under BrB 3, 4 or 6 kap.",
        valid_from=date(2025, 12, 1),
        source="SRC-OSL",
        recipients=PROSECUTION_AND_POLICE,
        precedence=Precedence.MINORS,
        breaks=_MINORS_10_21,
        conditions=Conditions(
            purposes=CRIME_PURPOSES,
            offence_references=("BrB 3:", "BrB 4:", "BrB 6:", "Lag 1982:316"),
            victim_under_18=True,
        ),
        note="No penalty threshold; attempts count; property crimes (BrB 9) do not.",
    ),
    Rule(
        id="osl-10-22-2009",
        citation="OSL 10:22",
        title="Drugs, doping or alcohol supplied to a minor",
        valid_from=OSL_IN_FORCE,
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
    ),
)

_COMMITTED_CRIME = (
    Rule(
        id="osl-10-23-2023",
        citation="OSL 10:23",
        title="Committed crime, strong secrecy, minimum one year",
        valid_from=date(2023, 1, 1),
        valid_to=date(2025, 3, 31),
        source="SRC-AM17",
        recipients=_CRIME_INVESTIGATORS,
        recipients_needing_judgement=_MAY_INTERVENE,
        precedence=Precedence.COMMITTED_CRIME,
        breaks=_STRONG_10_23,
        conditions=Conditions(
            purposes=CRIME_PURPOSES,
            min_penalty_months=12,
            attempt_min_penalty_months=24,
        ),
        flags=(Flag.OSL_10_23_OLD_ATTEMPT_THRESHOLD_UNVERIFIED.value,),
        note="'inte är föreskrivet lindrigare straff än fängelse i ett år' (SRC-DJ17).",
    ),
    Rule(
        id="osl-10-23-2025",
        citation="OSL 10:23",
        title="Committed crime, strong secrecy, minimum six months",
        valid_from=date(2025, 4, 1),
        source="SRC-OSL",
        recipients=_CRIME_INVESTIGATORS,
        recipients_needing_judgement=_MAY_INTERVENE,
        precedence=Precedence.COMMITTED_CRIME,
        breaks=_STRONG_10_23,
        conditions=Conditions(
            purposes=CRIME_PURPOSES,
            min_penalty_months=6,
            attempt_min_penalty_months=12,
        ),
        note="SFS 2025:179; attempts only if the completed crime's minimum is a year.",
    ),
    Rule(
        id="osl-10-24-2009",
        citation="OSL 10:24",
        title="Committed crime, other secrecy, sentencing prognosis",
        valid_from=OSL_IN_FORCE,
        valid_to=date(2025, 3, 31),
        source="SRC-OSL",
        recipients=_CRIME_INVESTIGATORS,
        recipients_needing_judgement=_MAY_INTERVENE,
        precedence=Precedence.COMMITTED_CRIME,
        breaks=_ALL,
        excludes=_EXCLUDED_10_24,
        conditions=Conditions(purposes=CRIME_PURPOSES, imprisonment_in_scale=True),
        standard=Standard.SENTENCING_PROGNOSIS,
        flags=(Flag.OSL_10_24_OLD_WORDING_UNVERIFIED.value,),
        note="'det kan antas att brottet föranleder någon annan påföljd än böter'.",
    ),
    Rule(
        id="osl-10-24-2025",
        citation="OSL 10:24",
        title="Committed crime, other secrecy, imprisonment in the scale",
        valid_from=date(2025, 4, 1),
        source="SRC-OSL",
        recipients=_CRIME_INVESTIGATORS,
        recipients_needing_judgement=_MAY_INTERVENE,
        precedence=Precedence.COMMITTED_CRIME,
        breaks=_ALL,
        excludes=_EXCLUDED_10_24,
        conditions=Conditions(purposes=CRIME_PURPOSES, imprisonment_in_scale=True),
    ),
)

_CRIME_RISK = (
    Rule(
        id="osl-10-18-a-2013",
        citation="OSL 10:18 a",
        title="Young person under 21 at risk of crime",
        valid_from=date(2013, 1, 1),
        valid_to=date(2025, 3, 31),
        source="SRC-P171",
        recipients=frozenset({_R.POLISMYNDIGHETEN}),
        precedence=Precedence.CRIME_RISK,
        breaks=_SOCIAL_26_1,
        conditions=Conditions(
            purposes=frozenset({_P.PREVENT_CRIME}), max_subject_age=20
        ),
        standard=Standard.NOT_INAPPROPRIATE,
        flags=(Flag.OSL_10_18_A_OLD_WORDING_UNVERIFIED.value,),
    ),
    Rule(
        id="osl-10-18-a-2025",
        citation="OSL 10:18 a",
        title="Young person under 21 at risk of crime",
        valid_from=date(2025, 4, 1),
        source="SRC-OSL",
        recipients=frozenset({_R.POLISMYNDIGHETEN, _R.SAKERHETSPOLISEN, _R.TULLVERKET}),
        precedence=Precedence.CRIME_RISK,
        breaks=_SOCIAL_26_1,
        conditions=Conditions(
            purposes=frozenset({_P.PREVENT_CRIME}), max_subject_age=20
        ),
        standard=Standard.NOT_INAPPROPRIATE,
    ),
    Rule(
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
        claim_required=True,
        note="Marginal here: tried only when the request names it.",
    ),
    Rule(
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
            offence_references=("BrB 3:", "BrB 4:", "BrB 6:"),
            min_penalty_months=12,
        ),
        standard=Standard.NOT_INAPPROPRIATE,
    ),
)

CRIME_RULES: tuple[Rule, ...] = _MINORS + _COMMITTED_CRIME + _CRIME_RISK
"""Every version of OSL 10:18 a–c and 10:20–24 in the shipped catalogue."""
