"""Duties in the social services acts, applied through OSL 10:28 (docs/rules.md).

Socialtjänstlag (2001:453) until 2025-06-30, socialtjänstlag (2025:400) from 2025-07-01.
A duty lifts secrecy only as far as it reaches: where its text turns on a judgement ("anledning
att anta", "allvarliga brister", "misstänker att ett barn far illa") a person decides, and
the rule is limited to the categories the duty can concern.
"""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    OSL_IN_FORCE,
    Category,
    FieldKind,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["GATEWAY", "SOCIAL_SERVICES_RULES"]

_R = Recipient
_P = PurposeCode
_C = Category
# "Sekretess hindrar inte att en uppgift lämnas till en annan myndighet, om
# uppgiftsskyldighet följer av lag eller förordning" breaks all secrecy, as far as the
# duty reaches.
GATEWAY = "OSL 10:28"
_ALL = parse_specs("*")
_REQUEST = frozenset({Initiative.REQUEST})
_OWN_INITIATIVE = frozenset({Initiative.OWN_INITIATIVE})
_SOCIAL_SERVICES = frozenset({HolderActivity.SOCIAL_SERVICES})
_SOL_2001 = "2001:453"
_SOL_2025 = "2025:400"
_READ_2025 = "SFS 2025:400 read (consolidated, published 2025-12-15)"
# What a report about an activity for children or a care home can concern.
_CARE_AND_SUPPLIER = frozenset(
    {
        _C.SUPPLIER_COMPANY,
        _C.SUPPLIER_BUSINESS,
        _C.SUPPLIER_STAFF,
        _C.CHILD_SOCIAL,
        _C.ADULT_CLIENT_SOCIAL,
        _C.HEALTH_CARE,
        _C.HEALTH_ANY,
    }
)
_CHILD_AT_RISK = frozenset(
    {
        _C.CHILD_SOCIAL,
        _C.HEALTH_CARE,
        _C.HEALTH_ANY,
        _C.SUPPLIER_COMPANY,
        _C.SUPPLIER_BUSINESS,
        _C.SUPPLIER_STAFF,
    }
)
# SoL 2025:400 15:7 p. 1: "en domstol, en åklagarmyndighet, Polismyndigheten,
# Säkerhetspolisen, Kronofogdemyndigheten, Skatteverket eller Tullverket"; EBM is an
# åklagarmyndighet. A court is not a recipient of this service.
_WHEREABOUTS_ASKERS = frozenset(
    {
        _R.AKLAGARMYNDIGHETEN,
        _R.EKOBROTTSMYNDIGHETEN,
        _R.POLISMYNDIGHETEN,
        _R.SAKERHETSPOLISEN,
        _R.KRONOFOGDEMYNDIGHETEN,
        _R.SKATTEVERKET,
        _R.TULLVERKET,
    }
)
_LEX_SARAH_JUDGEMENT = (
    "'ett allvarligt missförhållande eller en påtaglig risk för ett allvarligt"
    " missförhållande' in the nämnd's own activity"
)
# A duty lifts secrecy only as far as it reaches: only what the report itself needs.
_REPORT_NEEDS = "that the report itself needs (a duty reaches no further)"
_CHILD_AT_RISK_JUDGEMENT = (
    "whether the municipality 'i sin verksamhet får kännedom om eller misstänker att"
    " ett barn far illa', and whether its activity is one the duty names"
)

_PAID_ASSISTANCE = Conditions(
    initiatives=_REQUEST,
    purposes=frozenset({_P.PREVENT_INCORRECT_PAYMENT, _P.PREVENT_INCORRECT_TAXATION}),
    holder_activities=_SOCIAL_SERVICES,
    categories=frozenset({_C.ECONOMIC_ASSISTANCE}),
)
_WHEREABOUTS = Conditions(
    initiatives=_REQUEST,
    holder_activities=_SOCIAL_SERVICES,
    field_kinds=frozenset({FieldKind.WHEREABOUTS}),
)
_LEX_SARAH = Conditions(
    initiatives=_OWN_INITIATIVE,
    purposes=frozenset({_P.REPORT_OWN_ACTIVITY_WRONG}),
    holder_activities=_SOCIAL_SERVICES,
)
_CHILD_REPORT = Conditions(
    initiatives=_OWN_INITIATIVE,
    purposes=frozenset({_P.REPORT_CHILD_AT_RISK}),
    recipient_activities=frozenset({"social_services"}),
    categories=_CHILD_AT_RISK,
)

