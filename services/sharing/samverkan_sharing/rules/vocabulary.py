"""The fixed codes of the evaluation contract (docs/evaluation-contract.md)."""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

__all__ = [
    "AUTHORITIES",
    "CRIME_FIGHTING_AGENCIES",
    "OSL_IN_FORCE",
    "RECIPIENT_FROM",
    "REPORTER_CATEGORIES",
    "Category",
    "FieldKind",
    "FieldOutcome",
    "Flag",
    "HolderActivity",
    "Initiative",
    "Outcome",
    "PurposeCode",
    "Recipient",
    "Standard",
    "exists_on",
    "is_authority",
]

OSL_IN_FORCE = date(2009, 6, 30)
"""OSL (2009:400) entered into force; sekretesslagen (1980:100) before it is out of scope."""


class Recipient(StrEnum):
    """Who receives the data; the recipient codes of the contract."""

    POLISMYNDIGHETEN = "polismyndigheten"
    EKOBROTTSMYNDIGHETEN = "ekobrottsmyndigheten"
    AKLAGARMYNDIGHETEN = "aklagarmyndigheten"
    SAKERHETSPOLISEN = "sakerhetspolisen"
    TULLVERKET = "tullverket"
    SKATTEVERKET = "skatteverket"
    FORSAKRINGSKASSAN = "forsakringskassan"
    PENSIONSMYNDIGHETEN = "pensionsmyndigheten"
    CSN = "csn"
    ARBETSFORMEDLINGEN = "arbetsformedlingen"
    MIGRATIONSVERKET = "migrationsverket"
    KRONOFOGDEMYNDIGHETEN = "kronofogdemyndigheten"
    IVO = "ivo"
    KOMMUN = "kommun"
    REGION = "region"
    UTBETALNINGSMYNDIGHETEN = "utbetalningsmyndigheten"
    KUSTBEVAKNINGEN = "kustbevakningen"
    BOLAGSVERKET = "bolagsverket"
    ARBETSLOSHETSKASSA = "arbetsloshetskassa"
    ARBETSMILJOVERKET = "arbetsmiljoverket"
    EHALSOMYNDIGHETEN = "ehalsomyndigheten"
    JAMSTALLDHETSMYNDIGHETEN = "jamstalldhetsmyndigheten"
    ADDA = "adda"
    PRIVATE = "private"


class HolderActivity(StrEnum):
    """The activity holding the data at the disclosing municipality; it decides the secrecy."""

    PROCUREMENT_FOLLOW_UP = "procurement_follow_up"
    SOCIAL_SERVICES = "social_services"
    HEALTH_CARE = "health_care"
    WHISTLEBLOWING_CHANNEL = "whistleblowing_channel"


class Initiative(StrEnum):
    """Whether the recipient asked or the municipality tells on its own initiative."""

    REQUEST = "request"
    OWN_INITIATIVE = "own_initiative"


class PurposeCode(StrEnum):
    """Why the data is to be disclosed."""

    INVESTIGATE_CRIME = "investigate_crime"
    REPORT_CRIME = "report_crime"
    PREVENT_CRIME = "prevent_crime"
    CRIME_FIGHTING = "crime_fighting"
    IMMEDIATE_INTERVENTION = "immediate_intervention"
    PREVENT_INCORRECT_PAYMENT = "prevent_incorrect_payment"
    NOTIFY_INCORRECT_PAYMENT = "notify_incorrect_payment"
    NOTIFY_POPULATION_REGISTER_ERROR = "notify_population_register_error"
    PROTECTED_POPULATION_REGISTRATION = "protected_population_registration"
    PREVENT_INCORRECT_TAXATION = "prevent_incorrect_taxation"
    PREVENT_RULE_BREACH = "prevent_rule_breach"
    REPORT_SUPPLIER_DEFICIENCY = "report_supplier_deficiency"
    REPORT_AGREEMENT_BREACH = "report_agreement_breach"
    REPORT_OWN_ACTIVITY_WRONG = "report_own_activity_wrong"
    REPORT_CHILD_AT_RISK = "report_child_at_risk"
    SERVICE_OF_DOCUMENTS = "service_of_documents"
    SUPERVISION_OF_DISCLOSER = "supervision_of_discloser"
    WARN_PROVIDER = "warn_provider"
    DEBT_ENFORCEMENT = "debt_enforcement"


class Category(StrEnum):
    """The data categories a field can carry (docs/evaluation-contract.md)."""

    SUPPLIER_COMPANY = "supplier_company"
    SUPPLIER_BUSINESS = "supplier_business"
    PROCUREMENT_CASE = "procurement_case"
    SUPPLIER_STAFF = "supplier_staff"
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    AUDIT_PLAN = "audit_plan"
    CHILD_SOCIAL = "child_social"
    ADULT_CLIENT_SOCIAL = "adult_client_social"
    ECONOMIC_ASSISTANCE = "economic_assistance"
    TIPSTER_SOCIAL = "tipster_social"
    TIPSTER_WHISTLEBLOWER = "tipster_whistleblower"
    HEALTH_CARE = "health_care"
    HEALTH_ANY = "health_any"
    PROTECTED_CONTACT = "protected_contact"
    CHILD_CONCERN_REPORT = "child_concern_report"
    PERSONAL_DATA_MISUSE = "personal_data_misuse"


class FieldKind(StrEnum):
    """What a field holds, where a rule reaches only that (SoL 15:7, Lag 2025:170 4 §)."""

    WHEREABOUTS = "whereabouts"
    CONTACT_DETAILS = "contact_details"


