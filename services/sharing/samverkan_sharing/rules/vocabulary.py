"""The fixed codes of the evaluation contract (legal-rules.md, "Evaluation contract")."""

from enum import StrEnum

__all__ = [
    "AUTHORITIES",
    "CRIME_FIGHTING_AGENCIES",
    "Category",
    "FieldOutcome",
    "Flag",
    "HolderActivity",
    "Initiative",
    "Outcome",
    "PurposeCode",
    "Recipient",
    "Standard",
    "is_authority",
]


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
    PREVENT_CRIME = "prevent_crime"
    CRIME_FIGHTING = "crime_fighting"
    IMMEDIATE_INTERVENTION = "immediate_intervention"
    PREVENT_INCORRECT_PAYMENT = "prevent_incorrect_payment"
    NOTIFY_INCORRECT_PAYMENT = "notify_incorrect_payment"
    NOTIFY_POPULATION_REGISTER_ERROR = "notify_population_register_error"
    PREVENT_INCORRECT_TAXATION = "prevent_incorrect_taxation"
    PREVENT_RULE_BREACH = "prevent_rule_breach"
    REPORT_SUPPLIER_DEFICIENCY = "report_supplier_deficiency"
    REPORT_AGREEMENT_BREACH = "report_agreement_breach"
    SUPERVISION_OF_DISCLOSER = "supervision_of_discloser"
    WARN_PROVIDER = "warn_provider"
    DEBT_ENFORCEMENT = "debt_enforcement"


class Category(StrEnum):
    """The data categories of legal-rules.md section 3."""

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
    PERSONAL_DATA_MISUSE = "personal_data_misuse"


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
    """The human weighing a rule needs (legal-rules.md section 2).

    The first seven are the statutory standards of section 2. The rest name the manual
    steps section 4 describes without a statutory formula: necessity (OSL 10:2), consent
    (OSL 12:2), the old sentencing prognosis of OSL 10:24, a judgement of fact (e.g. whether
    the recipient "har till uppgift att ingripa mot brottet"), the scope of a duty (only
    what the duty covers may go) and a lawyer's review of a statute text not yet verified.
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
    LEGAL_REVIEW = "legal_review"


class Flag(StrEnum):
    """Open points a decision must carry until a lawyer settles them (legal-rules.md §8.6)."""

    OPEN_QUESTION_10_23_ENDAST = "open_question_10_23_endast"
    FOL_32_TEXT_UNVERIFIED = "fol_32_text_unverified"
    ADDA_AUTHORITY_STATUS = "adda_authority_status"
    OSL_26_1_REACH_UNVERIFIED = "osl_26_1_reach_unverified"
    OSL_10_23_OLD_ATTEMPT_THRESHOLD_UNVERIFIED = (
        "osl_10_23_old_attempt_threshold_unverified"
    )
    OSL_10_24_OLD_WORDING_UNVERIFIED = "osl_10_24_old_wording_unverified"
    OSL_10_18_A_OLD_WORDING_UNVERIFIED = "osl_10_18_a_old_wording_unverified"
    OSL_10_21_OLD_WORDING_UNVERIFIED = "osl_10_21_old_wording_unverified"
    LAG_2024_307_UNVERIFIED = "lag_2024_307_date_and_exceptions_unverified"
    LAG_2025_170_UNVERIFIED = "lag_2025_170_date_and_section_8_unverified"
    LAG_2008_206_AMENDMENT_DATE_UNVERIFIED = "lag_2008_206_amendment_date_unverified"


# Adda's status under OSL 2:3 is unsettled (legal-rules.md §4.5): treated as private.
_NON_AUTHORITIES = frozenset({Recipient.ADDA, Recipient.PRIVATE})

AUTHORITIES: frozenset[Recipient] = frozenset(Recipient) - _NON_AUTHORITIES
"""Recipients that are authorities ("myndigheter") in the sense of OSL."""

# Lag (2025:170) 2 §; Kustbevakningen is not a recipient code of the contract.
CRIME_FIGHTING_AGENCIES: frozenset[Recipient] = frozenset(
    {
        Recipient.EKOBROTTSMYNDIGHETEN,
        Recipient.POLISMYNDIGHETEN,
        Recipient.SKATTEVERKET,
        Recipient.SAKERHETSPOLISEN,
        Recipient.TULLVERKET,
        Recipient.AKLAGARMYNDIGHETEN,
    }
)


def is_authority(recipient: Recipient) -> bool:
    """Whether OSL's rules "till en annan myndighet" can reach this recipient."""
    return recipient in AUTHORITIES
