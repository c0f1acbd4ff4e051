"""The OSL rules of the catalogue, one entry per dated wording (legal-rules.md §4.1)."""

from datetime import date

from samverkan_sharing.rules.entries_crime import (
    CRIME_PURPOSES,
    CRIME_RULES,
    OSL_IN_FORCE,
    PROSECUTION_AND_POLICE,
)
from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["ANYONE", "OSL_RULES"]

_R = Recipient
_P = PurposeCode


ANYONE = frozenset(Recipient)
# 10:27 second paragraph (Lag 2021:644).
_EXCLUDED_10_27 = parse_specs(
    "24:2 a, 24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a,"
    " 36:3, 40:2, 40:5"
)
# 10:15 a second paragraph (SFS 2025:934).
_EXCLUDED_10_15_A = parse_specs(
    "24:2 a, 24:8, 25:1-5, 25:8, 26:1 a st. 1, 26:3, 26:4, 26:6, 29:1, 29:2, 31:1 st. 1,"
    " 31:2, 31:12, 33:2, 33:4 a, 36:3, 40:2, 40:5"
)
_ALL = parse_specs("*")

_NOT_SECRET = (
    Rule(
        id="osl-6-5-2009",
        citation="OSL 6:5",
        title="Non-secret data to another authority on request",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=AUTHORITIES,
        precedence=Precedence.NOT_SECRET,
        conditions=Conditions(initiatives=frozenset({Initiative.REQUEST})),
        note="No secrecy-breaking rule and no purpose needed; GDPR still applies.",
    ),
    Rule(
        id="osl-8-1-2009",
        citation="OSL 8:1",
        title="Non-secret data: OSL forbids disclosing only what is secret",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=ANYONE,
        precedence=Precedence.NOT_SECRET + 1,
        note="Own-initiative notices and non-authorities; GDPR still applies.",
    ),
)

_CLAIMED = (
    Rule(
        id="osl-10-2-2009",
        citation="OSL 10:2",
        title="Disclosure necessary for the discloser's own task",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=ANYONE,
        precedence=Precedence.CLAIMED,
        breaks=_ALL,
        standard=Standard.NECESSITY,
        claim_required=True,
        note="Construed narrowly; the only route to a private body besides consent.",
    ),
    Rule(
        id="osl-10-2-a-2023",
        citation="OSL 10:2 a",
        title="Technical processing or storage by a provider",
        valid_from=date(2023, 7, 1),
        source="SRC-OSL",
        recipients=ANYONE,
        precedence=Precedence.CLAIMED,
        breaks=_ALL,
        standard=Standard.NOT_INAPPROPRIATE,
        claim_required=True,
    ),
    Rule(
        id="osl-12-2-2009",
        citation="OSL 12:2",
        title="The protected individual's consent",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=ANYONE,
        precedence=Precedence.CLAIMED,
        breaks=parse_specs("21-40"),
        standard=Standard.CONSENT,
        claim_required=True,
        note="Only secrecy protecting an individual can be waived by that individual.",
    ),
)

_SUPERVISION_AND_PROCEEDINGS = (
    Rule(
        id="osl-10-17-2009",
        citation="OSL 10:17",
        title="Supervision of or audit at the disclosing authority",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=frozenset({_R.IVO}),
        precedence=Precedence.SUPERVISION_AND_PROCEEDINGS,
        breaks=_ALL,
        conditions=Conditions(
            purposes=frozenset({_P.SUPERVISION_OF_DISCLOSER}),
            holder_activities=frozenset(
                {HolderActivity.SOCIAL_SERVICES, HolderActivity.HEALTH_CARE}
            ),
        ),
        note="IVO supervises socialnämnden; not a private HVB (that is SoL 27:7).",
    ),
    Rule(
        id="osl-10-18-2009",
        citation="OSL 10:18",
        title="Proceedings about someone's part in the discloser's activity",
        valid_from=OSL_IN_FORCE,
        source="SRC-OSL",
        recipients=PROSECUTION_AND_POLICE,
        precedence=Precedence.SUPERVISION_AND_PROCEEDINGS,
        breaks=_ALL,
        conditions=Conditions(purposes=CRIME_PURPOSES),
        # The link to the discloser's own staff is claimed, not shown: a human checks it.
        standard=Standard.JUDGEMENT_OF_FACT,
        claim_required=True,
    ),
)

_GENERAL = (
    Rule(
        id="osl-10-15-a-2025",
        citation="OSL 10:15 a",
        title="Generic rule for individuals' secrecy between authorities",
        valid_from=date(2025, 12, 1),
        source="SRC-P180",
        recipients=AUTHORITIES,
        precedence=Precedence.GENERIC,
        breaks=parse_specs("21-40"),
        excludes=_EXCLUDED_10_15_A,
        conditions=Conditions(
            purposes=frozenset(
                {
                    _P.PREVENT_CRIME,
                    _P.CRIME_FIGHTING,
                    _P.INVESTIGATE_CRIME,
                    _P.PREVENT_INCORRECT_PAYMENT,
                    _P.NOTIFY_INCORRECT_PAYMENT,
                    _P.PREVENT_INCORRECT_TAXATION,
                    _P.PREVENT_RULE_BREACH,
                    _P.REPORT_SUPPLIER_DEFICIENCY,
                    _P.REPORT_AGREEMENT_BREACH,
                }
            )
        ),
        standard=Standard.OVERRIDING_REASONS,
        note="Points 1-5; includes 26:1 but not 25:1-5 nor public-interest 15-20 kap.",
    ),
    Rule(
        id="osl-10-27-2022",
        citation="OSL 10:27",
        title="The general clause",
        valid_from=date(2022, 1, 1),
        source="SRC-OSL",
        recipients=AUTHORITIES,
        precedence=Precedence.GENERAL_CLAUSE,
        breaks=_ALL,
        excludes=_EXCLUDED_10_27,
        conditions=Conditions(purposes=frozenset(PurposeCode)),
        standard=Standard.OBVIOUS_PRIORITY,
        note="Lag 2021:644; never for 25:1-8 or 26:1-6; earlier wording not modelled.",
    ),
)

OSL_RULES: tuple[Rule, ...] = (
    _NOT_SECRET + _CLAIMED + _SUPERVISION_AND_PROCEEDINGS + CRIME_RULES + _GENERAL
)
"""Every OSL rule version of the shipped catalogue."""
