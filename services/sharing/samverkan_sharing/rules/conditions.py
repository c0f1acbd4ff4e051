"""Whether one rule version applies to one field: small checks, each citing why not."""

from collections.abc import Callable
from dataclasses import dataclass

from samverkan_sharing.rules.provisions import Provision
from samverkan_sharing.rules.query import EvaluationQuery, FieldRequest, Offence
from samverkan_sharing.rules.references import parse_reference
from samverkan_sharing.rules.rule import Rule
from samverkan_sharing.rules.secrecy import FieldSecrecy
from samverkan_sharing.rules.vocabulary import (
    RECIPIENT_FROM,
    REPORTER_CATEGORIES,
    Recipient,
    Standard,
    exists_on,
    is_authority,
)

__all__ = ["Candidate", "Verdict", "judge", "lifts"]


@dataclass(frozen=True)
class Candidate:
    """One requested field in the context of its request."""

    query: EvaluationQuery
    field: FieldRequest
    secrecy: FieldSecrecy


@dataclass(frozen=True)
class Verdict:
    """What one rule says about one field: refuses, releases, or needs `standard`."""

    rule: Rule
    applies: bool
    standard: Standard | None
    reason: str
    failed_check: str | None = None

    @property
    def releases(self) -> bool:
        """Whether the rule releases the field with no human weighing."""
        return self.applies and self.standard is None


Check = Callable[[Rule, Candidate], str | None]

_MONTHS_TEXT = {6.0: "six months", 12.0: "one year", 24.0: "two years", 0.5: "14 days"}


def _months(months: float) -> str:
    return _MONTHS_TEXT.get(months, f"{months:g} months")


def _listing(values: frozenset[str] | frozenset[Recipient]) -> str:
    return ", ".join(sorted(values))


def _normalised(citation: str) -> str:
    return " ".join(citation.lower().split())


def _claim(rule: Rule, c: Candidate) -> str | None:
    claimed = c.query.requested_basis
    if not rule.claim_required or (
        claimed and _normalised(claimed) == _normalised(rule.citation)
    ):
        return None
    return f"{rule.citation} is tried only when the request names it as requested_basis"


def _recipient(rule: Rule, c: Candidate) -> str | None:
    recipient = c.query.recipient
    if not exists_on(recipient, c.query.as_of):
        return f"{recipient} exists only from {RECIPIENT_FROM[recipient]}"
    if recipient in rule.recipients | rule.recipients_needing_judgement:
        return None
    if not is_authority(recipient):
        return (
            f"{rule.citation} allows release only to an authority and {recipient} is not"
            " one; secret data may reach a non-authority only by consent (OSL 12:2),"
            " OSL 10:2 or OSL 10:2 a"
        )
    allowed = _listing(rule.recipients | rule.recipients_needing_judgement)
    return f"{rule.citation} allows release only to {allowed}; not to {recipient}"


