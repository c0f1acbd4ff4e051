"""Duties in other laws, applied through OSL 10:28 (legal-rules.md §4.4)."""

from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    CRIME_FIGHTING_AGENCIES,
    Category,
    Flag,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["DUTY_RULES"]

_R = Recipient
_P = PurposeCode
# "Sekretess hindrar inte att en uppgift lämnas till en annan myndighet, om
# uppgiftsskyldighet följer av lag eller förordning" breaks all secrecy, as far as the
# duty reaches.
_GATEWAY = "OSL 10:28"
_ALL = parse_specs("*")
_REQUEST = frozenset({Initiative.REQUEST})
_OWN_INITIATIVE = frozenset({Initiative.OWN_INITIATIVE})
_SOCIAL_SERVICES = frozenset({HolderActivity.SOCIAL_SERVICES})
_CRIME_FIGHTING_PURPOSES = frozenset(
    {_P.CRIME_FIGHTING, _P.INVESTIGATE_CRIME, _P.PREVENT_CRIME}
)
# Lag 2025:170 8 § is truncated in the source; the government says social services and
# health care have no general duty, so 25 and 26 kap. are assumed excluded.
_EXCLUDED_2025_170_8 = parse_specs("24:8, 25, 26")
# Lag 2024:307 2 §: the exception list is truncated in the source after 36 kap. 3 §.
_EXCLUDED_2024_307 = parse_specs(
    "15-20, 24:2 a, 24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2,"
    " 33:4 a, 36:3"
)

_SOCIAL_SERVICES_ACT = (
    Rule(
        id="sol-15-4-2025",
        citation="SoL 2025:400 15:4",
        title="Paid economic assistance, on request, against incorrect payments or tax",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=AUTHORITIES,
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            purposes=frozenset(
                {_P.PREVENT_INCORRECT_PAYMENT, _P.PREVENT_INCORRECT_TAXATION}
            ),
            holder_activities=_SOCIAL_SERVICES,
            categories=frozenset({Category.ECONOMIC_ASSISTANCE}),
        ),
        note="Only data on paid assistance; the 2001:453 predecessor is not modelled.",
    ),
    Rule(
        id="sol-15-7-2025",
        citation="SoL 2025:400 15:7",
        title="Whether someone stays in a care home, on request of listed authorities",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=frozenset(
            {
                _R.AKLAGARMYNDIGHETEN,
                _R.POLISMYNDIGHETEN,
                _R.SAKERHETSPOLISEN,
                _R.KRONOFOGDEMYNDIGHETEN,
                _R.SKATTEVERKET,
                _R.TULLVERKET,
            }
        ),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            holder_activities=_SOCIAL_SERVICES,
            categories=frozenset({Category.CHILD_SOCIAL, Category.ADULT_CLIENT_SOCIAL}),
        ),
        # The duty covers only *whether* someone stays in a home, not the whole file.
        standard=Standard.SCOPE_OF_DUTY,
    ),
    Rule(
        id="sol-27-6-2025",
        citation="SoL 2025:400 27:6",
        title="Serious wrongs in social services reported to IVO",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=frozenset({_R.IVO}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.REPORT_SUPPLIER_DEFICIENCY}),
            holder_activities=_SOCIAL_SERVICES,
        ),
        # "allvarliga missförhållanden" is a judgement the nämnd makes and documents.
        standard=Standard.JUDGEMENT_OF_FACT,
    ),
    Rule(
        id="sol-28-5-2025",
        citation="SoL 2025:400 28:5",
        title="Documents and information IVO asks for in its supervision",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=frozenset({_R.IVO}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            purposes=frozenset({_P.SUPERVISION_OF_DISCLOSER}),
            holder_activities=_SOCIAL_SERVICES,
        ),
        # "Den som bedriver verksamhet som står under tillsyn enligt denna lag är skyldig
        # att på begäran av Inspektionen för vård och omsorg lämna över handlingar ... som
        # myndigheten behöver för sin tillsyn" (28:1: IVO supervises socialtjänsten). A duty
        # on request only; what IVO needs is IVO's judgement, so no assessment here.
        note="Text read in SRC-SOL (SoL 2025:400 28 kap. 5 §); overlaps OSL 10:17.",
    ),
    Rule(
        id="sol-27-7-2026",
        citation="SoL 2025:400 27:7",
        title="Municipality reports deficiencies in a licensed activity to IVO",
        valid_from=date(2026, 1, 1),
        source="SRC-SOL",
        recipients=frozenset({_R.IVO}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.REPORT_SUPPLIER_DEFICIENCY}),
        ),
        note="SFS 2025:1299; the statutory route for HVB supplier tips to IVO.",
    ),
)

