"""The checks of C2SP tlog-witness add-checkpoint, in the protocol's order (plain Python).

Each refusal carries the status the protocol mandates; one that shows the log's key
signed two incompatible trees also names the kind of evidence to keep.
"""

from collections.abc import Callable
from dataclasses import dataclass

from samverkan_shared.merkle_proofs import EMPTY_ROOT, verify_consistency
from samverkan_shared.signed_note import (
    Checkpoint,
    InvalidNote,
    NoteVerifier,
    open_note,
    parse_checkpoint_body,
    split_note,
)
from samverkan_witness.cosigning.request import AddCheckpoint

__all__ = [
    "CONFLICTING_ROOT",
    "INCONSISTENT_PROOF",
    "Refusal",
    "Stored",
    "check_against",
    "open_submission",
]

# Two checkpoints of one size with different roots, both validly signed: a fork.
CONFLICTING_ROOT = "conflicting_root"
# A signed checkpoint that the log could not prove extends the one cosigned before.
INCONSISTENT_PROOF = "inconsistent_proof"


class Refusal(Exception):
    """add-checkpoint refused with ``status``; ``latest_size`` for a 409."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        latest_size: int | None = None,
        evidence: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.latest_size = latest_size
        self.evidence = evidence


@dataclass(frozen=True)
class Stored:
    """The newest checkpoint cosigned for the log (size 0, empty root, if none)."""

    tree_size: int
    root_hash: bytes


def open_submission(
    request: AddCheckpoint,
    keys_for: Callable[[str], tuple[NoteVerifier, ...] | None],
) -> tuple[Checkpoint, str]:
    """The submitted checkpoint and its note text, once a trusted key signed it."""
    try:
        text, _ = split_note(request.note)
        checkpoint = parse_checkpoint_body(text)
    except InvalidNote as error:
        raise Refusal(400, f"the checkpoint is malformed: {error.detail}") from None
    keys = keys_for(checkpoint.origin)
    if keys is None:
        raise Refusal(
            404, f"this witness does not follow the log {checkpoint.origin!r}"
        )
    failures = []
    for key in keys:
        try:
            open_note(request.note, key)
        except InvalidNote as error:
            failures.append(error.detail)
            continue
        return checkpoint, text
    raise Refusal(403, f"no valid signature by the log's key: {'; '.join(failures)}")


def check_against(
    request: AddCheckpoint, checkpoint: Checkpoint, stored: Stored
) -> None:
    """Raise Refusal unless the witness may cosign ``checkpoint`` now."""
    size, root = checkpoint.tree_size, checkpoint.root_hash
    if request.old_size > size:
        raise Refusal(
            400, f"old size {request.old_size} exceeds the checkpoint's {size}"
        )
    if stored.tree_size and size == stored.tree_size and root != stored.root_hash:
        raise Refusal(
            422,
            f"a checkpoint of size {size} with another root was cosigned before",
            evidence=CONFLICTING_ROOT,
        )
    if request.old_size != stored.tree_size:
        raise Refusal(
            409,
            f"the latest cosigned size is {stored.tree_size}",
            latest_size=stored.tree_size,
        )
    if size == 0 and root != EMPTY_ROOT:
        raise Refusal(422, "a checkpoint of size 0 must have the empty tree's root")
    if request.old_size == 0 and request.proof:
        raise Refusal(422, "the proof from size 0 must be empty")
    if request.old_size == 0 or request.old_size == size:
        return  # the empty tree precedes all; the same tree was checked above
    if not verify_consistency(
        request.old_size, size, stored.root_hash, root, request.proof
    ):
        raise Refusal(
            422,
            f"the consistency proof from size {request.old_size} to {size} fails",
            evidence=INCONSISTENT_PROOF,
        )
