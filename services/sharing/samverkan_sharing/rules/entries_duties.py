"""Duties in other laws, applied through OSL 10:28 (docs/rules.md)."""

from dataclasses import replace
from datetime import date

from samverkan_sharing.rules.entries_sol import GATEWAY, SOCIAL_SERVICES_RULES
from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.vocabulary import (
    CRIME_FIGHTING_AGENCIES,
    OSL_IN_FORCE,
    Category,
    FieldKind,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["DUTY_RULES"]

_R = Recipient
_P = PurposeCode
_C = Category
_ALL = parse_specs("*")
_REQUEST = frozenset({Initiative.REQUEST})
_OWN_INITIATIVE = frozenset({Initiative.OWN_INITIATIVE})
_CRIME_FIGHTING_PURPOSES = frozenset(
    {_P.CRIME_FIGHTING, _P.INVESTIGATE_CRIME, _P.PREVENT_CRIME, _P.REPORT_CRIME}
)
_INCORRECT_PAYMENT = frozenset(
    {_P.PREVENT_INCORRECT_PAYMENT, _P.NOTIFY_INCORRECT_PAYMENT}
)
_LAG_2025_170 = "2025:170"
_LAG_2024_307 = "2024:307"
_READ_2025_170 = "SFS 2025:170 read (consolidated; in force 2025-04-01)"
# Lag 2025:170 8 §: 5–7 §§ do not cover "24 kap. 8 §, 25 kap. 1–8 §§ eller 15 §, 26 kap.
# 1–6 §§ eller 40 kap. 2 eller 5 §"; the contact details of 4 § are not excepted.
_EXCLUDED_2025_170_8 = parse_specs("24:8, 25:1-8, 25:15, 26:1-6, 40:2, 40:5")
# Lag 2024:307 2 § third paragraph (SFS 2025:761).
_EXCLUDED_2024_307 = parse_specs(
    "15-20, 24:2 a, 24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2,"
    " 33:4 a, 36:3, 40:2, 40:5, 41-43"
)
_WELFARE_ACTORS = frozenset(
    {
        _R.ARBETSFORMEDLINGEN,
        _R.BOLAGSVERKET,
        _R.CSN,
        _R.FORSAKRINGSKASSAN,
        _R.IVO,
        _R.KRONOFOGDEMYNDIGHETEN,
        _R.MIGRATIONSVERKET,
        _R.PENSIONSMYNDIGHETEN,
        _R.SKATTEVERKET,
        _R.KOMMUN,
        _R.ARBETSLOSHETSKASSA,
        _R.EHALSOMYNDIGHETEN,
    }
)
# What a suspicion of benefit fraud can concern.
_BENEFIT_FRAUD = frozenset(
    {
        _C.ECONOMIC_ASSISTANCE,
        _C.ADULT_CLIENT_SOCIAL,
        _C.CHILD_SOCIAL,
        _C.SUPPLIER_COMPANY,
        _C.SUPPLIER_BUSINESS,
        _C.SUPPLIER_STAFF,
    }
)
# What a folkbokföring entry is about: where and with whom a person lives.
_POPULATION_REGISTER = frozenset(
    {
        _C.SUPPLIER_STAFF,
        _C.CHILD_SOCIAL,
        _C.ADULT_CLIENT_SOCIAL,
        _C.ECONOMIC_ASSISTANCE,
        _C.PROTECTED_CONTACT,
    }
)

_WELFARE_DATA = Rule(
    id="lag-2024-307-2-2025",
    citation="Lag 2024:307 2 §",
    title="Data against incorrect payments from the welfare systems",
    valid_from=date(2025, 9, 8),
    source="SRC-2024:307",
    recipients=_WELFARE_ACTORS,
    precedence=Precedence.DUTY,
    breaks=_ALL,
    excludes=_EXCLUDED_2024_307,
    gateway=GATEWAY,
    conditions=Conditions(purposes=_INCORRECT_PAYMENT),
    standard=Standard.OVERRIDING_REASONS,
    judgement="'övervägande skäl talar för att det intresse som sekretessen ska skydda"
    " har företräde'",
    relevance="'om uppgiften behövs i den mottagande aktörens författningsreglerade"
    " verksamhet för att säkerställa korrekta beslutsunderlag'",
    sfs="SFS 2025:761",
    url=statute_url(_LAG_2024_307, "SFS 2025:761"),
    verified="SFS 2025:761 wording read, its exclusion list verbatim (with 40 kap. 2 och"
    " 5 §§ and 41-43 kap.)",
    note="No social-services or health data (26:1-6, 25:1-8 excluded).",
)

_BBL_6 = Rule(
    id="bbl-6-2020",
    citation="Lag 2007:612 6 §",
    title="Report a suspected bidragsbrott to the police",
    valid_from=date(2020, 1, 1),
    source="SRC-BBL6",
    recipients=frozenset({_R.POLISMYNDIGHETEN}),
    precedence=Precedence.DUTY,
    breaks=_ALL,
    gateway=GATEWAY,
    conditions=Conditions(
        initiatives=_OWN_INITIATIVE,
        purposes=frozenset({_P.REPORT_CRIME}),
        categories=_BENEFIT_FRAUD,
        offence_references=("Lag 2007:612",),
    ),
    standard=Standard.DUTY_TRIGGER,
    judgement="'om det kan misstänkas att brott enligt denna lag har begåtts'",
    relevance="that the police report itself needs (a duty reaches no further)",
    sfs="SFS 2019:652",
    url=statute_url("2007:612", "SFS 2019:652"),
    verified="the wording as quoted in Försäkringskassan's vägledning 2004:1 ('kommuner"
    " och arbetslöshetskassor ska göra anmälan till Polismyndigheten'); the SFS text"
    " was not read",
    flags=("bbl_6_wording_unverified",),
    note="Not replaced on 2026-01-01: subventionsbrottslagen (2025:1267) covers state"
    " support to companies and leaves bidragsbrottslagen in force (its 1 §).",
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
                _R.ARBETSLOSHETSKASSA,
            }
        ),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.NOTIFY_INCORRECT_PAYMENT}),
        ),
        standard=Standard.SPECIAL_REASONS,
        judgement="'om det finns anledning att anta' an incorrect payment, and unless"
        " 'det finns särskilda skäl'",
        relevance="about the circumstances behind the assumption (4 §)",
        sfs="SFS 2019:653",
        url=statute_url("2008:206", "SFS 2019:653"),
        verified="3 § as worded by SFS 2019:653 read; kommuner notify since 2020-01-01"
        " (SFS 2019:653, prop. 2018/19:132). Later changes to 2 § (SFS 2023:459,"
        " 2025:1271) concern other notifiers",
        note="Only to the body that decided; Skatteverket and the police are not"
        " recipients under this law.",
    ),
    Rule(
        id="fol-32-c-2021",
        citation="FOL 32 c §",
        title="Notice of a likely wrong population registration to Skatteverket",
        valid_from=date(2021, 7, 1),
        source="SRC-FOL",
        recipients=frozenset({_R.SKATTEVERKET}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        # "Den gäller inte heller i fråga om uppgifter som omfattas av sekretess enligt 24
        # kap. 8 § offentlighets- och sekretesslagen."
        excludes=parse_specs("24:8"),
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_OWN_INITIATIVE,
            purposes=frozenset({_P.NOTIFY_POPULATION_REGISTER_ERROR}),
            categories=_POPULATION_REGISTER,
        ),
        standard=Standard.DUTY_TRIGGER,
        judgement="'om det kan antas att en uppgift i folkbokföringen ... är oriktig"
        " eller ofullständig', unless 'särskilda skäl talar mot det'",
        relevance="about the entry that may be wrong (a duty reaches no further)",
        sfs="SFS 2021:375",
        url=statute_url("1991:481", "SFS 2021:375"),
        verified="32 c § (SFS 2021:375) read; its in-force date was not",
        flags=("fol_32_c_in_force_date_unverified",),
        note="The duty is 32 c §, not 32 § (Skatteverket's orders to landlords). No"
        " exception for social-services or health secrecy in the text: 'särskilda skäl'"
        " is where a person weighs it.",
    ),
    replace(
        _WELFARE_DATA,
        id="lag-2024-307-2-2024",
        valid_from=date(2024, 7, 1),
        valid_to=date(2025, 9, 7),
        recipients=_WELFARE_ACTORS - {_R.EHALSOMYNDIGHETEN},
        sfs="SFS 2024:307",
        url=statute_url(_LAG_2024_307),
        verified="in force 2024-07-01 (register); the 2024 wording of 2 § was not read:"
        " the list of SFS 2025:761 is assumed",
        flags=("lag_2024_307_2_2024_wording_unverified",),
    ),
    _WELFARE_DATA,
    Rule(
        id="lag-2025-170-4-2025",
        citation="Lag 2025:170 4 §",
        title="A person's contact details to a crime-fighting agency",
        valid_from=date(2025, 4, 1),
        source="SRC-2025:170",
        recipients=CRIME_FIGHTING_AGENCIES,
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST,
            purposes=_CRIME_FIGHTING_PURPOSES,
            field_kinds=frozenset({FieldKind.CONTACT_DETAILS}),
        ),
        standard=Standard.EXCEPTIONAL_REASONS,
        judgement="'synnerliga skäl talar för att det intresse som sekretessen ...ska"
        " skydda har företräde'",
        relevance="'om uppgifterna behövs i den brottsbekämpande verksamheten'",
        sfs="SFS 2025:170",
        url=statute_url(_LAG_2025_170),
        verified=_READ_2025_170,
        note="Contact details of any natural person: bostadsadress, telefon, e-post,"
        " arbetsplats, ombud, användarnamn, ip-adress. Applies even to social services.",
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
        gateway=GATEWAY,
        conditions=Conditions(purposes=_CRIME_FIGHTING_PURPOSES),
        standard=Standard.CLEARLY_OUTWEIGHS,
        judgement="'det står klart att det intresse som sekretessen ska skydda har"
        " företräde'",
        relevance="'om uppgiften behövs i den brottsbekämpande verksamheten'",
        sfs="SFS 2025:170",
        url=statute_url(_LAG_2025_170),
        verified=_READ_2025_170 + ", with 8 §'s list",
    ),
    Rule(
        id="sfb-110-31-2011",
        citation="SFB 110:31",
        title="On request, data about a named person to Försäkringskassan",
        valid_from=date(2011, 1, 1),
        valid_to=date(2025, 11, 30),
        source="SRC-SFB",
        recipients=frozenset({_R.FORSAKRINGSKASSAN, _R.PENSIONSMYNDIGHETEN}),
        recipients_needing_judgement=frozenset({_R.SKATTEVERKET}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST, purposes=frozenset({_P.PREVENT_INCORRECT_PAYMENT})
        ),
        relevance="'uppgifter som avser en namngiven person när det gäller förhållanden"
        " som är av betydelse för tillämpningen av denna balk'",
        sfs="SFS 2012:935",
        url=statute_url("2010:110"),
        verified="the wording of SFS 2012:935 read; the 2011 wording and the date of"
        " SFS 2012:935 were not",
        flags=("sfb_110_31_before_2013_wording_unverified",),
    ),
    Rule(
        id="sfb-110-31-2025",
        citation="SFB 110:31",
        title="On request, data about the insured or another person to Försäkringskassan",
        valid_from=date(2025, 12, 1),
        source="SRC-SFB",
        recipients=frozenset({_R.FORSAKRINGSKASSAN, _R.PENSIONSMYNDIGHETEN}),
        # Skatteverket may ask only about "den försäkrade": whether the data is, a
        # person checks.
        recipients_needing_judgement=frozenset({_R.SKATTEVERKET}),
        precedence=Precedence.DUTY,
        breaks=_ALL,
        gateway=GATEWAY,
        conditions=Conditions(
            initiatives=_REQUEST, purposes=frozenset({_P.PREVENT_INCORRECT_PAYMENT})
        ),
        standard=Standard.EXCEPTIONAL_REASONS,
        judgement="'synnerliga skäl talar för att det intresse som sekretessen ska"
        " skydda har företräde'",
        relevance="'när det gäller förhållanden som är av betydelse för tillämpningen"
        " av denna balk'",
        sfs="SFS 2025:937",
        url=statute_url("2010:110", "SFS 2025:937"),
        verified="SFS 2025:937 wording read in the consolidated SFB",
    ),
    replace(
        _BBL_6,
        id="bbl-6-2009",
        valid_from=OSL_IN_FORCE,
        valid_to=date(2014, 12, 31),
        recipients=frozenset({_R.POLISMYNDIGHETEN, _R.AKLAGARMYNDIGHETEN}),
        sfs="SFS 2007:612",
        url=statute_url("2007:612"),
        verified="not read (amended by SFS 2014:667 and 2019:652)",
        note="",
    ),
    replace(
        _BBL_6,
        id="bbl-6-2015",
        valid_from=date(2015, 1, 1),
        valid_to=date(2019, 12, 31),
        sfs="SFS 2014:667",
        url=statute_url("2007:612"),
        verified="not read (only the register entry of SFS 2014:667)",
        note="",
    ),
    _BBL_6,
)

DUTY_RULES: tuple[Rule, ...] = SOCIAL_SERVICES_RULES + _OTHER_LAWS
"""Every duty rule version of the shipped catalogue."""
