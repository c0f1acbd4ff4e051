"""The pure evaluation engine: every requested field against the rules in force."""

from collections.abc import Iterable

from samverkan_sharing.rules.catalogue import Catalogue
from samverkan_sharing.rules.conditions import Candidate, Verdict, judge
from samverkan_sharing.rules.decision import Decision, FieldDecision, overall_outcome
from samverkan_sharing.rules.provisions import parse_spec
from samverkan_sharing.rules.query import EvaluationQuery, FieldRequest
from samverkan_sharing.rules.rule import Rule
from samverkan_sharing.rules.secrecy import field_secrecy
from samverkan_sharing.rules.vocabulary import (
    REPORTER_CATEGORIES,
    Category,
    FieldOutcome,
    Flag,
    PurposeCode,
    Recipient,
    is_authority,
)

__all__ = ["evaluate"]

# §4.1 open question: does 10:23's "endast om" still limit what 10:15 a p. 2 lets
# social-services or health data give for investigating a committed crime?
_ENDAST_CHAPTERS = frozenset({25, 26})
_GENERIC_RULE = "OSL 10:15 a"
# OSL 19:3 second paragraph: bids are absolutely secret until every bid is public or the
# award decided; no text found says whether a general rule reaches them (a field that
# names 19:3 without its paragraph may be a bid, so it counts).
_BIDS = parse_spec("19:3 st. 2")
_REPORTER_NOTICE = {
    Category.TIPSTER_WHISTLEBLOWER: (
        "the reporter is told before data identifying them leaves, unless that would"
        " harm the investigation (lag 2021:890 about reporting persons; see the rule"
        " catalogue's sources)"
    ),
}
# Rules the request did not claim, that never reach this recipient, that serve another
# purpose or reach only another kind of field explain little; the rules that came closest
# explain the refusal.
_OFF_TOPIC = frozenset({"claim", "recipient", "initiative", "purpose", "field_kind"})


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _verdicts(rules: tuple[Rule, ...], candidate: Candidate) -> list[Verdict]:
    """Verdicts in order of precedence, stopping at the first rule that releases outright."""
    verdicts = []
    for rule in rules:
        verdict = judge(rule, candidate)
        verdicts.append(verdict)
        if verdict.releases:
            break
    return verdicts


def _released(candidate: Candidate, verdict: Verdict) -> FieldDecision:
    return _field_decision(
        candidate,
        FieldOutcome.RELEASE,
        [verdict],
        verdict.reason + ".",
    )


def _to_assess(candidate: Candidate, manual: list[Verdict]) -> FieldDecision:
    reason = "A documented assessment is needed: " + "; ".join(v.reason for v in manual)
    return _field_decision(
        candidate, FieldOutcome.NEEDS_ASSESSMENT, manual, reason + "."
    )


def _closest(refusals: list[Verdict]) -> list[str]:
    return [
        v.reason
        for v in refusals
        if not v.rule.only_non_secret and v.failed_check not in _OFF_TOPIC
    ]


def _withheld(candidate: Candidate, refusals: list[Verdict]) -> FieldDecision:
    secrecy = ", ".join(candidate.secrecy.as_strings())
    recipient = candidate.query.recipient
    relevant = _closest(refusals)
    if not is_authority(recipient):
        # A non-authority gets secret data only on a claimed 10:2, 10:2 a or
        # consent, and those always go to a human.
        detail = (
            f"{recipient} is not an authority, and secret data may reach a non-authority"
            " only by consent (OSL 12:2), OSL 10:2 or OSL 10:2 a named in requested_basis"
        )
    elif relevant:
        detail = "; ".join(_dedupe(relevant))
    else:
        purpose = candidate.query.purpose
        stated = (
            "no stated purpose" if purpose is None else f"the purpose {purpose.code}"
        )
        detail = (
            f"no rule in force on {candidate.query.as_of} reaches {recipient}"
            f" on {candidate.query.initiative} for {stated}"
        )
    reason = f"No rule releases {secrecy} to {recipient}: {detail}."
    return _field_decision(candidate, FieldOutcome.WITHHOLD, [], reason)


