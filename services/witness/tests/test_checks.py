"""The consistency rule of add-checkpoint, over many tree sizes (plain Python)."""

from hypothesis import given
from hypothesis import strategies as st

from samverkan_audit_log.merkle import root_from_leaf_hashes
from samverkan_shared.signed_note import Checkpoint
from samverkan_witness.cosigning.checks import (
    CONFLICTING_ROOT,
    INCONSISTENT_PROOF,
    Refusal,
    Stored,
    check_against,
)
from samverkan_witness.cosigning.request import AddCheckpoint

ORIGIN = "samverkan.test/audit-log"
_sizes = st.integers(min_value=1, max_value=300)


def _refusal(
    request: AddCheckpoint, checkpoint: Checkpoint, stored: Stored
) -> Refusal | None:
    try:
        check_against(request, checkpoint, stored)
    except Refusal as refusal:
        return refusal
    return None


@given(old=_sizes, extra=st.integers(min_value=0, max_value=300), data=st.data())
def test_the_log_s_proofs_pass_and_any_altered_hash_fails(
    log, old: int, extra: int, data: st.DataObject
) -> None:
    size = old + extra
    hashes = log.hashes(size)
    stored = Stored(old, root_from_leaf_hashes(hashes[:old]))
    checkpoint = Checkpoint(ORIGIN, size, root_from_leaf_hashes(hashes))
    proof = log.proof(old, size) if old < size else []
    assert _refusal(AddCheckpoint(old, tuple(proof), ""), checkpoint, stored) is None
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        altered = list(proof)
        altered[at] = bytes([altered[at][0] ^ 1]) + altered[at][1:]
        refusal = _refusal(AddCheckpoint(old, tuple(altered), ""), checkpoint, stored)
        assert refusal is not None
        assert (refusal.status, refusal.evidence) == (422, INCONSISTENT_PROOF)


@given(size=_sizes)
def test_another_root_at_the_cosigned_size_is_a_fork_whatever_the_old_size(
    log, size: int
) -> None:
    stored = Stored(size, root_from_leaf_hashes(log.hashes(size)))
    forked = Checkpoint(ORIGIN, size, root_from_leaf_hashes(log.hashes(size, b"f")))
    for old in (0, size):
        refusal = _refusal(AddCheckpoint(old, (), ""), forked, stored)
        assert refusal is not None
        assert (refusal.status, refusal.evidence) == (422, CONFLICTING_ROOT)
