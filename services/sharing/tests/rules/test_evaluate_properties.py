"""Invariants of the engine, checked over generated requests (hypothesis)."""

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_sharing.rules import (
    CATALOGUE,
    Category,
    EvaluationQuery,
    FieldKind,
    FieldOutcome,
    FieldRequest,
    HolderActivity,
    Initiative,
    Offence,
    Outcome,
    Purpose,
    PurposeCode,
    Recipient,
    evaluate,
    is_authority,
    query_from_contract_dict,
)
from samverkan_sharing.rules.vocabulary import (
    OSL_IN_FORCE,
    REPORTER_CATEGORIES,
    exists_on,
)

SECRECY = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "none",
            "OSL 26:1",
            "OSL 25:1",
            "OSL 26:1, 21:3",
            "OSL 31:16",
            "OSL 19:3",
            "OSL 32:3 b",
            "OSL 25:2 st. 2",
            "OSL 26:5",
            "OSL 17:1",
            "OSL 21:7",
            "OSL 18:1",
            "OSL 19:3 st. 2",
            "OSL 40:7 g",
            "OSL 29:1",
            "OSL 33:4 a",
        ]
    ),
)
FIELDS = st.builds(
    FieldRequest,
    name=st.text("abcdefghij.", min_size=1, max_size=8),
    category=st.sampled_from(Category),
    secrecy=SECRECY,
    kind=st.none() | st.sampled_from(FieldKind),
)
MONTHS = st.sampled_from([0, 0.5, 6, 12, 18, 24, 72])
OFFENCES = st.builds(
    lambda low, extra, ref, attempt: Offence("brott", ref, low, low + extra, attempt),
    MONTHS,
    MONTHS,
    st.sampled_from(
        [
            "BrB 3:5",
            "BrB 4",
            "BrB 6:10",
            "BrB 9:1",
            "BrB 9:3",
            "Lag 1968:64 1 §",
            "Lag 2007:612 3 §",
        ]
    ),
    st.booleans(),
)
PURPOSES = st.one_of(
    st.none(),
    st.builds(Purpose, code=st.sampled_from(PurposeCode), offence=st.none() | OFFENCES),
)
BASES = st.sampled_from(
    [None, "OSL 10:2", "OSL 10:2 a", "OSL 12:2", "OSL 10:18", "OSL 10:18 b"]
)


def queries(fields: st.SearchStrategy[tuple[FieldRequest, ...]]) -> Any:
    return st.builds(
        EvaluationQuery,
        as_of=st.dates(OSL_IN_FORCE, date(2027, 12, 31)),
        holder_activity=st.sampled_from(HolderActivity),
        recipient=st.sampled_from(Recipient),
        initiative=st.sampled_from(Initiative),
        fields=fields,
        recipient_activity=st.none() | st.sampled_from(["social_services"]),
        purpose=PURPOSES,
        victim_under_18=st.booleans(),
        subject_age=st.none() | st.integers(0, 30),
        requested_basis=BASES,
    )


def unique(fields: list[FieldRequest]) -> tuple[FieldRequest, ...]:
    return tuple({field.name: field for field in fields}.values())