def _initiative(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.initiatives
    if c.query.initiative in allowed:
        return None
    return (
        f"{rule.citation} applies only on {_listing(allowed)}, not {c.query.initiative}"
    )


def _holder(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.holder_activities
    if allowed is None or c.query.holder_activity in allowed:
        return None
    return f"{rule.citation} covers data held in {_listing(allowed)} only"


def _recipient_activity(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.recipient_activities
    if allowed is None or c.query.recipient is not Recipient.KOMMUN:
        return None
    if c.query.recipient_activity in allowed:
        return None
    return f"{rule.citation} reaches a municipality's {_listing(allowed)} only"


def _category(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.categories
    if allowed is None or c.field.category in allowed:
        return None
    return (
        f"{rule.citation} covers only {_listing(allowed)} data, not {c.field.category}"
    )


def _field_kind(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.field_kinds
    if allowed is None or c.field.kind in allowed:
        return None
    shown = "an unmarked field" if c.field.kind is None else f"a {c.field.kind} field"
    return (
        f"{rule.citation} reaches only a field marked {_listing(allowed)}"
        f" (fields[].kind); this is {shown}"
    )


def _blocking(rule: Rule, provision: Provision) -> str | None:
    if any(spec.matches(provision, conservative=True) for spec in rule.excludes):
        return f"{rule.citation} does not apply to {provision} (expressly excluded)"
    if not any(spec.matches(provision, conservative=False) for spec in rule.breaks):
        return f"{rule.citation} does not lift {provision}"
    return None


def lifts(rule: Rule, provisions: tuple[Provision, ...]) -> bool:
    """Whether the rule overcomes every one of these provisions (none: non-secret data)."""
    if rule.only_non_secret:
        return not provisions
    return all(_blocking(rule, provision) is None for provision in provisions)


def _secrecy(rule: Rule, c: Candidate) -> str | None:
    provisions = c.secrecy.provisions
    if rule.only_non_secret:
        if not provisions:
            return None
        shown = ", ".join(c.secrecy.as_strings())
        return f"{rule.citation} covers only data that is not secret; this is {shown}"
    refusals = (_blocking(rule, provision) for provision in provisions)
    return next((refusal for refusal in refusals if refusal), None)


def _purpose(rule: Rule, c: Candidate) -> str | None:
    allowed = rule.conditions.purposes
    purpose = c.query.purpose
    if allowed is None or (purpose is not None and purpose.code in allowed):
        return None
    stated = "no purpose" if purpose is None else f"the purpose {purpose.code}"
    if len(allowed) > 4:
        return f"{rule.citation} needs a stated purpose; the request gives {stated}"
    return f"{rule.citation} needs the purpose {_listing(allowed)}; the request gives {stated}"


def _offence(rule: Rule, c: Candidate) -> str | None:
    if not rule.conditions.needs_offence:
        return None
    offence = c.query.purpose.offence if c.query.purpose else None
    if offence is None:
        return f"{rule.citation} needs the offence and its penalty scale"
    for check in (_reference, _imprisonment, _penalty):
        refusal = check(rule, offence)
        if refusal:
            return refusal
    return None


def _reference(rule: Rule, offence: Offence) -> str | None:
    scopes = rule.conditions.offence_references
    if not scopes:
        return None
    reference = parse_reference(offence.reference)
    if any(reference.within(parse_reference(scope)) for scope in scopes):
        return None
    covered = ", ".join(scopes)
    return f"{rule.citation} covers only crimes under {covered}; not {offence.label()}"


def _imprisonment(rule: Rule, offence: Offence) -> str | None:
    if not rule.conditions.imprisonment_in_scale or offence.imprisonment_in_scale:
        return None
    return (
        f"{rule.citation} needs imprisonment in the penalty scale (wording in force from"
        f" {rule.valid_from}); {offence.label()} carries fines only"
    )


def _penalty(rule: Rule, offence: Offence) -> str | None:
    conditions = rule.conditions
    needed = conditions.min_penalty_months
    if offence.attempt and conditions.attempt_min_penalty_months is not None:
        needed = conditions.attempt_min_penalty_months
    if needed is None or offence.min_penalty_months >= needed:
        return None
    kind = (
        "for an attempt, a minimum penalty" if offence.attempt else "a minimum penalty"
    )
    return (
        f"{rule.citation} needs {kind} of {_months(needed)} (wording in force from"
        f" {rule.valid_from}); {offence.label()} has {_months(offence.min_penalty_months)}"
    )


def _victim(rule: Rule, c: Candidate) -> str | None:
    if not rule.conditions.victim_under_18 or c.query.victim_under_18:
        return None
    return f"{rule.citation} needs a victim under 18"


def _subject_age(rule: Rule, c: Candidate) -> str | None:
    limit = rule.conditions.max_subject_age
    age = c.query.subject_age
    if limit is None or (age is not None and age <= limit):
        return None
    shown = "not given" if age is None else str(age)
    return f"{rule.citation} covers a person under {limit + 1} only; the age is {shown}"


# Cheap, decisive checks first so a refusal names the most basic reason.
_CHECKS: tuple[Check, ...] = (
    _claim,
    _recipient,
    _initiative,
    _purpose,
    _holder,
    _recipient_activity,
    _category,
    _field_kind,
    _secrecy,
    _offence,
    _victim,
    _subject_age,
)


def _standard(rule: Rule, c: Candidate) -> Standard | None:
    """The weighing a person must document first; None only where the law needs none."""
    if rule.standard is not None:
        return rule.standard
    if c.field.category in REPORTER_CATEGORIES:
        return Standard.REPORTER_PROTECTION
    if c.query.recipient in rule.recipients_needing_judgement - rule.recipients:
        return Standard.JUDGEMENT_OF_FACT
    touched = any(
        spec.matches(p, conservative=True)
        for spec in rule.assess_provisions
        for p in c.secrecy.provisions
    )
    # A point not verified from statute text is a lawyer's, never the engine's, call.
    return Standard.LEGAL_REVIEW if touched or rule.flags else None


def _applies_reason(rule: Rule, c: Candidate, standard: Standard | None) -> str:
    protected = ", ".join(c.secrecy.as_strings()) or "data that is not secret"
    verb = "releases" if standard is None else f"may release, after {standard},"
    text = f"{rule.citation} ({rule.title}) {verb} {protected} to {c.query.recipient}"
    offence = c.query.purpose.offence if c.query.purpose else None
    if offence is not None and rule.conditions.needs_offence:
        text += f"; {offence.label()} has a minimum of {_months(offence.min_penalty_months)}"
    if rule.judgement and standard is not None:
        text += f"; the text asks a person to judge: {rule.judgement}"
    return text


def judge(rule: Rule, candidate: Candidate) -> Verdict:
    """Run every check of the rule against the field; the first failure is the reason."""
    for check in _CHECKS:
        refusal = check(rule, candidate)
        if refusal is not None:
            name = check.__name__.lstrip("_")
            return Verdict(rule, False, None, refusal, failed_check=name)
    standard = _standard(rule, candidate)
    return Verdict(rule, True, standard, _applies_reason(rule, candidate, standard))
