"""Cosigned checkpoints and receipts (C2SP tlog-proof) as the log serves them."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from samverkan_audit_log.checkpoints.repository import CheckpointRepository
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.repository import EntryRepository
from samverkan_audit_log.merkle import EMPTY_ROOT, SubtreeHashGetter, inclusion_proof
from samverkan_audit_log.tree.nodes import with_stored_nodes
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_audit_log.witnessing.config import ConfiguredWitness
from samverkan_audit_log.witnessing.repository import CosignatureRepository
from samverkan_audit_log.witnessing.schemas import WitnessingStatus, WitnessState
from samverkan_audit_log.witnessing.worker import Witnessing
from samverkan_shared.problems import NotFound
from samverkan_shared.tlog_proof import TlogProof

__all__ = ["Cosigned", "cosigned_checkpoint", "status", "tlog_proof"]


@dataclass(frozen=True)
class Cosigned:
    """A signed note with the cosignatures stored for it, and whether they suffice."""

    note: str
    tree_size: int
    witnessed: bool


def _keys(witnesses: Sequence[ConfiguredWitness]) -> list[tuple[str, str]]:
    return [(w.name, w.key.key_id.hex()) for w in witnesses]


def _with_cosignatures(
    session: Session, note: str, tree_size: int, witnessing: Witnessing
) -> Cosigned:
    records = CosignatureRepository(session).for_size(tree_size)
    pinned = set(_keys(witnessing.configured()))
    counted = sum((r.witness, r.key_id) in pinned for r in records)
    lines = "".join(record.line for record in records)
    return Cosigned(note + lines, tree_size, counted >= witnessing.policy)


def cosigned_checkpoint(
    session: Session, signer: LogSigner, witnessing: Witnessing
) -> Cosigned:
    """The newest checkpoint with its cosignatures (the empty log's is signed anew)."""
    latest = CheckpointRepository(session).latest()
    if latest is None:
        return Cosigned(signer.sign(0, EMPTY_ROOT), 0, False)
    return _with_cosignatures(session, latest.note, latest.tree_size, witnessing)


def tlog_proof(session: Session, index: int, witnessing: Witnessing) -> Cosigned:
    """The receipt of entry ``index`` as a tlog-proof, against the newest witnessed
    checkpoint that covers it, else the newest checkpoint (not witnessed yet)."""
    entry = EntryRepository(session).get(index)
    checkpoints = CheckpointRepository(session)
    latest = checkpoints.latest()
    if entry is None or latest is None or latest.tree_size <= index:
        raise NotFound(f"The log has no entry with index {index}.")
    witnessed_size = CosignatureRepository(session).newest_witnessed(
        _keys(witnessing.configured()), witnessing.policy, at_least=index + 1
    )
    checkpoint = checkpoints.get(witnessed_size) if witnessed_size else None
    chosen = checkpoint or latest
    cosigned = _with_cosignatures(session, chosen.note, chosen.tree_size, witnessing)

    def compute(getter: SubtreeHashGetter) -> list[bytes]:
        return inclusion_proof(index, chosen.tree_size, getter)

    proof = with_stored_nodes(TreeRepository(session), compute)
    text = TlogProof(index, tuple(proof), cosigned.note, extra=entry.leaf).encode()
    return Cosigned(text, chosen.tree_size, cosigned.witnessed)


def status(session: Session, witnessing: Witnessing) -> WitnessingStatus:
    witnesses = witnessing.configured()
    latest = CheckpointRepository(session).latest()
    witnessed = CosignatureRepository(session).newest_witnessed(
        _keys(witnesses), witnessing.policy
    )
    states = []
    for witness in witnesses:
        seen = witnessing.status.get(witness.name)
        acknowledged = CosignatureRepository(session).acknowledged(
            witness.name, witness.key.key_id.hex()
        )
        states.append(
            WitnessState(
                name=witness.name,
                url=witness.url,
                key=witness.key.encode(),
                acknowledged_size=acknowledged,
                last_error=seen.error if seen else None,
                checked_at=seen.checked_at if seen else None,
            )
        )
    return WitnessingStatus(
        policy=witnessing.policy,
        witnesses=states,
        tree_size=latest.tree_size if latest else 0,
        witnessed_size=witnessed,
    )
