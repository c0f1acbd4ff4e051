"""add-checkpoint: check a log's new checkpoint against the last one cosigned, cosign it."""

import base64
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from sqlmodel import Session

from samverkan_shared.merkle_proofs import EMPTY_ROOT
from samverkan_shared.signed_note import NoteVerifier
from samverkan_witness.cosigning.checks import (
    Refusal,
    Stored,
    check_against,
    open_submission,
)
from samverkan_witness.cosigning.models import WitnessedLog
from samverkan_witness.cosigning.repository import WitnessedLogRepository
from samverkan_witness.cosigning.request import (
    AddCheckpoint,
    MalformedRequest,
    parse_add_checkpoint,
)
from samverkan_witness.forks.models import ForkEvidence
from samverkan_witness.forks.repository import ForkRepository
from samverkan_witness.keys import WitnessSigner

__all__ = ["add_checkpoint", "latest_checkpoint"]

_log = structlog.get_logger("samverkan_witness")
KeysFor = Callable[[str], tuple[NoteVerifier, ...] | None]


def add_checkpoint(
    session: Session, body: bytes, keys_for: KeysFor, signer: WitnessSigner
) -> str:
    """The cosignature line for the submitted checkpoint; Refusal says why not.

    A refusal that shows the log signed two incompatible trees is kept as evidence
    (both checkpoints and the proof) before it is answered.
    """
    try:
        request = parse_add_checkpoint(body)
    except MalformedRequest as error:
        raise Refusal(400, str(error)) from None
    checkpoint, text = open_submission(request, keys_for)
    logs = WitnessedLogRepository(session)
    logs.lock(checkpoint.origin)
    current = logs.get(checkpoint.origin)
    stored = (
        Stored(0, EMPTY_ROOT)
        if current is None
        else Stored(current.tree_size, current.root_hash)
    )
    try:
        check_against(request, checkpoint, stored)
    except Refusal as refusal:
        if refusal.evidence is not None and current is not None:
            _keep_evidence(session, current, request.note, request, refusal.evidence)
        raise
    now = datetime.now(UTC)
    line = signer.cosign(text, int(now.timestamp()))
    cosigned = request.note + line
    size, root = checkpoint.tree_size, checkpoint.root_hash
    logs.store(current, checkpoint.origin, size, root, cosigned, now)
    # tlog-witness: the new checkpoint is persisted before the cosignature leaves.
    session.commit()
    return line


def _keep_evidence(
    session: Session,
    current: WitnessedLog,
    submitted: str,
    request: AddCheckpoint,
    kind: str,
) -> None:
    proof = "\n".join(base64.b64encode(item).decode("ascii") for item in request.proof)
    ForkRepository(session).add(
        ForkEvidence(
            origin=current.origin,
            kind=kind,
            cosigned_checkpoint=current.checkpoint,
            submitted_checkpoint=submitted,
            old_size=request.old_size,
            proof=proof,
            recorded_at=datetime.now(UTC),
        )
    )
    session.commit()
    _log.warning(
        "fork_evidence",
        origin=current.origin,
        kind=kind,
        cosigned_size=current.tree_size,
        detail="the log's key signed a checkpoint that conflicts with the one "
        "this witness cosigned; both are kept (GET /v1/forks)",
    )


def latest_checkpoint(session: Session, origin_hash: str) -> str | None:
    """The newest cosigned checkpoint of the log with this origin hash, if any."""
    row = WitnessedLogRepository(session).by_origin_hash(origin_hash)
    return None if row is None else row.checkpoint