class FieldOutcome(StrEnum):
    """What happens to one requested field."""

    RELEASE = "release"
    WITHHOLD = "withhold"
    NEEDS_ASSESSMENT = "needs_assessment"


class Outcome(StrEnum):
    """The overall outcome, the strictest step needed before anything is sent."""

    RELEASE = "release"
    PARTIAL = "partial"
    NEEDS_ASSESSMENT = "needs_assessment"
    DENY = "deny"


class Standard(StrEnum):
    """The human weighing a rule needs (docs/evaluation-contract.md).

    The first seven are the statutory standards of section 2. The rest name the manual
    steps section 4 describes without a statutory formula: necessity (OSL 10:2), consent
    (OSL 12:2), the old sentencing prognosis of OSL 10:24, a judgement of fact (e.g. whether
    the recipient "har till uppgift att ingripa mot brottet"), the scope of a duty (only
    what the duty covers may go), whether the facts meet a duty's own trigger (its words
    are in the rule's `judgement`, e.g. "allvarliga brister"), the protection of a
    reporter's identity, and a lawyer's review of a point not verified from statute text.
    """

    OBVIOUS_PRIORITY = "obvious_priority"
    OVERRIDING_REASONS = "overriding_reasons"
    CLEARLY_OUTWEIGHS = "clearly_outweighs"
    EXCEPTIONAL_REASONS = "exceptional_reasons"
    NOT_INAPPROPRIATE = "not_inappropriate"
    SPECIAL_REASONS = "special_reasons"
    NECESSITY = "necessity"
    CONSENT = "consent"
    SENTENCING_PROGNOSIS = "sentencing_prognosis"
    JUDGEMENT_OF_FACT = "judgement_of_fact"
    SCOPE_OF_DUTY = "scope_of_duty"
    DUTY_TRIGGER = "duty_trigger"
    REPORTER_PROTECTION = "reporter_protection"
    LEGAL_REVIEW = "legal_review"


class Flag(StrEnum):
    """Points a decision carries: open legal questions, and what the officer checks."""

    OPEN_QUESTION_10_23_ENDAST = "open_question_10_23_endast"
    ADDA_AUTHORITY_STATUS = "adda_authority_status"
    OSL_26_1_REACH_UNVERIFIED = "osl_26_1_reach_unverified"
    OSL_19_3_BIDS_OPEN_QUESTION = "osl_19_3_bids_open_question"
    FOL_32_TEXT_UNVERIFIED = "fol_32_text_unverified"
    LAG_2025_170_SECTION_8_UNVERIFIED = "lag_2025_170_section_8_unverified"
    UNVERIFIED_WORDING = "unverified_wording"
    RELEVANCE_TO_CHECK = "relevance_to_check"
    REPORTER_IDENTITY = "reporter_identity"
    REPORTER_NOTICE_DUTY = "reporter_notice_duty"


# Adda's status under OSL 2:3 is unsettled: treated as private (docs/rules.md).
_NON_AUTHORITIES = frozenset({Recipient.ADDA, Recipient.PRIVATE})

AUTHORITIES: frozenset[Recipient] = frozenset(Recipient) - _NON_AUTHORITIES
"""Recipients that are authorities ("myndigheter") in the sense of OSL.

An arbetslöshetskassa counts as one for its handling of unemployment benefits (OSL 2:4 and
its annex); a region as a municipality does."""

RECIPIENT_FROM: Mapping[Recipient, date] = {
    # Started 2024-01-01 (dir. 2022:8; lag 2023:456 and förordning 2023:462 in force then).
    Recipient.UTBETALNINGSMYNDIGHETEN: date(2024, 1, 1),
    # Förordning (2013:176); IVO took over Socialstyrelsen's supervision on 2013-06-01.
    Recipient.IVO: date(2013, 6, 1),
    # Förordning (2013:1020); E-hälsomyndigheten from 2014-01-01.
    Recipient.EHALSOMYNDIGHETEN: date(2014, 1, 1),
    # Förordning (2017:937); Jämställdhetsmyndigheten from 2018-01-01.
    Recipient.JAMSTALLDHETSMYNDIGHETEN: date(2018, 1, 1),
}
"""Recipients that did not exist when OSL came into force, and the day each began."""

# Lag (2025:170) 2 §: "Ekobrottsmyndigheten, Kustbevakningen, Polismyndigheten,
# Skatteverket, Säkerhetspolisen, Tullverket och Åklagarmyndigheten".
CRIME_FIGHTING_AGENCIES: frozenset[Recipient] = frozenset(
    {
        Recipient.EKOBROTTSMYNDIGHETEN,
        Recipient.KUSTBEVAKNINGEN,
        Recipient.POLISMYNDIGHETEN,
        Recipient.SKATTEVERKET,
        Recipient.SAKERHETSPOLISEN,
        Recipient.TULLVERKET,
        Recipient.AKLAGARMYNDIGHETEN,
    }
)

REPORTER_CATEGORIES: frozenset[Category] = frozenset(
    {Category.TIPSTER_SOCIAL, Category.TIPSTER_WHISTLEBLOWER}
)
"""Who reported: no rule releases a reporter's identity without a person's assessment."""


def is_authority(recipient: Recipient) -> bool:
    """Whether OSL's rules "till en annan myndighet" can reach this recipient."""
    return recipient in AUTHORITIES


def exists_on(recipient: Recipient, day: date) -> bool:
    """Whether the recipient existed that day (a rule cannot reach a future agency)."""
    return day >= RECIPIENT_FROM.get(recipient, OSL_IN_FORCE)