# One entry per duty as SoL 2025:400 words it; the 2001:453 wordings are versions of it.
_PAID_ASSISTANCE_DUTY = Rule(
    id="sol-15-4-2025",
    citation="SoL 2025:400 15:4",
    title="Paid economic assistance, on request, against incorrect payments or tax",
    valid_from=date(2025, 7, 1),
    source="SRC-SOL",
    recipients=AUTHORITIES,
    precedence=Precedence.DUTY,
    breaks=_ALL,
    gateway=GATEWAY,
    conditions=_PAID_ASSISTANCE,
    sfs="SFS 2025:400",
    url=statute_url(_SOL_2025),
    verified=_READ_2025,
    note="Only data on paid assistance.",
)
_WHEREABOUTS_DUTY = Rule(
    id="sol-15-7-2025",
    citation="SoL 2025:400 15:7",
    title="Whether someone stays in a care home, on request of listed authorities",
    valid_from=date(2025, 7, 1),
    source="SRC-SOL",
    recipients=_WHEREABOUTS_ASKERS,
    precedence=Precedence.DUTY,
    breaks=_ALL,
    gateway=GATEWAY,
    conditions=_WHEREABOUTS,
    sfs="SFS 2025:400",
    url=statute_url(_SOL_2025),
    verified=_READ_2025 + ", point 1",
    note="Point 1 answers only whether a person stays in a familjehem, stödboende,"
    " skyddat boende or HVB: only fields marked 'whereabouts'.",
)
_LEX_SARAH_DUTY = Rule(
    id="sol-27-6-2025",
    citation="SoL 2025:400 27:6",
    title="Lex Sarah: a serious wrong in the nämnd's own activity reported to IVO",
    valid_from=date(2025, 7, 1),
    source="SRC-SOL",
    recipients=frozenset({_R.IVO}),
    precedence=Precedence.DUTY,
    breaks=_ALL,
    gateway=GATEWAY,
    conditions=_LEX_SARAH,
    standard=Standard.DUTY_TRIGGER,
    judgement=_LEX_SARAH_JUDGEMENT,
    relevance=_REPORT_NEEDS,
    sfs="SFS 2025:400",
    url=statute_url(_SOL_2025),
    verified=_READ_2025 + ": 'Anmälan ska göras av 1. socialnämnden, 2. den som"
    " bedriver yrkesmässig enskild verksamhet'",
    note="The operator reports its own activity: a private supplier reports its own"
    " wrongs, so this is no route to a supplier case (that is 27:7).",
)
_CHILD_REPORT_DUTY = Rule(
    id="sol-19-1-2026",
    citation="SoL 2025:400 19:1",
    title="Report to socialnämnden that a child may be harmed",
    valid_from=date(2026, 1, 15),
    source="SRC-SOL",
    recipients=frozenset({_R.KOMMUN}),
    precedence=Precedence.DUTY,
    breaks=_ALL,
    gateway=GATEWAY,
    conditions=_CHILD_REPORT,
    standard=Standard.DUTY_TRIGGER,
    judgement=_CHILD_AT_RISK_JUDGEMENT,
    relevance=_REPORT_NEEDS,
    sfs="SFS 2025:1501",
    url=statute_url(_SOL_2025, "SFS 2025:1501"),
    verified="SFS 2025:1501 wording read: 22 named kinds of obliged bodies, '21. andra"
    " myndigheter om myndighetens verksamhet berör barn och unga'",
    note="The report itself is secret at the reporting authority from 2026-01-15"
    " (OSL 40:7 g).",
)


def _sol_2001(rule: Rule, citation: str, **changes: object) -> Rule:
    """The same duty as socialtjänstlag (2001:453) worded it, until it was repealed."""
    fields: dict[str, object] = {
        "citation": f"SoL 2001:453 {citation}",
        "valid_to": date(2025, 6, 30),
        "source": "SRC-SOL2001",
        "url": statute_url(_SOL_2001),
        "note": "",
    }
    return replace(rule, **{**fields, **changes})  # type: ignore[arg-type]