_OTHER_LAWS = (
    Rule(
        id="lag-2008-206-3-2020",
        citation="Lag 2008:206 3 §",
        title="Notice of a likely incorrect payment to the deciding body",
        valid_from=date(2020, 1, 1),
        source="SRC-2008:206",
        recipients=frozenset(
            {
                _R.FORSAKRINGSKASSAN,
                _R.CSN,
                _R.ARBETSFORMEDLINGEN,
                _R.PENSIONSMYNDIGHETEN,
                _R.MIGRATIONSVERKET,
                _R.KOMMUN,
            }
        ),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.NOTIFY_INCORRECT_PAYMENT}),
        ),
        standard=Standard.SPECIAL_REASONS,
        flags=(Flag.LAG_2008_206_AMENDMENT_DATE_UNVERIFIED.value,),
        note="Kommuner since 2020-01-01 (SRC-SKR20); 4 §: only the circumstances.",
    ),
    Rule(
        id="fol-32-2021",
        citation="FOL 32 §",
        title="Notice of a likely wrong population registration to Skatteverket",
        valid_from=date(2021, 6, 18),
        source="SRC-FOL",
        recipients=frozenset({_R.SKATTEVERKET}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.NOTIFY_POPULATION_REGISTER_ERROR}),
        ),
        # Exceptions for social-services and health secrecy unknown: a lawyer decides.
        assess_provisions=parse_specs("25, 26"),
        flags=(Flag.FOL_32_TEXT_UNVERIFIED.value,),
    ),
    Rule(
        id="lag-2024-307-2-2024",
        citation="Lag 2024:307 2 §",
        title="Data against incorrect payments from the welfare systems",
        valid_from=date(2024, 7, 1),
        source="SRC-2024:307",
        recipients=frozenset(
            {
                _R.ARBETSFORMEDLINGEN,
                _R.CSN,
                _R.FORSAKRINGSKASSAN,
                _R.IVO,
                _R.KRONOFOGDEMYNDIGHETEN,
                _R.MIGRATIONSVERKET,
                _R.PENSIONSMYNDIGHETEN,
                _R.SKATTEVERKET,
                _R.KOMMUN,
            }
        ),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        excludes=_EXCLUDED_2024_307,
        gateway=_GATEWAY,
        conditions=Conditions(
            purposes=frozenset(
                {_P.PREVENT_INCORRECT_PAYMENT, _P.NOTIFY_INCORRECT_PAYMENT}
            ),
        ),
        standard=Standard.OVERRIDING_REASONS,
        flags=(Flag.LAG_2024_307_UNVERIFIED.value,),
    ),
    Rule(
        id="lag-2025-170-4-2025",
        citation="Lag 2025:170 4 §",
        title="A person's contact details to a crime-fighting agency",
        valid_from=date(2025, 4, 1),
        source="SRC-2025:170",
        recipients=CRIME_FIGHTING_AGENCIES,
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=_GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            purposes=_CRIME_FIGHTING_PURPOSES,
            categories=frozenset({Category.SUPPLIER_STAFF, Category.PROTECTED_CONTACT}),
        ),
        standard=Standard.EXCEPTIONAL_REASONS,
        flags=(Flag.LAG_2025_170_UNVERIFIED.value,),
        note="Applies even to social services; only contact details.",
    ),
    Rule(
        id="lag-2025-170-6-2025",
        citation="Lag 2025:170 6 §",
        title="A municipality's duty to inform the crime-fighting agencies",
        valid_from=date(2025, 4, 1),
        source="SRC-2025:170",
        recipients=CRIME_FIGHTING_AGENCIES,
        precedence=Precedence.DUTY,
        breaks=_ALL,
        excludes=_EXCLUDED_2025_170_8,
        gateway=_GATEWAY,
        conditions=Conditions(purposes=_CRIME_FIGHTING_PURPOSES),
        standard=Standard.CLEARLY_OUTWEIGHS,
        flags=(Flag.LAG_2025_170_UNVERIFIED.value,),
    ),
)

DUTY_RULES: tuple[Rule, ...] = _SOCIAL_SERVICES_ACT + _OTHER_LAWS
"""Every duty rule version of the shipped catalogue."""
