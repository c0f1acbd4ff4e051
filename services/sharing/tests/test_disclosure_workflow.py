"""The disclosure workflow, pure: every allowed move and every refused one."""

from itertools import product

import pytest

from samverkan_sharing.disclosures.workflow import (
    MOVES,
    DisclosureStatus,
    IllegalTransition,
    status_after_decision,
    transition,
)

S = DisclosureStatus
ALLOWED = {
    (S.DECIDED, S.PENDING_AUDIT),
    (S.DECIDED, S.DENIED),
    (S.AWAITING_ASSESSMENT, S.ASSESSED),
    (S.ASSESSED, S.PENDING_AUDIT),
    (S.ASSESSED, S.DENIED),
    (S.PENDING_AUDIT, S.RELEASED),
}
PAIRS = list(product(S, S))


@pytest.mark.parametrize(
    ("current", "requested"),
    [pair for pair in PAIRS if pair in ALLOWED],
    ids=lambda status: str(status),
)
def test_an_allowed_move_gives_the_new_status(
    current: DisclosureStatus, requested: DisclosureStatus
) -> None:
    assert transition(current, requested) is requested


@pytest.mark.parametrize(
    ("current", "requested"),
    [pair for pair in PAIRS if pair not in ALLOWED],
    ids=lambda status: str(status),
)
def test_a_refused_move_names_the_allowed_ones(
    current: DisclosureStatus, requested: DisclosureStatus
) -> None:
    with pytest.raises(IllegalTransition) as raised:
        transition(current, requested)
    assert raised.value.current is current
    assert raised.value.requested is requested
    assert set(raised.value.allowed) == {to for frm, to in ALLOWED if frm is current}


def test_the_table_is_the_one_tested() -> None:
    """Every status has a row, and the rows hold exactly the allowed moves."""
    assert set(MOVES) == set(S)
    assert {(frm, to) for frm, tos in MOVES.items() for to in tos} == ALLOWED


@pytest.mark.parametrize("final", [S.RELEASED, S.DENIED])
def test_released_and_denied_are_final(final: DisclosureStatus) -> None:
    with pytest.raises(IllegalTransition, match=r"allowed: none \(the disclosure"):
        transition(final, S.PENDING_AUDIT)


def test_nothing_is_released_but_through_pending_audit() -> None:
    assert {frm for frm, to in ALLOWED if to is S.RELEASED} == {S.PENDING_AUDIT}


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("release", S.DECIDED),
        ("partial", S.DECIDED),
        ("needs_assessment", S.AWAITING_ASSESSMENT),
        ("deny", S.DENIED),
    ],
)
def test_the_first_status_follows_the_engine_outcome(
    outcome: str, status: DisclosureStatus
) -> None:
    assert status_after_decision(outcome) is status