_SOL_2001_RULES = (
    _sol_2001(
        _PAID_ASSISTANCE_DUTY,
        "12:7",
        id="sol-2001-12-7-2009",
        valid_from=OSL_IN_FORCE,
        valid_to=date(2011, 12, 31),
        sfs="SFS 2009:496",
        verified="only the date of SFS 2009:496 read; the first paragraph is believed"
        " unchanged by SFS 2011:1407",
        flags=("sol_2001_12_7_2009_496_wording_unverified",),
    ),
    _sol_2001(
        _PAID_ASSISTANCE_DUTY,
        "12:7",
        id="sol-2001-12-7-2012",
        valid_from=date(2012, 1, 1),
        sfs="SFS 2011:1407",
        verified="SFS 2011:1407 read: 'på begäran av en annan myndighet lämna uppgifter"
        " ... om utbetalad ekonomisk hjälp, om syftet är att undvika felaktiga"
        " utbetalningar från det allmänna eller en felaktig beskattning'",
        note=_PAID_ASSISTANCE_DUTY.note,
    ),
    _sol_2001(
        _WHEREABOUTS_DUTY,
        "12:10",
        id="sol-2001-12-10-2009",
        valid_from=OSL_IN_FORCE,
        sfs="SFS 2001:453",
        verified="not read: amended 14 times 2004-2025 (last SFS 2025:174); the askers"
        " are assumed as in SoL 2025:400 15:7",
        flags=("sol_2001_12_10_wording_unverified",),
    ),
    _sol_2001(
        _LEX_SARAH_DUTY,
        "14:7",
        id="sol-2001-14-7-2013",
        valid_from=date(2013, 6, 1),
        sfs="SFS 2012:944",
        verified="SFS 2012:944 read: 'Anmälan ska göras av 1. socialnämnden, 2. den som"
        " bedriver yrkesmässig enskild verksamhet'",
        note=_LEX_SARAH_DUTY.note,
    ),
    _sol_2001(
        _CHILD_REPORT_DUTY,
        "14:1",
        id="sol-2001-14-1-2009",
        valid_from=OSL_IN_FORCE,
        valid_to=date(2015, 12, 31),
        sfs="SFS 2001:453",
        verified="only the wording of SFS 2015:982 read",
        flags=("sol_2001_14_1_before_2016_wording_unverified",),
    ),
    _sol_2001(
        _CHILD_REPORT_DUTY,
        "14:1",
        id="sol-2001-14-1-2016",
        valid_from=date(2016, 1, 1),
        sfs="SFS 2015:982",
        verified="SFS 2015:982 read: '1. myndigheter vars verksamhet berör barn och unga'",
    ),
)

_SOL_2025_RULES = (
    _PAID_ASSISTANCE_DUTY,
    _WHEREABOUTS_DUTY,
    Rule(
        id="sol-15-7-2-2025",
        citation="SoL 2025:400 15:7 p. 2",
        title="What Skatteverket needs in a case of protected population registration",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=frozenset({_R.SKATTEVERKET}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            purposes=frozenset({_P.PROTECTED_POPULATION_REGISTRATION}),
            holder_activities=_SOCIAL_SERVICES,
        ),
        relevance="'som behövs i ett ärende hos Skatteverket om skyddad folkbokföring"
        " enligt 16 § folkbokföringslagen (1991:481)'",
        sfs="SFS 2025:400",
        url=statute_url(_SOL_2025),
        verified=_READ_2025 + ", point 2",
    ),
    _LEX_SARAH_DUTY,
    Rule(
        id="sol-28-5-2025",
        citation="SoL 2025:400 28:5",
        title="Documents and information IVO asks for in its supervision",
        valid_from=date(2025, 7, 1),
        source="SRC-SOL",
        recipients=frozenset({_R.IVO}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            purposes=frozenset({_P.SUPERVISION_OF_DISCLOSER}),
            holder_activities=_SOCIAL_SERVICES,
        ),
        relevance="'som myndigheten behöver för sin tillsyn'",
        sfs="SFS 2025:400",
        url=statute_url(_SOL_2025),
        verified=_READ_2025,
        note="A duty on IVO's request (28:1: IVO supervises socialtjänsten); overlaps"
        " OSL 10:17.",
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
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.REPORT_SUPPLIER_DEFICIENCY}),
            categories=_CARE_AND_SUPPLIER,
        ),
        standard=Standard.DUTY_TRIGGER,
        judgement="'finns anledning att anta att en verksamhet bedrivs utan sådant"
        " tillstånd som krävs', 'kan ifrågasättas om en tillståndshavare är lämplig' or"
        " 'uppmärksammas allvarliga brister i en verksamhet där tillstånd krävs'",
        relevance=_REPORT_NEEDS,
        sfs="SFS 2025:1299",
        url=statute_url(_SOL_2025, "SFS 2025:1299"),
        verified="SFS 2025:1299 wording read in the consolidated SoL 2025:400",
        note="The statutory route for HVB supplier tips to IVO; only what the report"
        " needs may go.",
    ),
    replace(
        _CHILD_REPORT_DUTY,
        id="sol-19-1-2025",
        valid_from=date(2025, 7, 1),
        valid_to=date(2026, 1, 14),
        sfs="SFS 2025:400",
        url=statute_url(_SOL_2025),
        verified=_READ_2025 + ": '2. andra myndigheter vars verksamhet berör barn och"
        " unga'",
        note="",
    ),
    _CHILD_REPORT_DUTY,
)

SOCIAL_SERVICES_RULES: tuple[Rule, ...] = _SOL_2001_RULES + _SOL_2025_RULES
"""Every wording of the social services acts' duties the catalogue encodes."""