ONE_OR_MORE = st.lists(FIELDS, min_size=1, max_size=5).map(unique)
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(query=queries(ONE_OR_MORE), extra=FIELDS)
def test_adding_a_field_never_changes_another_fields_outcome(
    query: EvaluationQuery, extra: FieldRequest
) -> None:
    if extra.name in {field.name for field in query.fields}:
        return
    before = evaluate(query, CATALOGUE).fields
    bigger = EvaluationQuery(**{**query.__dict__, "fields": (*query.fields, extra)})
    after = evaluate(bigger, CATALOGUE).fields
    assert after[: len(before)] == before


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_non_secret_field_is_released_on_request_to_an_authority(
    query: EvaluationQuery,
) -> None:
    """OSL 6:5: no secrecy, no purpose needed."""
    field = FieldRequest("open", query.fields[0].category, "none")
    asked = EvaluationQuery(
        **{**query.__dict__, "fields": (field,), "initiative": Initiative.REQUEST}
    )
    (decided,) = evaluate(asked, CATALOGUE).fields
    if not exists_on(query.recipient, query.as_of):
        assert decided.outcome is FieldOutcome.WITHHOLD
    elif field.category in REPORTER_CATEGORIES:
        assert decided.outcome is FieldOutcome.NEEDS_ASSESSMENT
    elif is_authority(query.recipient):
        assert (decided.outcome, decided.legal_basis) == (
            FieldOutcome.RELEASE,
            ("OSL 6:5",),
        )
    else:
        assert decided.outcome is FieldOutcome.RELEASE


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_health_and_social_secrecy_never_rests_on_the_general_clause(
    query: EvaluationQuery,
) -> None:
    """OSL 10:27 second paragraph: never for 25:1-8 or 26:1-6."""
    for decided in evaluate(query, CATALOGUE).fields:
        strong = any(
            s.startswith(("OSL 25:", "OSL 26:"))
            and int(s.split(":")[1].split()[0]) <= (8 if s.startswith("OSL 25") else 6)
            for s in decided.secrecy
        )
        if strong and decided.outcome is FieldOutcome.RELEASE:
            assert "OSL 10:27" not in decided.legal_basis


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_secret_data_never_reaches_a_non_authority_without_a_human(
    query: EvaluationQuery,
) -> None:
    if is_authority(query.recipient):
        return
    for decided in evaluate(query, CATALOGUE).fields:
        if decided.secrecy:
            assert decided.outcome is not FieldOutcome.RELEASE


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_overall_outcome_matches_the_fields(query: EvaluationQuery) -> None:
    decision = evaluate(query, CATALOGUE)
    outcomes = {field.outcome for field in decision.fields}
    expected = (
        Outcome.NEEDS_ASSESSMENT
        if FieldOutcome.NEEDS_ASSESSMENT in outcomes
        else Outcome.RELEASE
        if outcomes == {FieldOutcome.RELEASE}
        else Outcome.DENY
        if FieldOutcome.RELEASE not in outcomes
        else Outcome.PARTIAL
    )
    assert decision.outcome is expected
    for field in decision.fields:
        assert (field.outcome is FieldOutcome.WITHHOLD) == (not field.legal_basis)
        assert (field.assessment is not None) == (
            field.outcome is FieldOutcome.NEEDS_ASSESSMENT
        )


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_evaluation_is_deterministic_and_survives_the_contract_round_trip(
    query: EvaluationQuery,
) -> None:
    decision = evaluate(query, CATALOGUE)
    replayed = query_from_contract_dict(query.to_contract_dict())
    assert replayed == query
    assert evaluate(replayed, CATALOGUE) == decision
    assert evaluate(query, CATALOGUE).to_contract_dict() == decision.to_contract_dict()


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_no_rule_whose_text_needs_a_judgement_ever_releases(
    query: EvaluationQuery,
) -> None:
    """Duties and permissions that turn on a person's judgement ("anledning att anta",
    "allvarliga brister", "övervägande skäl") or on a point not verified from statute
    text never release a field on their own (issue #15, wrong releases)."""
    for decided in evaluate(query, CATALOGUE).fields:
        if decided.outcome is not FieldOutcome.RELEASE:
            continue
        for rule_id in decided.rule_ids:
            rule = CATALOGUE.rule(rule_id)
            assert not rule.judgement, rule_id
            assert not rule.flags, rule_id
            assert rule.standard is None, rule_id


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_a_reporter_s_identity_is_never_released_without_a_person(
    query: EvaluationQuery,
) -> None:
    """OSL 32:3 b and 26:5: who reported is never released by a rule alone, 10:24
    included; a whistleblower's answer names the notice duty (lag 2021:890)."""
    for decided in evaluate(query, CATALOGUE).fields:
        if decided.category in REPORTER_CATEGORIES:
            assert decided.outcome is not FieldOutcome.RELEASE
            if decided.outcome is FieldOutcome.NEEDS_ASSESSMENT:
                assert "reporter_identity" in decided.flags


@SETTINGS
@given(query=queries(ONE_OR_MORE))
def test_whereabouts_and_contact_rules_reach_only_marked_fields(
    query: EvaluationQuery,
) -> None:
    """SoL 15:7 p. 1 answers only whether someone stays somewhere; Lag 2025:170 4 §
    and OSL 10:26 only contact details: never another field."""
    for field, decided in zip(
        query.fields, evaluate(query, CATALOGUE).fields, strict=True
    ):
        for rule_id in decided.rule_ids:
            kinds = CATALOGUE.rule(rule_id).conditions.field_kinds
            assert kinds is None or field.kind in kinds, rule_id
