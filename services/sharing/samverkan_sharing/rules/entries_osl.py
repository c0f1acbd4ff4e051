"""The OSL rules outside 10:18 a–24, one entry per dated wording (docs/rules.md)."""

from datetime import date

from samverkan_sharing.rules.entries_crime import CRIME_RULES
from samverkan_sharing.rules.provisions import parse_specs
from samverkan_sharing.rules.rule import Conditions, Precedence, Rule
from samverkan_sharing.rules.statutes import statute_url
from samverkan_sharing.rules.versions import (
    CRIME_PURPOSES,
    OSL,
    PROSECUTION_AND_POLICE,
    osl_version,
)
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    OSL_IN_FORCE,
    FieldKind,
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
_ALL = parse_specs("*")
_READ_2009 = "SFS 2009:400 read in the consolidated OSL (t.o.m. SFS 2025:1508)"
_OSL_URL = statute_url(OSL)
_BIDS = parse_specs("19:3 st. 2")

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
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
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
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
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
        judgement="'nödvändigt för att den utlämnande myndigheten ska kunna fullgöra"
        " sin verksamhet'",
        claim_required=True,
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
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
        judgement="'om det med hänsyn till omständigheterna inte är olämpligt'",
        claim_required=True,
        sfs="SFS 2023:335",
        url=statute_url(OSL, "SFS 2023:335"),
        verified="SFS 2023:335 read in the consolidated OSL (t.o.m. SFS 2025:1508)",
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
        judgement="that the individual the secrecy protects has consented",
        claim_required=True,
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
        note="Only secrecy protecting an individual can be waived by that individual.",
    ),
)

_10_26 = Rule(
    id="osl-10-26-2014",
    citation="OSL 10:26",
    title="Address, telephone or workplace for service of documents (delgivning)",
    valid_from=date(2014, 1, 1),
    source="SRC-OSL",
    recipients=AUTHORITIES,
    precedence=Precedence.SUPERVISION_AND_PROCEEDINGS,
    breaks=_ALL,
    # Second paragraph: a hidden telephone subscription (29:3) only if the asking
    # authority finds the person evades service; that finding is not the engine's.
    excludes=parse_specs("29:3"),
    conditions=Conditions(
        purposes=frozenset({_P.SERVICE_OF_DOCUMENTS}),
        field_kinds=frozenset({FieldKind.CONTACT_DETAILS}),
    ),
    relevance="'om uppgiften behövs där för delgivning enligt delgivningslagen"
    " (2010:1932) eller för bistånd med sådan delgivning'",
    sfs="SFS 2013:878",
    url=_OSL_URL,
    verified="SFS 2013:878 read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="'en enskilds adress, telefonnummer och arbetsplats eller ... fotografisk bild'.",
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
        relevance="'om uppgiften behövs där för tillsyn över eller revision hos den"
        " myndighet där uppgiften förekommer'",
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
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
        standard=Standard.JUDGEMENT_OF_FACT,
        judgement="that the proceedings concern someone 'rörande hans eller hennes"
        " deltagande i verksamheten vid den myndighet där uppgiften förekommer'",
        relevance="'om uppgiften behövs där för förundersökning, rättegång'",
        claim_required=True,
        sfs="SFS 2009:400",
        url=_OSL_URL,
        verified=_READ_2009,
    ),
    osl_version(
        _10_26,
        since=OSL_IN_FORCE,
        until=date(2011, 3, 31),
        sfs="SFS 2009:400",
        read=False,
    ),
    osl_version(
        _10_26,
        since=date(2011, 4, 1),
        until=date(2012, 6, 30),
        sfs="SFS 2010:1982",
        read=False,
    ),
    osl_version(
        _10_26,
        since=date(2012, 7, 1),
        until=date(2013, 12, 31),
        sfs="SFS 2012:288",
        read=False,
    ),
    _10_26,
)

_10_27 = Rule(
    id="osl-10-27-2022",
    citation="OSL 10:27",
    title="The general clause",
    valid_from=date(2022, 1, 1),
    source="SRC-OSL",
    recipients=AUTHORITIES,
    precedence=Precedence.GENERAL_CLAUSE,
    breaks=_ALL,
    excludes=parse_specs(
        "24:2 a, 24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2,"
        " 33:4 a, 36:3, 40:2, 40:5"
    ),
    assess_provisions=_BIDS,
    conditions=Conditions(purposes=frozenset(PurposeCode)),
    standard=Standard.OBVIOUS_PRIORITY,
    judgement="'uppenbart att intresset av att uppgiften lämnas har företräde framför"
    " det intresse som sekretessen ska skydda'",
    sfs="SFS 2021:644",
    url=statute_url(OSL, "SFS 2021:644"),
    verified="SFS 2021:644 wording read in the consolidated OSL (t.o.m. SFS 2025:1508)",
    note="Never for 25:1-8 or 26:1-6; not if the disclosure is against law or ordinance.",
)
_LIST_10_27_2013 = parse_specs(
    "24:2 a, 24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2, 36:3,"
    " 40:2, 40:5"
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
        excludes=parse_specs(
            "24:2 a, 24:8, 25:1-5, 25:8, 26:1 a st. 1, 26:3, 26:4, 26:6, 29:1, 29:2,"
            " 31:1 st. 1, 31:2, 31:12, 33:2, 33:4 a, 36:3, 40:2, 40:5"
        ),
        conditions=Conditions(
            purposes=frozenset(
                {
                    _P.PREVENT_CRIME,
                    _P.CRIME_FIGHTING,
                    _P.INVESTIGATE_CRIME,
                    _P.REPORT_CRIME,
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
        judgement="'övervägande skäl talar för att det intresse som sekretessen ska"
        " skydda har företräde'",
        relevance="'om det behövs för att' the stated purpose (points 1-5)",
        sfs="SFS 2025:934",
        url=statute_url(OSL, "SFS 2025:934"),
        verified="SFS 2025:934 read in the consolidated OSL (t.o.m. SFS 2025:1508),"
        " the exclusion list verbatim",
        note="Points 1-5; includes 26:1 but not 25:1-5 nor public-interest 15-20 kap.",
    ),
    osl_version(
        _10_27,
        since=OSL_IN_FORCE,
        until=date(2013, 11, 30),
        sfs="SFS 2009:400",
        read=False,
        excludes=parse_specs(
            "24:8, 25:1-8, 26:1-6, 29:1, 29:2, 31:1 st. 1, 31:2, 31:12, 33:2, 36:3,"
            " 40:2, 40:5"
        ),
    ),
    osl_version(
        _10_27,
        since=date(2013, 12, 1),
        until=date(2018, 5, 24),
        sfs="SFS 2013:795",
        read=False,
        excludes=_LIST_10_27_2013,
        verified="SFS 2013:795 read up to '31 kap. 1 § första stycket' of its list",
    ),
    osl_version(
        _10_27,
        since=date(2018, 5, 25),
        until=date(2021, 12, 31),
        sfs="SFS 2018:220",
        read=False,
        excludes=_LIST_10_27_2013,
    ),
    _10_27,
)

OSL_RULES: tuple[Rule, ...] = (
    _NOT_SECRET + _CLAIMED + _SUPERVISION_AND_PROCEEDINGS + CRIME_RULES + _GENERAL
)
"""Every OSL rule version of the shipped catalogue."""