def _field_decision(
    candidate: Candidate, outcome: FieldOutcome, deciding: list[Verdict], reason: str
) -> FieldDecision:
    flags = _field_flags(candidate, outcome, deciding)
    return FieldDecision(
        name=candidate.field.name,
        category=candidate.field.category,
        secrecy=tuple(candidate.secrecy.as_strings()),
        outcome=outcome,
        legal_basis=_dedupe(c for v in deciding for c in v.rule.legal_basis),
        assessment=deciding[0].standard if deciding else None,
        reason=reason + _to_check(candidate, deciding, outcome),
        rule_ids=tuple(v.rule.id for v in deciding),
        flags=flags,
    )


def _to_check(
    candidate: Candidate, deciding: list[Verdict], outcome: FieldOutcome
) -> str:
    """What the officer must still check, said in the reason as well as by a flag."""
    if outcome is FieldOutcome.WITHHOLD:
        return ""
    notes = [
        f" {v.rule.citation} reaches only data {v.rule.relevance}: whether this field"
        " is, is the officer's to check."
        for v in deciding
        if v.rule.relevance
    ]
    if candidate.field.category in REPORTER_CATEGORIES:
        notes.append(
            " A reporter's identity is never released without a person's assessment."
        )
    notice = _REPORTER_NOTICE.get(candidate.field.category)
    if notice:
        notes.append(f" If it is released, {notice}.")
    return "".join(_dedupe(notes))


def _decide(candidate: Candidate, rules: tuple[Rule, ...]) -> FieldDecision:
    verdicts = _verdicts(rules, candidate)
    if verdicts and verdicts[-1].releases:
        return _released(candidate, verdicts[-1])
    manual = [v for v in verdicts if v.applies]
    if manual:
        return _to_assess(candidate, manual)
    return _withheld(candidate, verdicts)


def _candidate(query: EvaluationQuery, field: FieldRequest) -> Candidate:
    secrecy = field_secrecy(
        field.category, query.holder_activity, field.secrecy, query.as_of
    )
    return Candidate(query=query, field=field, secrecy=secrecy)


def _field_flags(
    candidate: Candidate, outcome: FieldOutcome, deciding: list[Verdict]
) -> tuple[str, ...]:
    """The open points and checks that go with a field that may leave."""
    if outcome is FieldOutcome.WITHHOLD:
        return ()
    flags = list(candidate.secrecy.flags)
    for verdict in deciding:
        flags += verdict.rule.flags
        if verdict.rule.relevance:
            flags.append(Flag.RELEVANCE_TO_CHECK.value)
    if _endast_open(candidate, deciding):
        flags.append(Flag.OPEN_QUESTION_10_23_ENDAST.value)
    if any(_BIDS.matches(p, conservative=True) for p in candidate.secrecy.provisions):
        flags.append(Flag.OSL_19_3_BIDS_OPEN_QUESTION.value)
    if candidate.field.category in REPORTER_CATEGORIES:
        flags.append(Flag.REPORTER_IDENTITY.value)
    if candidate.field.category in _REPORTER_NOTICE:
        flags.append(Flag.REPORTER_NOTICE_DUTY.value)
    return tuple(sorted(set(flags)))


def _endast_open(candidate: Candidate, deciding: list[Verdict]) -> bool:
    purpose = candidate.query.purpose
    return (
        purpose is not None
        and purpose.code is PurposeCode.INVESTIGATE_CRIME
        and any(v.rule.citation == _GENERIC_RULE for v in deciding)
        and any(p.chapter in _ENDAST_CHAPTERS for p in candidate.secrecy.provisions)
    )


def _query_flags(query: EvaluationQuery) -> list[str]:
    # §4.5: Adda is treated as private until its status under OSL 2:3 is settled.
    if query.recipient is Recipient.ADDA:
        return [Flag.ADDA_AUTHORITY_STATUS.value]
    return []


def evaluate(query: EvaluationQuery, catalogue: Catalogue) -> Decision:
    """Release, withhold or hold every requested field, naming the rule that decided.

    Pure: the same query and catalogue always give the same decision. Only the fields
    asked for are decided, each on its own, with the rules in force on `query.as_of`.
    """
    rules = catalogue.rules_in_force(query.as_of)
    fields = tuple(_decide(_candidate(query, field), rules) for field in query.fields)
    flags = _query_flags(query) + [flag for field in fields for flag in field.flags]
    return Decision(
        outcome=overall_outcome(field.outcome for field in fields),
        fields=fields,
        flags=tuple(sorted(set(flags))),
        catalogue_version=catalogue.version,
        as_of=query.as_of,
    )
